// The submission queue port: intake publishes protocols keyed by precinct, the recorder consumes
// them in batches and the offsets move only after its handler resolved. Two adapters implement it
// (Kafka via kafkajs, in-process for the embedded mode) and pass one contract suite
// (submission-queue.contract.ts).

export type HeaderValue = string | Buffer;

export interface OutgoingMessage {
  /** The precinct id: all messages of one key go to one partition, in publish order. */
  readonly key: string;
  readonly value: Buffer | string;
  readonly headers?: Readonly<Record<string, HeaderValue>>;
}

export interface DeliveredMessage {
  readonly key: string;
  readonly value: Buffer;
  /** Position in its partition, as a decimal string (Kafka offsets are 64-bit). */
  readonly offset: string;
  readonly headers: Readonly<Record<string, Buffer>>;
  /**
   * When the queue took the message (RFC 3339), by the queue's own clock: on Kafka the broker's
   * log append time (a topic whose message.timestamp.type is LogAppendTime, as this adapter
   * creates its topics), in process the clock at publish. Absent when the queue does not say: a
   * Kafka topic on CreateTime, whose timestamps are any producer's to choose. It anchors the
   * envelope's receivedAt, which intake writes and a topic writer could backdate.
   */
  readonly appendedAt?: string;
}

/**
 * For each published message, in order, when the queue took it: the appendedAt its consumers will
 * be delivered (Kafka: the broker's log append time from the produce answer; in process: the
 * clock at publish), or undefined where the queue does not say (a Kafka topic on CreateTime).
 */
export type PublishedAt = readonly (string | undefined)[];

/** Consecutive messages of one partition, in offset order. */
export interface MessageBatch {
  readonly partition: number;
  readonly messages: readonly DeliveredMessage[];
}

export interface ConsumeOptions {
  /** Consumers sharing a group id share the partitions; each group sees every message. */
  readonly groupId: string;
  /**
   * Awaited; the batch's offsets are committed only after it resolves. If it throws, nothing of
   * the batch is committed and the same messages come again (after a short pause). Delivery is
   * at least once: make the handling idempotent (event ids derived from the submission id).
   */
  readonly handleBatch: (batch: MessageBatch) => Promise<void>;
  /** Upper bound on messages per handleBatch call; default 500. */
  readonly maxBatchSize?: number;
  /** Told about handler failures and consumer restarts; the consumer carries on by itself. */
  readonly onError?: (error: unknown) => void;
  /**
   * Told each time this member has (re)joined its group — after a consumer restart, the crash
   * that onError reported is over. (Kafka only: the in-process queue has no group to rejoin.)
   */
  readonly onJoined?: () => void;
  /**
   * Where a partition with no offset committed for the group starts: at its first message
   * appended at or after this time, not at the oldest kept. A partition the group has committed
   * on goes on from its commit, whatever this says. For a reader that cares only about messages
   * of its own lifetime, so that each start does not read the topic's whole history again.
   */
  readonly startAt?: Date;
}

export interface QueueConsumer {
  /**
   * Leaves the group. Waits for in-flight handlers: a batch whose handler resolves is committed,
   * one whose handler throws is not and will be delivered to the group's next consumer.
   */
  stop(): Promise<void>;
}

export interface SubmissionQueue {
  readonly topic: string;
  readonly partitions: number;
  /**
   * Creates the topic and its dead-letter topic (same partition count) if they do not exist.
   * Idempotent. Kafka: created with `max.message.bytes` above MAX_MESSAGE_BYTES (the broker's
   * default is about 1 MiB); an existing topic is left as it is, with a warning if its limit is lower.
   */
  ensureTopics(): Promise<void>;
  /**
   * Resolves once every message is durably accepted (Kafka: acks from all in-sync replicas;
   * in-process: enqueued), with when the queue took each (PublishedAt). Order is kept per key,
   * within a call and across awaited calls. Rejects with MessageTooLargeError, sending nothing of
   * the call, if a message's messageBytes exceed MAX_MESSAGE_BYTES.
   */
  publish(messages: readonly OutgoingMessage[]): Promise<PublishedAt>;
  consume(options: ConsumeOptions): Promise<QueueConsumer>;
  /**
   * Messages published but not yet committed by the group, summed over the partitions: the
   * queue lag an operator watches on election night. A group that never committed counts from
   * the oldest message kept.
   */
  lag(groupId: string): Promise<number>;
  /**
   * How many consumers are members of the group now (Kafka: the coordinator's describeGroups;
   * in-process: the members that joined and have not stopped). Intake's readiness asks it of the
   * recorder group: a submission nobody reads must not be acknowledged.
   */
  groupMembers(groupId: string): Promise<number>;
  /** The dead-letter topic `<topic>.dead-letter`, on the same connection. */
  readonly deadLetters: DeadLetterQueue;
  /** Stops every consumer this queue started (of both topics) and releases connections. */
  close(): Promise<void>;
}

/**
 * Where a consumer puts what it can never handle (a "poison pill"), so that its partition moves
 * on: the original bytes with the reason, as headers. Delivery, groups, commits and lag work
 * exactly as on the submissions topic.
 */
export interface DeadLetterQueue {
  /** `<submissions topic>.dead-letter` (deadLetterTopicFor). */
  readonly topic: string;
  /** The submissions topic's partition count; a letter is keyed, so partitioned, like its original. */
  readonly partitions: number;
  /**
   * Durable like SubmissionQueue.publish (Kafka: acks=-1, idempotent producer), order kept per
   * key. Each letter goes out as toDeadLetterMessage(letter). Rejects with MessageTooLargeError,
   * sending nothing of the call, beyond MAX_DEAD_LETTER_BYTES: never the case for a letter of a
   * message the submissions topic accepted.
   */
  publish(letters: readonly DeadLetter[]): Promise<void>;
  /** Same semantics as SubmissionQueue.consume; read each message with fromDeliveredDeadLetter. */
  consume(options: ConsumeOptions): Promise<QueueConsumer>;
  /** Dead letters the group has not committed; for a group that never consumed, all that are kept. */
  lag(groupId: string): Promise<number>;
}

export const DEFAULT_MAX_BATCH_SIZE = 500;

// ---------------------------------------------------------------------------------------------
// Sizes. Both adapters measure a message alike (messageBytes) and refuse the same ones.

/** What publish accepts: a message's key, value and headers together, in bytes (10 MiB). */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
/** What dead-letter publish accepts: room for the largest original the submissions topic can hold plus the letter's headers. */
export const MAX_DEAD_LETTER_BYTES = MAX_MESSAGE_BYTES + 128 * 1024;
/** The reason text is cut to this many UTF-8 bytes (ending in "…"), so a letter's headers stay small. */
export const MAX_REASON_BYTES = 4096;

/** Key + value + header names and values, in bytes: the measure of the size limits. */
export function messageBytes(message: OutgoingMessage): number {
  let size = Buffer.byteLength(message.key) + Buffer.byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) size += Buffer.byteLength(name) + Buffer.byteLength(value);
  return size;
}

export class MessageTooLargeError extends Error {
  readonly code = 'MESSAGE_TOO_LARGE';
  constructor(
    /** Position of the message in the publish call. */
    readonly index: number,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`message ${index} has ${bytes} bytes (key, value and headers); the limit is ${limit}`);
    this.name = 'MessageTooLargeError';
  }
}

/**
 * The queue holds as much as it may (the in-process queue's bound: its consumers are behind):
 * nothing of the call was enqueued. Not a refusal of the message; the caller tries again later.
 */
export class QueueFullError extends Error {
  readonly code = 'QUEUE_FULL';
  constructor(
    /** What the bound counts: `messages` or `bytes`. */
    readonly limitKind: 'messages' | 'bytes',
    readonly held: number,
    readonly limit: number,
    /** A hint for the caller's Retry-After, in seconds. */
    readonly retryAfterSeconds = 1,
  ) {
    super(`the queue holds ${held} ${limitKind} of at most ${limit}: its consumers are behind; try again later`);
    this.name = 'QueueFullError';
  }
}

/** Throws MessageTooLargeError for the first message over `limit`; a call is refused whole. */
export function refuseOversized(messages: readonly OutgoingMessage[], limit: number): void {
  messages.forEach((message, index) => {
    const bytes = messageBytes(message);
    if (bytes > limit) throw new MessageTooLargeError(index, bytes, limit);
  });
}

// ---------------------------------------------------------------------------------------------
// Dead letters: the value type and its pure encoding as a message (no clock, no I/O).

/** Stable reason codes: dashboards, alerts and operators key on them. */
export const DEAD_LETTER_REASON_CODES = [
  /** The bytes are not a submission envelope (not UTF-8, not JSON, not the schema). */
  'UNDECODABLE',
  /** No signature, or one that does not hold: unknown key, does not verify, or a key of another commission than `submittedBy`. */
  'UNVERIFIED',
  /** The event store refuses it for good (a non-finite number, NUL, an unpaired surrogate; not a transient failure: those are retried). */
  'UNSTORABLE',
  /** It names an election this service does not hold, still after the recorder's wait. */
  'UNKNOWN_ELECTION',
  /** Larger than an envelope may be (MAX_ENVELOPE_BYTES). */
  'TOO_LARGE',
  /**
   * Its receivedAt is not when intake could have received it: further before the queue took it
   * than intake ever takes to publish, or after (past the clocks' allowed skew). A signature is
   * judged against its key's validity at receivedAt, so a backdated one could outlive a revocation.
   */
  'MISDATED',
] as const;
export type DeadLetterReasonCode = (typeof DEAD_LETTER_REASON_CODES)[number];

export interface DeadLetterReason {
  readonly code: DeadLetterReasonCode;
  /** For people; cut to MAX_REASON_BYTES when encoded. */
  readonly message: string;
}

/** Where the original was read. */
export interface DeadLetterSource {
  readonly topic: string;
  readonly partition: number;
  /** Decimal string, like DeliveredMessage.offset. */
  readonly offset: string;
}

export interface DeadLetter {
  readonly source: DeadLetterSource;
  /** The original key ('' where the original had none). */
  readonly key: string;
  /** The original value, byte for byte. */
  readonly value: Buffer;
  /** The original headers. */
  readonly headers: Readonly<Record<string, Buffer>>;
  readonly reason: DeadLetterReason;
  /** ISO 8601 instant, given by the caller. */
  readonly deadLetteredAt: string;
}

/** The dead-letter topic of a topic. */
export function deadLetterTopicFor(topic: string): string {
  return `${topic}.dead-letter`;
}

/** Header names of a dead-letter message; the value is the original's, unchanged. */
export const DEAD_LETTER_HEADERS = {
  reasonCode: 'dead-letter.reason-code',
  reason: 'dead-letter.reason',
  sourceTopic: 'dead-letter.source-topic',
  sourcePartition: 'dead-letter.source-partition',
  sourceOffset: 'dead-letter.source-offset',
  at: 'dead-letter.at',
} as const;
/** Headers under this prefix belong to the letter; an original header named so is escaped. */
export const DEAD_LETTER_HEADER_PREFIX = 'dead-letter.';
/** An original header whose name starts with DEAD_LETTER_HEADER_PREFIX travels as this prefix + its name. */
export const ESCAPED_HEADER_PREFIX = 'dead-letter.original.';

export class DeadLetterFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadLetterFormatError';
  }
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DECIMAL = /^(0|[1-9]\d*)$/;

/** What is wrong with a letter's fields, or undefined; shared by encoding and decoding. */
function deadLetterFieldError(letter: Pick<DeadLetter, 'source' | 'reason' | 'deadLetteredAt'>): string | undefined {
  const { source, reason, deadLetteredAt } = letter;
  if (!(DEAD_LETTER_REASON_CODES as readonly string[]).includes(reason.code)) return `unknown reason code ${JSON.stringify(reason.code)}`;
  if (source.topic.length === 0) return 'source topic is empty';
  if (!Number.isSafeInteger(source.partition) || source.partition < 0) return `source partition ${source.partition} is not a partition number`;
  if (!DECIMAL.test(source.offset)) return `source offset ${JSON.stringify(source.offset)} is not a decimal offset`;
  if (!ISO_INSTANT.test(deadLetteredAt) || !Number.isFinite(Date.parse(deadLetteredAt))) return `deadLetteredAt ${JSON.stringify(deadLetteredAt)} is not an ISO 8601 instant`;
  return undefined;
}

/** Cuts text to at most maxBytes of UTF-8, on a character boundary, ending in "…". */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength('…');
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > budget) break;
    bytes += size;
    end += char.length;
  }
  return `${text.slice(0, end)}…`;
}

/** The letter a consumer writes for a message it read at (topic, partition). */
export function deadLetterOf(
  message: DeliveredMessage,
  at: { readonly topic: string; readonly partition: number },
  reason: DeadLetterReason,
  deadLetteredAt: string,
): DeadLetter {
  return {
    source: { topic: at.topic, partition: at.partition, offset: message.offset },
    key: message.key,
    value: message.value,
    headers: message.headers,
    reason,
    deadLetteredAt,
  };
}

/**
 * The message a letter travels as: the original key and value, the original headers (a name
 * starting with "dead-letter." escaped as "dead-letter.original.<name>") and DEAD_LETTER_HEADERS.
 * Throws on a malformed letter (unknown code, bad offset or instant): a caller's bug.
 */
export function toDeadLetterMessage(letter: DeadLetter): OutgoingMessage {
  const error = deadLetterFieldError(letter);
  if (error) throw new DeadLetterFormatError(`cannot dead-letter: ${error}`);
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(letter.headers)) {
    headers[name.startsWith(DEAD_LETTER_HEADER_PREFIX) ? ESCAPED_HEADER_PREFIX + name : name] = value;
  }
  const ours: Record<keyof typeof DEAD_LETTER_HEADERS, string> = {
    reasonCode: letter.reason.code,
    reason: truncateUtf8(letter.reason.message, MAX_REASON_BYTES),
    sourceTopic: letter.source.topic,
    sourcePartition: String(letter.source.partition),
    sourceOffset: letter.source.offset,
    at: letter.deadLetteredAt,
  };
  for (const [field, name] of Object.entries(DEAD_LETTER_HEADERS)) headers[name] = Buffer.from(ours[field as keyof typeof ours], 'utf8');
  return { key: letter.key, value: letter.value, headers };
}

/**
 * Reads a message of a dead-letter topic back into the letter (the value is the delivered
 * buffer itself). Throws DeadLetterFormatError for a message that is not one (a header missing
 * or malformed, a reason code this version does not know); unknown "dead-letter.*" headers are
 * ignored.
 */
export function fromDeliveredDeadLetter(message: DeliveredMessage): DeadLetter {
  const headers: Record<string, Buffer> = {};
  const ours = new Map<string, string>();
  for (const [name, value] of Object.entries(message.headers)) {
    if (name.startsWith(ESCAPED_HEADER_PREFIX)) headers[name.slice(ESCAPED_HEADER_PREFIX.length)] = value;
    else if (name.startsWith(DEAD_LETTER_HEADER_PREFIX)) ours.set(name, value.toString('utf8'));
    else headers[name] = value;
  }
  const field = (key: keyof typeof DEAD_LETTER_HEADERS): string => {
    const value = ours.get(DEAD_LETTER_HEADERS[key]);
    if (value === undefined) throw new DeadLetterFormatError(`not a dead letter: header ${DEAD_LETTER_HEADERS[key]} is missing (offset ${message.offset})`);
    return value;
  };
  const reason = { code: field('reasonCode') as DeadLetterReasonCode, message: field('reason') };
  const partition = field('sourcePartition');
  const letter: DeadLetter = {
    source: { topic: field('sourceTopic'), partition: DECIMAL.test(partition) ? Number(partition) : Number.NaN, offset: field('sourceOffset') },
    key: message.key,
    value: message.value,
    headers,
    reason,
    deadLetteredAt: field('at'),
  };
  const error = deadLetterFieldError(letter);
  if (error) throw new DeadLetterFormatError(`not a dead letter: ${error} (offset ${message.offset})`);
  return letter;
}
