// The queue's part of the service configuration, read from the environment at start-up.
// KAFKA_BROKERS unset (or empty) means the embedded mode's in-process queue.
import { z } from 'zod';
import { DEFAULT_IN_PROCESS_MAX_BYTES, DEFAULT_IN_PROCESS_MAX_MESSAGES, InProcessSubmissionQueue } from './in-process-submission-queue';
import { KafkaSubmissionQueue, type KafkaQueueOptions, type QueueLogger, type QueueLogLevel } from './kafka-submission-queue';
import type { SubmissionQueue } from './submission-queue.port';

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;
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
  /** How long a silent consumer keeps its partitions before the group gives them to another (kafkajs default 30 s). */
  KAFKA_SESSION_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(6000).max(300_000).default(30_000)),
  /** The in-process queue's bound (ignored with Kafka, whose retention is the broker's): submissions held… */
  TALLY_QUEUE_MAX_MESSAGES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1, 'the queue holds at least 1 message').max(10_000_000).default(DEFAULT_IN_PROCESS_MAX_MESSAGES)),
  /** …and their bytes (key, value, headers). At least one envelope's worth (1 MiB). */
  TALLY_QUEUE_MAX_BYTES: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1024 * 1024, 'the queue holds at least 1 MiB (1048576 bytes), one envelope at its largest').max(2 ** 40).default(DEFAULT_IN_PROCESS_MAX_BYTES),
  ),
});

export type QueueConfig =
  | ({ readonly kind: 'kafka'; readonly sessionTimeoutMs: number } & Pick<
      KafkaQueueOptions,
      'brokers' | 'topic' | 'partitions' | 'clientId' | 'replicationFactor' | 'minInsyncReplicas'
    >)
  | { readonly kind: 'in-process'; readonly topic: string; readonly partitions: number; readonly maxMessages: number; readonly maxBytes: number };

export function parseQueueConfig(env: Readonly<Record<string, string | undefined>> = process.env): QueueConfig {
  const parsed = queueEnvSchema.parse(env);
  if (parsed.KAFKA_REPLICATION_FACTOR !== undefined && parsed.KAFKA_MIN_INSYNC_REPLICAS !== undefined && parsed.KAFKA_MIN_INSYNC_REPLICAS > parsed.KAFKA_REPLICATION_FACTOR) {
    throw new z.ZodError([
      { code: 'custom', path: ['KAFKA_MIN_INSYNC_REPLICAS'], message: 'KAFKA_MIN_INSYNC_REPLICAS must not exceed KAFKA_REPLICATION_FACTOR (no write could ever succeed)', input: env.KAFKA_MIN_INSYNC_REPLICAS },
    ]);
  }
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
    };
  }
  return { kind: 'in-process', topic: parsed.KAFKA_TOPIC, partitions: parsed.KAFKA_PARTITIONS, maxMessages: parsed.TALLY_QUEUE_MAX_MESSAGES, maxBytes: parsed.TALLY_QUEUE_MAX_BYTES };
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
