// The service's configuration: read from the environment once at start-up, validated, with the
// embedded defaults when nothing is set (PGlite under ./data, in-process queue, every role).
// Every variable the service reads is a key of `appEnvSchema` (docker-compose is checked against it).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { eventStoreEnvSchema, parseEventStoreConfig, type EventStoreConfig } from '@tally/event-store';
import { receivedAtBoundOf, receivedAtEnvSchema, type ReceivedAtBound } from '@tally/domain';
import { parseQueueConfig, queueEnvSchema, type QueueConfig } from '@tally/intake-queue';
import { httpEnvSchema } from '../http/http.config';
import { DEFAULT_LIVE_OPTIONS } from '../live/live-options';
import { DEFAULT_CACHED_STREAMS } from '../recorder/recorder-policy';

export const ROLES = ['intake', 'recorder', 'projector'] as const;
export type Role = (typeof ROLES)[number];

const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const serviceEnvSchema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  /** 127.0.0.1 by default: a laptop demo should not listen on every interface. Containers set 0.0.0.0. */
  HOST: z.preprocess(emptyToUndefined, z.string().min(1).default('127.0.0.1')),
  TALLY_ROLES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default(ROLES.join(','))
      .transform((text) => text.split(',').map((r) => r.trim()).filter((r) => r.length > 0))
      .pipe(z.array(z.enum(ROLES, { message: `each role is one of ${ROLES.join(', ')}` })).min(1)),
  ),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  /** Bearer token of the admin role (loads election definitions). Unset: admin endpoints refuse. */
  TALLY_ADMIN_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, 'an admin token has at least 16 characters').optional()),
  /** Bearer token of the auditor role (history and audit endpoints). Unset: those endpoints refuse. */
  TALLY_AUDITOR_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, 'an auditor token has at least 16 characters').optional()),
  /**
   * Load the demo election at start-up if the store does not have it yet. Its keys are derived
   * from public seeds, so unset means true only outside production (NODE_ENV=production: false).
   */
  TALLY_DEMO: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).transform((v) => v === 'true').optional()),
  NODE_ENV: z.preprocess(emptyToUndefined, z.string().optional()),
  /** Consumer group of the recorder role: recorders sharing it share the queue's partitions. */
  TALLY_RECORDER_GROUP: z.preprocess(emptyToUndefined, z.string().min(1).default('tally-recorder')),
  /** Most submissions one recorder batch (one store transaction) takes. */
  TALLY_RECORDER_BATCH_SIZE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(10_000).default(500)),
  /** Precinct streams whose folded state a recorder keeps (about 2.4 KiB each at a night's end); 0 reads every stream again. */
  TALLY_RECORDER_CACHED_STREAMS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(10_000_000).default(DEFAULT_CACHED_STREAMS)),
  /**
   * How long the recorder waits, in all, for an election its registry does not know (another
   * process may be defining it) before it dead-letters the election's submissions (UNKNOWN_ELECTION).
   */
  TALLY_RECORDER_ELECTION_WAIT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(3_600_000).default(60_000)),
  /** The first of those waits; each next one is twice as long (1 s, 2 s, 4 s, …). */
  TALLY_RECORDER_ELECTION_RETRY_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(600_000).default(1000)),
  /**
   * TALLY_MAX_QUEUE_DELAY_S, TALLY_MAX_CLOCK_SKEW_S: how far a submission's receivedAt may stand
   * from the broker's append time. Intake does not acknowledge, and recorders dead-letter
   * (MISDATED), what lies outside; a topic writer can backdate by this much and no more.
   */
  ...receivedAtEnvSchema.shape,
  /** Names this process in recorded events' metadata (`recordedBy`); default host-pid-random. */
  TALLY_INSTANCE_ID: z.preprocess(emptyToUndefined, z.string().min(1).max(200).optional()),
  /**
   * The transparency log (libs/merkle-log). Unset: on in every process that answers the public
   * (intake: receipts; projector: the log's endpoints), off in a recorder-only process, which
   * serves nothing outside and would fold every event for nobody (9% of its busy time, profiled).
   */
  TALLY_LOG: z.preprocess(emptyToUndefined, z.enum(['on', 'off']).optional()),
  /** The log's Ed25519 private key, PKCS8 PEM. Unset: $TALLY_DATA_DIR/log/log-key.pem, generated on first start. */
  TALLY_LOG_KEY: z.preprocess(emptyToUndefined, z.string().includes('PRIVATE KEY', { message: 'TALLY_LOG_KEY is a PKCS8 PEM private key' }).optional()),
  /** Longest wait for a signed head while events arrive (the issue's bound is 10 s). */
  TALLY_LOG_HEAD_INTERVAL_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(10_000).default(10_000)),
  /** Live results (SSE): at most one frame per watched commission per this many ms (DEFAULT_LIVE_OPTIONS, where the defaults are measured). */
  TALLY_SSE_WINDOW_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(10).max(10_000).default(DEFAULT_LIVE_OPTIONS.windowMs)),
  TALLY_SSE_MAX_WRITES_PER_S: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(10_000_000).default(DEFAULT_LIVE_OPTIONS.maxWritesPerSecond)),
  /** Live streams this process holds at once; a stream past it is refused with 503 and Retry-After. */
  TALLY_SSE_MAX_SUBSCRIBERS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_LIVE_OPTIONS.maxSubscribers)),
  TALLY_SSE_MAX_PER_ADDRESS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_LIVE_OPTIONS.maxPerAddress)),
  /** Commissions watched live at once (each keeps a ring of its frames); a new one evicts an unwatched one, or is refused. */
  TALLY_SSE_MAX_CHANNELS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_LIVE_OPTIONS.maxChannels)),
  /** Worker threads for intake's and the recorder's Ed25519 checks; 0 checks them on the event loop. Default: one per core but one, at least one, at most four. */
  TALLY_SIGNATURE_THREADS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(64).optional()),
});

export const appEnvSchema = serviceEnvSchema.extend(eventStoreEnvSchema.shape).extend(queueEnvSchema.shape).extend(httpEnvSchema.shape);

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly roles: readonly Role[];
  readonly logLevel: z.infer<typeof serviceEnvSchema>['LOG_LEVEL'];
  readonly adminToken: string | undefined;
  readonly auditorToken: string | undefined;
  readonly demo: boolean;
  readonly eventStore: EventStoreConfig;
  readonly queue: QueueConfig;
  readonly recorder: RecorderConfig;
  /** How far a submission's receivedAt may stand from the queue's clock (intake and recorders alike). */
  readonly receivedAt: ReceivedAtBound;
  readonly log: LogConfig;
  readonly live: LiveConfig;
  /** Worker threads for intake's and the recorder's signature checks (0: on the event loop). */
  readonly signatureThreads: number;
}

/** Live results (src/live/live-options.ts LiveOptions): four from the environment, the rest for tests. */
export interface LiveConfig {
  readonly windowMs: number;
  readonly maxWritesPerSecond: number;
  readonly maxSubscribers: number;
  readonly maxPerAddress: number;
  readonly maxChannels: number;
  readonly ringSize?: number;
  readonly ringBytes?: number;
  readonly stallMs?: number;
  readonly heartbeatMs?: number;
  readonly maxBufferedBytes?: number;
}

export interface LogConfig {
  readonly enabled: boolean;
  /** Where its files go when the store is not in memory: $TALLY_DATA_DIR/log. */
  readonly dir: string;
  readonly keyPem: string | undefined;
  readonly headIntervalMs: number;
}

export interface RecorderConfig {
  readonly groupId: string;
  readonly batchSize: number;
  /** Precinct states kept folded (recorder/recorder-streams.ts). */
  readonly cachedStreams: number;
  readonly instanceId: string | undefined;
  /** Total wait for an unknown election before UNKNOWN_ELECTION, ms. */
  readonly electionWaitMs: number;
  /** First back-off step of that wait, ms (doubling). */
  readonly electionRetryMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError naming every bad variable and its rule. */
export interface LoadOptions {
  /**
   * Accept intake without a recorder on the in-process queue (roleTopologyProblem): only for the
   * intake bench, which measures intake alone and wants nobody reading its queue.
   */
  readonly intakeWithoutRecorder?: boolean;
}

export function loadAppConfig(env: Readonly<Record<string, string | undefined>> = process.env, options: LoadOptions = {}): AppConfig {
  const parsed = serviceEnvSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) for (const i of parsed.error.issues) problems.push(`${i.path.join('.')}: ${i.message}`);
  const http = httpEnvSchema.safeParse(env);
  if (!http.success) for (const i of http.error.issues) problems.push(`${i.path.join('.')}: ${i.message}`);
  let eventStore: EventStoreConfig | undefined;
  let queue: QueueConfig | undefined;
  try {
    eventStore = parseEventStoreConfig(env);
  } catch (e) {
    problems.push(describe(e));
  }
  try {
    queue = parseQueueConfig(env);
  } catch (e) {
    problems.push(describe(e));
  }
  if (parsed.success && queue && !options.intakeWithoutRecorder) {
    const topology = roleTopologyProblem(parsed.data.TALLY_ROLES, queue);
    if (topology) problems.push(topology);
  }
  if (problems.length > 0 || !parsed.success || !eventStore || !queue) throw new ConfigError(problems);
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    roles: [...new Set(c.TALLY_ROLES)],
    logLevel: c.LOG_LEVEL,
    adminToken: c.TALLY_ADMIN_TOKEN,
    auditorToken: c.TALLY_AUDITOR_TOKEN,
    demo: c.TALLY_DEMO ?? c.NODE_ENV !== 'production',
    eventStore,
    queue,
    recorder: {
      groupId: c.TALLY_RECORDER_GROUP,
      batchSize: c.TALLY_RECORDER_BATCH_SIZE,
      cachedStreams: c.TALLY_RECORDER_CACHED_STREAMS,
      instanceId: c.TALLY_INSTANCE_ID,
      electionWaitMs: c.TALLY_RECORDER_ELECTION_WAIT_MS,
      electionRetryMs: c.TALLY_RECORDER_ELECTION_RETRY_MS,
    },
    receivedAt: receivedAtBoundOf(c),
    live: { windowMs: c.TALLY_SSE_WINDOW_MS, maxWritesPerSecond: c.TALLY_SSE_MAX_WRITES_PER_S, maxSubscribers: c.TALLY_SSE_MAX_SUBSCRIBERS, maxPerAddress: c.TALLY_SSE_MAX_PER_ADDRESS, maxChannels: c.TALLY_SSE_MAX_CHANNELS },
    signatureThreads: c.TALLY_SIGNATURE_THREADS ?? defaultSignatureThreads(availableParallelism(), c.TALLY_ROLES),
    log: {
      enabled: c.TALLY_LOG === undefined ? c.TALLY_ROLES.some((role) => role !== 'recorder') : c.TALLY_LOG === 'on',
      dir: join(env.TALLY_DATA_DIR?.trim() || './data', 'log'),
      keyPem: c.TALLY_LOG_KEY,
      headIntervalMs: c.TALLY_LOG_HEAD_INTERVAL_MS,
    },
  };
}

/**
 * Signature threads by default. A thread is worth its handoff (a message each way, a wake-up) when
 * the event loop is what bounds the process: one that takes submissions and records them (both
 * checks of each on one loop: embedded, or intake + recorder) gets cores − 1 (1 to 4). A process
 * of one of those roles shares the machine with the others, the broker and the database: it gets
 * cores − 2 (0 to 4), so on two cores it checks inline. Measured 2026-12-04 on two cores with
 * libsodium's check: roles split, four pairs in turn, inline 979–1,332 against 910–1,102/s (inline
 * ahead in each); intake and recorder in one process (the SSE bench) inline saturated its loop
 * (771 of 886 µs a protocol on it, received → recorded p99 1,358 ms).
 */
export function defaultSignatureThreads(cores: number, roles: readonly Role[]): number {
  const loopBound = roles.includes('intake') && roles.includes('recorder');
  return Math.min(4, Math.max(loopBound ? 1 : 0, cores - (loopBound ? 1 : 2)));
}

/**
 * Intake acknowledges a submission once it is on the queue, so some recorder must read that
 * queue. The in-process queue lives in this process only: intake without the recorder role would
 * answer 202 into a queue nobody reads. (With Kafka the recorders are other processes, started in
 * any order: intake's readiness says whether the recorder group has members.)
 */
export function roleTopologyProblem(roles: readonly Role[], queue: QueueConfig): string | undefined {
  if (queue.kind !== 'in-process' || !roles.includes('intake') || roles.includes('recorder')) return undefined;
  return (
    `TALLY_ROLES: the intake role needs a recorder reading its queue; with the in-process queue (KAFKA_BROKERS unset) ` +
    `that is this process, so TALLY_ROLES must include recorder (e.g. intake,recorder), or set KAFKA_BROKERS and run recorders elsewhere`
  );
}

function describe(e: unknown): string {
  if (e instanceof z.ZodError) return e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  return e instanceof Error ? e.message : String(e);
}
