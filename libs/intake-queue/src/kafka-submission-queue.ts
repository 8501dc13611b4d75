// The Kafka adapter (kafkajs 2.2): idempotent producer with acks from all in-sync replicas,
// consumer groups with eachBatch and explicit commits of offset + 1 after the handler resolved.
// kafkajs stays behind the port so another client could replace it.
import * as net from 'node:net';
import * as tls from 'node:tls';
import {
  ConfigResourceTypes,
  Kafka,
  Partitioners,
  logLevel as KafkaLogLevel,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type ITopicMetadata,
  type KafkaMessage,
  type LogEntry,
  type Producer,
  type ISocketFactory,
  type SASLOptions,
} from 'kafkajs';
import {
  DEFAULT_MAX_BATCH_SIZE,
  MAX_DEAD_LETTER_BYTES,
  MAX_MESSAGE_BYTES,
  deadLetterTopicFor,
  messageBytes,
  refuseOversized,
  toDeadLetterMessage,
  type ConsumeOptions,
  type DeadLetter,
  type DeadLetterQueue,
  type DeliveredMessage,
  type PublishedAt,
  type OutgoingMessage,
  type QueueConsumer,
  type SubmissionQueue,
} from './submission-queue.port';
import { retryRetriable, waitForLeaders, withAdmin } from './kafka-retry';

/** The subset of pino's API the adapter logs through. */
export interface QueueLogger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export type QueueLogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface KafkaQueueOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly partitions: number;
  readonly clientId: string;
  /** Replication of topics this adapter creates; default: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  /** min.insync.replicas of topics this adapter creates; default: the broker's. */
  readonly minInsyncReplicas?: number;
  /** Consumer session timeout; default kafkajs's 30 s. */
  readonly sessionTimeoutMs?: number;
  readonly logger?: QueueLogger;
  /** kafkajs's own logging, routed to `logger`; default 'warn'. */
  readonly logLevel?: QueueLogLevel;
  /** Pause before redelivering a batch whose handler threw; default 500 ms. */
  readonly retryDelayMs?: number;
  /**
   * How long a produce request waits for more publishes to join it (Kafka's own producer
   * `linger.ms`, 5 ms by default since Kafka 4.0); default 0. Each request costs the broker and
   * this process the same whatever it carries, so a few ms more per 202 buys fewer requests.
   */
  readonly lingerMs?: number;
  /** The principal's login on SASL listeners (SCRAM or PLAIN); unset: no SASL. */
  readonly sasl?: { readonly mechanism: 'scram-sha-256' | 'scram-sha-512' | 'plain'; readonly username: string; readonly password: string };
  /** TLS to the brokers, against the system's CAs; default false. */
  readonly ssl?: boolean;
}

const LEVELS: Record<QueueLogLevel, KafkaLogLevel> = {
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

const consoleLogger: QueueLogger = {
  error: (obj, msg) => console.error(msg, obj),
  warn: (obj, msg) => console.warn(msg, obj),
  info: (obj, msg) => console.info(msg, obj),
  debug: (obj, msg) => console.debug(msg, obj),
};

/**
 * One produce request stays well under the broker's default 1 MiB message.max.bytes per partition
 * batch; a single larger message (up to the topic's limit) goes alone in its own request.
 */
const MAX_SEND_BYTES = 512 * 1024;
/** Room for Kafka's record and batch framing above what messageBytes counts. */
const FRAMING_BYTES = 64 * 1024;
/** Topic-level `max.message.bytes` (one record batch) of the topics ensureTopics creates. */
export const TOPIC_MAX_MESSAGE_BYTES = MAX_MESSAGE_BYTES + FRAMING_BYTES;
export const DEAD_LETTER_TOPIC_MAX_MESSAGE_BYTES = MAX_DEAD_LETTER_BYTES + FRAMING_BYTES;
const HEARTBEAT_EVERY_MS = 3000;
const TRANSIENT = /rebalanc|coordinator is (loading|not available)|not the correct coordinator|leader(ship)? (election|not available)|not the leader/i;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function kafkaLogCreator(logger: QueueLogger, threshold: KafkaLogLevel) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const obj = { component: 'kafkajs', namespace, ...extra };
      // kafkajs logs every error response at ERROR, even the transient states it retries by
      // itself (a rebalance, a coordinator still loading); what is not retried surfaces anyway.
      // Likewise a CreateTopics answer with errors: two instances' ensureTopics racing get
      // TOPIC_ALREADY_EXISTS, and any other creation error is thrown by ensureTopics itself.
      const transient = namespace === 'Connection' && (TRANSIENT.test(String(extra.error ?? '')) || message.startsWith('Response CreateTopics'));
      if (transient) {
        if (threshold >= KafkaLogLevel.DEBUG) logger.debug(obj, message);
      }
      else if (level <= KafkaLogLevel.ERROR) logger.error(obj, message);
      else if (level === KafkaLogLevel.WARN) logger.warn(obj, message);
      else if (level === KafkaLogLevel.INFO) logger.info(obj, message);
      else logger.debug(obj, message);
    };
}

/**
 * kafkajs's own factory (plain TCP, keep-alive 60 s), plus a record of every socket. After a broker
 * restart kafkajs can keep a connection of a broker object it dropped from its pool, which nothing
 * closes; close() ends whatever is left so a stopped queue holds no socket open.
 */
export function trackingSocketFactory(sockets: Set<net.Socket>): ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    // As kafkajs's own factory: TLS when the client has `ssl`, with SNI naming the broker.
    const socket = ssl
      ? tls.connect({ host, port, ...(typeof ssl === 'object' ? ssl : {}), ...(net.isIP(host) ? {} : { servername: host }) }, onConnect)
      : net.connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
}

/**
 * Half-closes a leftover socket; the broker's FIN then reaches kafkajs's own 'end' handler, which
 * also clears the connection's request-timeout interval (destroying the socket would not).
 */
async function endSocket(socket: net.Socket): Promise<void> {
  if (socket.destroyed) return;
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<boolean>((resolve) => {
    socket.once('close', () => resolve(true));
    timer = setTimeout(() => resolve(false), 2000);
  });
  socket.end();
  const closedInTime = await closed;
  clearTimeout(timer);
  if (closedInTime) return;
  socket.emit('end');
  socket.destroy();
}

function headerToBuffer(value: IHeaders[string]): Buffer | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : Buffer.from(first);
}

function toDelivered(message: KafkaMessage): DeliveredMessage {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const buffer = headerToBuffer(value);
    if (buffer) headers[name] = buffer;
  }
  const appendedAt = logAppendTime(message);
  return {
    key: message.key ? message.key.toString('utf8') : '',
    value: message.value ?? Buffer.alloc(0),
    offset: message.offset,
    headers,
    ...(appendedAt === undefined ? {} : { appendedAt }),
  };
}

/** An RFC 3339 instant of Kafka's milliseconds-since-the-epoch text; undefined for -1 (none) or no number. */
function instantOf(ms: string | undefined): string | undefined {
  const n = Number(ms);
  return ms !== undefined && Number.isSafeInteger(n) && n > 0 ? new Date(n).toISOString() : undefined;
}

/** Kafka's timestamp type of a record batch whose timestamps the broker set (the topic's message.timestamp.type). */
const LOG_APPEND_TIME = 1;

/**
 * The broker's append time, when the record's batch carries it: kafkajs then gives the batch's
 * maxTimestamp as every record's timestamp, and says so (untyped) in its batchContext. A
 * CreateTime timestamp is the producer's to choose, and anchors nothing.
 */
function logAppendTime(message: KafkaMessage): string | undefined {
  const context = (message as KafkaMessage & { batchContext?: { timestampType?: number } }).batchContext;
  if (context?.timestampType !== LOG_APPEND_TIME) return undefined;
  return instantOf(message.timestamp);
}

const byteSize = (message: OutgoingMessage) => messageBytes(message) + 64;

/** A message with the partition it goes to, chosen before sending (see sendCovered). */
interface PartitionedMessage {
  readonly key: string;
  readonly value: Buffer | string;
  readonly headers?: IHeaders;
  readonly partition: number;
}

/** Sends of one chunk before its unanswered partitions are reported as a failed publish. */
const MAX_UNANSWERED_RESENDS = 5;

interface PendingPublish {
  readonly topic: string;
  readonly messages: readonly OutgoingMessage[];
  readonly resolve: (appendedAt: PublishedAt) => void;
  readonly reject: (error: unknown) => void;
}

export class KafkaSubmissionQueue implements SubmissionQueue {
  readonly topic: string;
  readonly partitions: number;
  readonly deadLetters: DeadLetterQueue;
  private readonly kafka: Kafka;
  private readonly logger: QueueLogger;
  private producer: Producer | undefined;
  private producerReady: Promise<Producer> | undefined;
  private readonly pending: PendingPublish[] = [];
  private flushing = false;
  private readonly consumers = new Set<KafkaQueueConsumer>();
  private closed = false;
  private readonly sockets = new Set<net.Socket>();
  private readonly partitioners = new Map<string, Promise<(key: string) => number>>();

  constructor(private readonly options: KafkaQueueOptions) {
    this.topic = options.topic;
    this.partitions = options.partitions;
    this.logger = options.logger ?? consoleLogger;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: LEVELS[options.logLevel ?? 'warn'],
      logCreator: kafkaLogCreator(this.logger, LEVELS[options.logLevel ?? 'warn']),
      // Patient enough to ride out a broker restart (≈ 75 s in all) before publish gives up, but
      // never more than 2 s between tries: with kafkajs's default 30 s cap, a publish waited up to
      // 29 s after a leader kill for a cluster that had recovered long before (npm run
      // faults:kafka: longest wait 29.0 s, p99 570 ms; with this, 19.2 s and 62 ms).
      retry: { initialRetryTime: 300, maxRetryTime: 2000, retries: 40 },
      socketFactory: trackingSocketFactory(this.sockets),
      ...(options.ssl ? { ssl: true } : {}),
      ...(options.sasl ? { sasl: { ...options.sasl } as SASLOptions } : {}),
    });
    const deadLetterTopic = deadLetterTopicFor(this.topic);
    this.deadLetters = {
      topic: deadLetterTopic,
      partitions: this.partitions,
      publish: async (letters: readonly DeadLetter[]) => void (await this.publishTo(deadLetterTopic, letters.map(toDeadLetterMessage), MAX_DEAD_LETTER_BYTES)),
      consume: (options: ConsumeOptions) => this.consumeFrom(deadLetterTopic, options),
      lag: (groupId: string) => this.lagOf(deadLetterTopic, groupId),
    };
  }

  /**
   * Several processes starting on a fresh cluster race to create the topics; the one that created
   * them may still get UNKNOWN_TOPIC_OR_PARTITION while waiting for leaders (the metadata is not
   * on every broker yet) — seen on three brokers, where an intake or a recorder died at start. So
   * the whole step is retried while kafkajs calls the error retriable.
   */
  async ensureTopics(): Promise<void> {
    await retryRetriable(() => this.ensureTopicsOnce());
  }

  private async ensureTopicsOnce(): Promise<void> {
    const wanted = [
      // The broker stamps each message when it appends it, whatever the producer set: the anchor
      // for the envelope's receivedAt (DeliveredMessage.appendedAt).
      { topic: this.topic, maxMessageBytes: TOPIC_MAX_MESSAGE_BYTES, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] },
      // Dead letters are the evidence of what could not be recorded: kept until an operator deletes them.
      { topic: this.deadLetters.topic, maxMessageBytes: DEAD_LETTER_TOPIC_MAX_MESSAGE_BYTES, configEntries: [{ name: 'retention.ms', value: '-1' }] },
    ];
    await withAdmin(this.kafka, async (admin) => {
      const existing = new Set(await admin.listTopics());
      const missing = wanted.filter(({ topic }) => !existing.has(topic));
      if (missing.length > 0) {
        try {
          await admin.createTopics({
            waitForLeaders: false,
            topics: missing.map(({ topic, maxMessageBytes, configEntries }) => ({
              topic,
              numPartitions: this.partitions,
              replicationFactor: this.options.replicationFactor ?? -1,
              configEntries: [
                { name: 'max.message.bytes', value: String(maxMessageBytes) },
                ...(this.options.minInsyncReplicas === undefined ? [] : [{ name: 'min.insync.replicas', value: String(this.options.minInsyncReplicas) }]),
                ...configEntries,
              ],
            })),
          });
        } catch (error) {
          // Another instance created it between our list and create: that is the goal reached.
          type Cause = { topic?: string; type?: string; message: string; retriable?: boolean };
          const causes = (error as { errors?: Cause[] }).errors ?? [error as Cause];
          const real = causes.filter((cause) => !String(cause.message).includes('already exists') && cause.type !== 'TOPIC_ALREADY_EXISTS');
          if (real.length > 0) {
            // kafkajs says only "Topic creation errors"; name each topic and the broker's reason (an ACL, a policy).
            const reasons = real.map((cause) => `${cause.topic ? `${cause.topic}: ` : ''}${cause.message}${cause.type ? ` (${cause.type})` : ''}`);
            // Still retriable (a controller moving, metadata not replayed yet) when every cause is.
            throw Object.assign(new Error(`cannot create Kafka topics: ${reasons.join('; ')}`, { cause: error }), { retriable: real.every((cause) => cause.retriable === true) });
          }
        }
      }
      const metadata = await waitForLeaders(admin, wanted.map(({ topic }) => topic));
      await this.checkExisting(admin, wanted, metadata);
    });
  }

  /** An existing topic is kept as it is; say so where it differs from what we would create. */
  private async checkExisting(admin: Admin, wanted: readonly { topic: string; maxMessageBytes: number }[], topics: readonly ITopicMetadata[]): Promise<void> {
    for (const metadata of topics) {
      if (metadata.partitions.length !== this.partitions) {
        this.logger.warn(
          { topic: metadata.name, existing: metadata.partitions.length, configured: this.partitions },
          'topic exists with another partition count; keeping it (changing it would move precincts between partitions)',
        );
      }
    }
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: wanted.map(({ topic }) => ({ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes', 'message.timestamp.type'] })),
    });
    const configOf = (topic: string, name: string) =>
      resources.find((resource) => resource.resourceName === topic)?.configEntries.find((config) => config.configName === name)?.configValue;
    const timestamps = configOf(this.topic, 'message.timestamp.type');
    if (timestamps !== undefined && timestamps !== 'LogAppendTime') {
      this.logger.warn(
        { topic: this.topic, 'message.timestamp.type': timestamps },
        `topic exists with message.timestamp.type=${timestamps}: its timestamps are the producers' to choose, so recorders cannot check the envelopes' receivedAt against the broker's clock (MISDATED), and a topic writer holding a revoked key could backdate a submission to before the revocation (set it: kafka-configs.sh --alter --entity-type topics --entity-name ${this.topic} --add-config message.timestamp.type=LogAppendTime)`,
      );
    }
    for (const { maxMessageBytes, topic } of wanted) {
      const limit = Number(configOf(topic, 'max.message.bytes'));
      if (Number.isFinite(limit) && limit < maxMessageBytes) {
        this.logger.warn(
          { topic, maxMessageBytes: limit, wanted: maxMessageBytes },
          `topic exists with a smaller max.message.bytes; the broker will refuse larger messages (raise it: kafka-configs.sh --alter --entity-type topics --entity-name ${topic} --add-config max.message.bytes=${maxMessageBytes})`,
        );
      }
    }
  }

  async lag(groupId: string): Promise<number> {
    return this.lagOf(this.topic, groupId);
  }

  async groupMembers(groupId: string): Promise<number> {
    return withAdmin(this.kafka, async (admin) => {
      const { groups } = await admin.describeGroups([groupId]);
      // A group that never existed is described as Dead with no members.
      return groups.find((g) => g.groupId === groupId)?.members.length ?? 0;
    });
  }

  /**
   * kafkajs's fetchTopicOffsets gives up at once on NOT_LEADER_FOR_PARTITION (a leader moved, or a
   * new topic's leader not settled yet: CI saw it on a topic just created); a new admin reads the
   * metadata afresh, so the whole reading is tried again while the error is retriable.
   */
  private lagOf(topic: string, groupId: string): Promise<number> {
    return retryRetriable(() => this.lagOnce(topic, groupId));
  }

  private lagOnce(topic: string, groupId: string): Promise<number> {
    return withAdmin(this.kafka, async (admin) => {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
      let lag = 0n;
      for (const end of ends) {
        const done = byPartition.get(end.partition) ?? -1n;
        // -1: the group never committed here; it starts from the oldest retained message.
        const from = done < 0n ? BigInt(end.low) : done;
        lag += BigInt(end.high) - from;
      }
      return Number(lag);
    });
  }

  /** Concurrent calls are coalesced into one produce request: one round trip for a burst. */
  async publish(messages: readonly OutgoingMessage[]): Promise<PublishedAt> {
    return this.publishTo(this.topic, messages, MAX_MESSAGE_BYTES);
  }

  /** Runs synchronously up to the enqueue, so concurrent calls keep the order they were made in. */
  private async publishTo(topic: string, messages: readonly OutgoingMessage[], limit: number): Promise<PublishedAt> {
    if (this.closed) throw new Error('submission queue is closed');
    if (messages.length === 0) return [];
    refuseOversized(messages, limit);
    return new Promise<PublishedAt>((resolve, reject) => {
      this.pending.push({ topic, messages, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        // What arrives while this waits (or while the previous send was out) goes in the same request.
        const linger = this.options.lingerMs ?? 0;
        if (linger > 0) await sleep(linger);
        const taken: PendingPublish[] = [];
        const { topic } = this.pending[0];
        let bytes = 0;
        // Coalesces consecutive calls for one topic; the next topic's calls go in the next round.
        while (this.pending.length > 0 && this.pending[0].topic === topic && (taken.length === 0 || bytes < MAX_SEND_BYTES)) {
          const next = this.pending.shift() as PendingPublish;
          taken.push(next);
          for (const message of next.messages) bytes += byteSize(message);
        }
        try {
          const appendedAt = await this.send(topic, taken.flatMap((entry) => entry.messages));
          let from = 0;
          for (const entry of taken) {
            entry.resolve(appendedAt.slice(from, from + entry.messages.length));
            from += entry.messages.length;
          }
        } catch (error) {
          for (const entry of taken) entry.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Sends in order; resolves with when the broker appended each message (PublishedAt). */
  private async send(topic: string, messages: readonly OutgoingMessage[]): Promise<PublishedAt> {
    const producer = await this.connectProducer();
    const partitionOf = await this.partitionerFor(topic);
    const appendedAt: (string | undefined)[] = [];
    // A publish larger than one request goes out in order, request after request.
    let chunk: PartitionedMessage[] = [];
    let bytes = 0;
    const sendChunk = async () => {
      if (chunk.length === 0) return;
      const byPartition = await this.sendCovered(producer, topic, chunk);
      for (const message of chunk) appendedAt.push(byPartition.get(message.partition));
      chunk = [];
      bytes = 0;
    };
    for (const message of messages) {
      const size = byteSize(message);
      if (bytes + size > MAX_SEND_BYTES) await sendChunk();
      chunk.push({ key: message.key, value: message.value, headers: message.headers ? { ...message.headers } : undefined, partition: partitionOf(message.key) });
      bytes += size;
    }
    await sendChunk();
    return appendedAt;
  }

  /**
   * kafkajs 2.2.4 can resolve a send without having written some of its partitions: it keeps the
   * answers of a request per broker across retries, so when broker A answered, broker B failed,
   * and B's partitions moved to A before the retry, A is not asked again and B's partitions are
   * never sent (producer/sendMessages.js, `brokersWithoutResponse`). Found by the fault campaign:
   * submissions acknowledged after a broker kill were absent from the topic. So every partition
   * the chunk went to must be in the answer; the ones missing are sent again, before any later
   * chunk, so a precinct's order holds. A partition both answered and resent is at worst written
   * twice, which the recorder's exactly-once by submission id already absorbs.
   */
  private async sendCovered(producer: Producer, topic: string, messages: readonly PartitionedMessage[]): Promise<Map<number, string | undefined>> {
    // Each partition's log append time, from the answer that wrote it (the broker stamps a whole
    // batch with one; -1 on a CreateTime topic, whose timestamps are the producer's).
    const appendedAt = new Map<number, string | undefined>();
    let outgoing = messages;
    for (let attempt = 1; ; attempt++) {
      const answered = await producer.send({ topic, acks: -1, messages: [...outgoing] });
      const written = new Set<number>();
      for (const record of answered) {
        if (record.topicName !== topic || record.errorCode !== 0) continue;
        written.add(record.partition);
        appendedAt.set(record.partition, instantOf(record.logAppendTime));
      }
      const missing = outgoing.filter((message) => !written.has(message.partition));
      if (missing.length === 0) return appendedAt;
      const partitions = [...new Set(missing.map((message) => message.partition))].sort((a, b) => a - b);
      if (attempt >= MAX_UNANSWERED_RESENDS) {
        throw new Error(`Kafka did not acknowledge partitions ${partitions.join(', ')} of ${topic} after ${attempt} sends; ${missing.length} messages not published`);
      }
      this.logger.warn({ topic, partitions, messages: missing.length, attempt }, 'kafkajs resolved a send without an answer for these partitions; sending their messages again');
      outgoing = missing;
    }
  }

  /**
   * The partition of each key, as kafkajs's default partitioner would choose it (murmur2 of the key
   * modulo the partition count), fixed here so the answer can be checked partition by partition.
   * The count is read once per topic while the queue is open: partitions added meanwhile stay unused
   * until a restart, rather than moving precincts between partitions mid-night.
   */
  private partitionerFor(topic: string): Promise<(key: string) => number> {
    let known = this.partitioners.get(topic);
    if (!known) {
      known = withAdmin(this.kafka, async (admin) => {
        const { topics } = await retryRetriable(() => admin.fetchTopicMetadata({ topics: [topic] }));
        const count = topics[0]?.partitions.length ?? 0;
        if (count === 0) throw new Error(`Kafka topic ${topic} has no partitions (does it exist?)`);
        const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [], isr: [], partitionErrorCode: 0 }));
        const choose = Partitioners.DefaultPartitioner();
        return (key: string) => choose({ topic, partitionMetadata, message: { key, value: null } });
      });
      known.catch(() => this.partitioners.delete(topic));
      this.partitioners.set(topic, known);
    }
    return known;
  }

  private connectProducer(): Promise<Producer> {
    this.producerReady ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().catch((error: unknown) => {
      this.producerReady = undefined;
      throw error;
    });
    return this.producerReady;
  }

  async consume(options: ConsumeOptions): Promise<QueueConsumer> {
    return this.consumeFrom(this.topic, options);
  }

  private async consumeFrom(topic: string, options: ConsumeOptions): Promise<QueueConsumer> {
    if (this.closed) throw new Error('submission queue is closed');
    const consumer = new KafkaQueueConsumer(this.kafka, topic, { ...options, sessionTimeoutMs: this.options.sessionTimeoutMs }, this.logger, this.options.retryDelayMs ?? 500, () =>
      this.consumers.delete(consumer),
    );
    this.consumers.add(consumer);
    try {
      await consumer.start();
    } catch (error) {
      await consumer.stop();
      throw error;
    }
    return consumer;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    while (this.flushing) await sleep(10);
    if (this.producer) await this.producer.disconnect();
    this.producer = undefined;
    this.producerReady = undefined;
    this.partitioners.clear();
    await Promise.all([...this.sockets].map((socket) => endSocket(socket)));
  }
}

class KafkaQueueConsumer implements QueueConsumer {
  private consumer: Consumer | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restarts = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly options: ConsumeOptions & { readonly sessionTimeoutMs?: number },
    private readonly logger: QueueLogger,
    private readonly retryDelayMs: number,
    private readonly onStopped: () => void,
  ) {}

  /** Resolves once this member has joined the group and received its partitions. */
  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      heartbeatInterval: HEARTBEAT_EVERY_MS,
      ...(this.options.sessionTimeoutMs === undefined ? {} : { sessionTimeout: this.options.sessionTimeoutMs }),
      // An idle fetch returns after this long; stop() waits for it, so keep it short.
      maxWaitTimeInMs: 1000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.options.onError?.(payload.error);
      // kafkajs restarts by itself after retriable errors; for the rest we start a new consumer.
      if (!payload.restart && !this.stopping && consumer === this.consumer) this.scheduleRestart();
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.restarts = 0;
      this.options.onJoined?.();
    });
    // kafkajs race: disconnect() during its own crash-restart (before the new member has joined)
    // stops nothing, and the restarted consumer then fetches forever. Catch it at its first fetch.
    consumer.on(consumer.events.FETCH_START, () => {
      if (this.stopping) void consumer.disconnect().catch(() => undefined);
    });
    await consumer.connect();
    if (this.stopping) return this.abandon(consumer);
    if (this.options.startAt) await this.startUncommittedAt(this.options.startAt);
    if (this.stopping) return this.abandon(consumer);
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    if (this.stopping) return this.abandon(consumer);
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    if (this.stopping) return this.abandon(consumer);
  }

  /**
   * Commits, for the partitions the group has no offset on, the first offset at or after `at` (by
   * the messages' timestamps): the group then starts there instead of at the oldest message kept.
   * Done before this member joins, as Kafka takes a group's offsets only while it has no members.
   * If it cannot be done (a member of an earlier run still in the group, say), the group reads
   * from the oldest message, as without startAt: slower, never a message missed.
   */
  private async startUncommittedAt(at: Date): Promise<void> {
    const { groupId } = this.options;
    try {
      await withAdmin(this.kafka, async (admin) => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [this.topic] });
        const uncommitted = new Set((committed?.partitions ?? []).filter((p) => BigInt(p.offset) < 0n).map((p) => p.partition));
        if (uncommitted.size === 0) return;
        const offsets = await admin.fetchTopicOffsetsByTimestamp(this.topic, at.getTime());
        const partitions = offsets.filter((p) => uncommitted.has(p.partition)).map(({ partition, offset }) => ({ partition, offset }));
        if (partitions.length > 0) await admin.setOffsets({ groupId, topic: this.topic, partitions });
      });
    } catch (error) {
      this.logger.warn(
        { groupId, topic: this.topic, error: error instanceof Error ? error.message : String(error) },
        `cannot start the group at ${at.toISOString()}; it reads ${this.topic} from the oldest message kept`,
      );
    }
  }

  /** stop() was called while this consumer was still starting: make sure it ends too. */
  private async abandon(consumer: Consumer): Promise<void> {
    await consumer.disconnect().catch(() => undefined);
  }

  private scheduleRestart(): void {
    const delay = Math.min(30_000, 1000 * 2 ** this.restarts++);
    this.logger.warn({ groupId: this.options.groupId, delay }, 'kafka consumer crashed without restarting; starting a new one');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      const old = this.consumer;
      void (async () => {
        await old?.disconnect().catch(() => undefined);
        if (this.stopping) return;
        await this.start();
      })().catch((error: unknown) => {
        this.options.onError?.(error);
        if (!this.stopping) this.scheduleRestart();
      });
    }, delay);
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const max = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    for (let start = 0; start < batch.messages.length; start += max) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + max);
      // A slow handler (a big store transaction) must not cost us the group membership.
      const beat = setInterval(() => heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
      try {
        await this.options.handleBatch({ partition: batch.partition, messages: chunk.map(toDelivered) });
      } catch (error) {
        this.options.onError?.(error);
        // Nothing resolved: kafkajs fetches again from the last resolved offset, so the same
        // messages come back after the pause (or go to the next owner of the partition).
        const until = Date.now() + this.retryDelayMs;
        while (isRunning() && Date.now() < until) await sleep(Math.min(50, this.retryDelayMs));
        return;
      } finally {
        clearInterval(beat);
      }
      const last = chunk[chunk.length - 1].offset;
      resolveOffset(last);
      // Explicit offsets: without arguments this commits nothing when autoCommit is off.
      await commitOffsetsIfNecessary({
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }] }],
      });
      await heartbeat();
    }
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    try {
      // Waits for the batch in progress: committed if its handler resolved, not if it threw.
      await this.consumer?.disconnect();
    } finally {
      this.onStopped();
    }
  }
}
