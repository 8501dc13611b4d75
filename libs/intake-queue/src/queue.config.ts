// The queue's part of the service configuration, read from the environment at start-up.
// KAFKA_BROKERS unset (or empty) means the embedded mode's in-process queue.
import { z } from 'zod';
import { DEFAULT_IN_PROCESS_MAX_BYTES, DEFAULT_IN_PROCESS_MAX_MESSAGES, InProcessSubmissionQueue } from './in-process-submission-queue';
import { KafkaSubmissionQueue, type KafkaQueueOptions, type QueueLogger, type QueueLogLevel } from './kafka-submission-queue';
import type { SubmissionQueue } from './submission-queue.port';

const SASL_MECHANISMS = ['scram-sha-256', 'scram-sha-512', 'plain'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;
/** Kafka's own default; measured against 0, 2 and 10 ms by bench/intake (libs/intake-queue/README.md). */
const LINGER_DEFAULT_MS = 5;
/**
 * The in-process queue's partitions. One consumer in one process gains nothing from more, and its
 * consumer takes a batch from one partition at a time, so with six a submission waited for the
 * other five's batches (bench/intake embedded, three pairs in turn: 202 → recorded p50 60–71 ms with
 * one, 169–196 ms with six; p99 208–306 against 395–489 ms). KAFKA_PARTITIONS is Kafka's.
 */
export const IN_PROCESS_PARTITIONS = 1;
const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** Merge into the app's environment schema; every key here is a variable the service reads. */
export const queueEnvSchema = z.object({
  KAFKA_BROKERS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((text) => text.split(',').map((broker) => broker.trim()).filter((broker) => broker.length > 0))
      .pipe(z.array(z.string().regex(HOST_PORT, 'each broker must be host:port')).min(1))
      .optional(),
  ),
  KAFKA_TOPIC: z.preprocess(
    emptyToUndefined,
    // 237 = Kafka's 249 less the dead-letter topic's suffix ".dead-letter" (deadLetterTopicFor).
    z.string().regex(/^[A-Za-z0-9._-]{1,237}$/, 'Kafka topic names use letters, digits, ".", "_" and "-", at most 237 of them (the dead-letter topic adds 12)').default('tally.submissions'),
  ),
  KAFKA_PARTITIONS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(10_000).default(6)),
  KAFKA_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().min(1).default('tally')),
  /** Copies of each topic the service creates; unset: the brokers' default.replication.factor. */
  KAFKA_REPLICATION_FACTOR: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(32).optional()),
  /** min.insync.replicas of those topics (an acks=all write needs that many copies); unset: the brokers' default. */
  KAFKA_MIN_INSYNC_REPLICAS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(32).optional()),
  /** How long a produce request waits for more submissions to join it (Kafka's own producer default since 4.0: 5 ms). */
  KAFKA_LINGER_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(1000).default(LINGER_DEFAULT_MS)),
  /** How long a silent consumer keeps its partitions before the group gives them to another (kafkajs default 30 s). */
  KAFKA_SESSION_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(6000).max(300_000).default(30_000)),
  /** SASL on the brokers' listener: the mechanism, and the principal's name and password (all three or none). */
  KAFKA_SASL_MECHANISM: z.preprocess(
    emptyToUndefined,
    z.enum(SASL_MECHANISMS, { error: `KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}` }).optional(),
  ),
  KAFKA_SASL_USERNAME: z.preprocess(emptyToUndefined, z.string().optional()),
  KAFKA_SASL_PASSWORD: z.preprocess(emptyToUndefined, z.string().optional()),
  /** TLS to the brokers (SASL_SSL or SSL listeners), checked against the system's CAs. */
  KAFKA_SSL: z.preprocess(emptyToUndefined, z.enum(['true', 'false'], { error: 'KAFKA_SSL must be true or false' }).default('false')),
  /** The in-process queue's bound (ignored with Kafka, whose retention is the broker's): submissions held… */
  TALLY_QUEUE_MAX_MESSAGES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1, 'the queue holds at least 1 message').max(10_000_000).default(DEFAULT_IN_PROCESS_MAX_MESSAGES)),
  /** …and their bytes (key, value, headers). At least one envelope's worth (1 MiB). */
  TALLY_QUEUE_MAX_BYTES: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1024 * 1024, 'the queue holds at least 1 MiB (1048576 bytes), one envelope at its largest').max(2 ** 40).default(DEFAULT_IN_PROCESS_MAX_BYTES),
  ),
});

export class QueueConfigError extends Error {
  override readonly name = 'QueueConfigError';
}

export interface KafkaSasl {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: string;
}

export type QueueConfig =
  | ({ readonly kind: 'kafka'; readonly sessionTimeoutMs: number; readonly sasl?: KafkaSasl; readonly ssl: boolean } & Pick<
      KafkaQueueOptions,
      'brokers' | 'topic' | 'partitions' | 'clientId' | 'replicationFactor' | 'minInsyncReplicas' | 'lingerMs'
    >)
  | { readonly kind: 'in-process'; readonly topic: string; readonly partitions: number; readonly maxMessages: number; readonly maxBytes: number };

export function parseQueueConfig(env: Readonly<Record<string, string | undefined>> = process.env): QueueConfig {
  const parsed = queueEnvSchema.parse(env);
  if (parsed.KAFKA_REPLICATION_FACTOR !== undefined && parsed.KAFKA_MIN_INSYNC_REPLICAS !== undefined && parsed.KAFKA_MIN_INSYNC_REPLICAS > parsed.KAFKA_REPLICATION_FACTOR) {
    throw new z.ZodError([
      { code: 'custom', path: ['KAFKA_MIN_INSYNC_REPLICAS'], message: 'KAFKA_MIN_INSYNC_REPLICAS must not exceed KAFKA_REPLICATION_FACTOR (no write could ever succeed)', input: env.KAFKA_MIN_INSYNC_REPLICAS },
    ]);
  }
  const sasl = saslOf(parsed);
  const ssl = parsed.KAFKA_SSL === 'true';
  if (parsed.KAFKA_BROKERS) {
    return {
      kind: 'kafka',
      brokers: parsed.KAFKA_BROKERS,
      topic: parsed.KAFKA_TOPIC,
      partitions: parsed.KAFKA_PARTITIONS,
      clientId: parsed.KAFKA_CLIENT_ID,
      replicationFactor: parsed.KAFKA_REPLICATION_FACTOR,
      minInsyncReplicas: parsed.KAFKA_MIN_INSYNC_REPLICAS,
      sessionTimeoutMs: parsed.KAFKA_SESSION_TIMEOUT_MS,
      lingerMs: parsed.KAFKA_LINGER_MS,
      sasl,
      ssl,
    };
  }
  // Credentials for a broker no one named are a deployment mistake (a lost KAFKA_BROKERS), not a default.
  if (sasl || ssl) throw new QueueConfigError('KAFKA_BROKERS: required when KAFKA_SASL_MECHANISM or KAFKA_SSL=true is set (without it the queue is in-process)');
  return { kind: 'in-process', topic: parsed.KAFKA_TOPIC, partitions: IN_PROCESS_PARTITIONS, maxMessages: parsed.TALLY_QUEUE_MAX_MESSAGES, maxBytes: parsed.TALLY_QUEUE_MAX_BYTES };
}

/** All three SASL variables, or none: a half-configured login fails at start, naming what is missing. */
function saslOf(env: z.infer<typeof queueEnvSchema>): KafkaSasl | undefined {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = env;
  if (mechanism === undefined) {
    const stray = [username !== undefined && 'KAFKA_SASL_USERNAME', password !== undefined && 'KAFKA_SASL_PASSWORD'].filter(Boolean);
    if (stray.length > 0) throw new QueueConfigError(`KAFKA_SASL_MECHANISM: required when ${stray.join(' and ')} ${stray.length > 1 ? 'are' : 'is'} set (one of ${SASL_MECHANISMS.join(', ')})`);
    return undefined;
  }
  const missing = [username === undefined && 'KAFKA_SASL_USERNAME', password === undefined && 'KAFKA_SASL_PASSWORD'].filter(Boolean);
  if (missing.length > 0) throw new QueueConfigError(`${missing.join(', ')}: required when KAFKA_SASL_MECHANISM is set`);
  return { mechanism, username: username!, password: password! };
}

export interface QueueDependencies {
  readonly logger?: QueueLogger;
  readonly logLevel?: QueueLogLevel;
}

export function createSubmissionQueue(config: QueueConfig, deps: QueueDependencies = {}): SubmissionQueue {
  switch (config.kind) {
    case 'kafka':
      return new KafkaSubmissionQueue({ ...config, logger: deps.logger, logLevel: deps.logLevel });
    case 'in-process':
      return new InProcessSubmissionQueue(config);
    default: {
      const unknownKind: never = config;
      throw new Error(`unknown queue kind ${JSON.stringify(unknownKind)}`);
    }
  }
}
