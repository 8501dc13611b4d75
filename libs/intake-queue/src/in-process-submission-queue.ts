// The in-process queue of the embedded (one-process) mode: Kafka's semantics without Kafka.
// Partitions by a hash of the key (order per key), consumer groups share partitions, offsets move
// only after the handler resolved, uncommitted messages are redelivered. Memory only, and bounded
// (messages and bytes held): when its consumers fall behind, publish refuses with QueueFullError
// and intake answers 503 with Retry-After. See README.
import {
  DEFAULT_MAX_BATCH_SIZE,
  MAX_DEAD_LETTER_BYTES,
  MAX_MESSAGE_BYTES,
  deadLetterTopicFor,
  messageBytes,
  QueueFullError,
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

export interface InProcessQueueOptions {
  readonly topic?: string;
  readonly partitions?: number;
  /** Pause before redelivering a batch whose handler threw; default 100 ms. */
  readonly retryDelayMs?: number;
  /** Most submissions held in memory (published and not yet dropped after every group committed them); default 100,000. */
  readonly maxMessages?: number;
  /** Most bytes (key, value, headers: messageBytes) held; default 256 MiB. */
  readonly maxBytes?: number;
}

export const DEFAULT_IN_PROCESS_MAX_MESSAGES = 100_000;
export const DEFAULT_IN_PROCESS_MAX_BYTES = 256 * 1024 * 1024;

interface StoredMessage {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, Buffer>>;
  readonly bytes: number;
  /** When publish took it (RFC 3339): DeliveredMessage.appendedAt. */
  readonly appendedAt: string;
}

/** What a topic may hold; undefined: unbounded (the dead-letter topic, whose letters are few). */
interface TopicBound {
  readonly maxMessages: number;
  readonly maxBytes: number;
}

/** FNV-1a over the key's UTF-8 bytes: stable across runs, so a key keeps its partition. */
export function partitionForKey(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

const TRIM_CHUNK = 4096;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/**
 * A batch is taken only after the event loop has polled for I/O. A handler on an in-process store
 * (PGlite) runs as one chain of microtasks, which starves I/O; taken at once from publish, every
 * batch held the one message its request had just published, and each paid a whole transaction
 * and a read by every store subscription (the embedded bench was bounded by it: profiled). After
 * the poll, a batch holds every request that arrived meanwhile, as Kafka's fetch would.
 */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

class Group {
  readonly members: Member[] = [];
  /** Next offset to deliver per partition (= last committed offset + 1). */
  readonly committed: number[];
  readonly owner: (Member | undefined)[];
  /** A partition whose batch is in a handler; no one else takes it until that settles. */
  readonly busy: boolean[];

  constructor(partitions: number) {
    this.committed = new Array<number>(partitions).fill(0);
    this.owner = new Array<Member | undefined>(partitions).fill(undefined);
    this.busy = new Array<boolean>(partitions).fill(false);
  }

  rebalance(): void {
    const active = this.members.filter((member) => !member.stopping);
    for (let p = 0; p < this.owner.length; p++) this.owner[p] = active.length > 0 ? active[p % active.length] : undefined;
    this.wakeAll();
  }

  wakeAll(): void {
    for (const member of this.members) member.wake();
  }
}

class Member implements QueueConsumer {
  stopping = false;
  private loop: Promise<void> | undefined;
  private nextScan = 0;

  constructor(
    private readonly queue: InProcessTopic,
    private readonly group: Group,
    private readonly options: ConsumeOptions,
  ) {}

  wake(): void {
    // A running loop re-scans after every batch, so it cannot miss work announced meanwhile.
    if (this.loop || this.stopping) return;
    this.loop = yieldToIo()
      .then(() => this.run())
      .finally(() => {
        this.loop = undefined;
      });
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    // Hand the partitions over at once; the one in our handler stays busy until it settles.
    this.group.rebalance();
    await this.loop;
    const index = this.group.members.indexOf(this);
    if (index >= 0) this.group.members.splice(index, 1);
  }

  /** One batch at a time per consumer, like kafkajs with partitionsConsumedConcurrently = 1. */
  private async run(): Promise<void> {
    const maxBatchSize = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    for (;;) {
      if (this.stopping || this.queue.owner.closed) return;
      const partition = this.pickPartition();
      if (partition === undefined) return;
      const from = this.group.committed[partition];
      const messages = this.queue.read(partition, from, maxBatchSize);
      this.group.busy[partition] = true;
      try {
        await this.options.handleBatch({ partition, messages });
        this.group.committed[partition] = from + messages.length;
        this.queue.trim(partition);
      } catch (error) {
        this.options.onError?.(error);
        await sleep(this.queue.owner.retryDelayMs);
      } finally {
        this.group.busy[partition] = false;
        this.group.wakeAll();
      }
      await yieldToIo();
    }
  }

  /** Round-robin over owned partitions with pending messages, so no partition starves. */
  private pickPartition(): number | undefined {
    const count = this.group.owner.length;
    for (let i = 0; i < count; i++) {
      const p = (this.nextScan + i) % count;
      if (this.group.owner[p] === this && !this.group.busy[p] && this.group.committed[p] < this.queue.length(p)) {
        this.nextScan = (p + 1) % count;
        return p;
      }
    }
    return undefined;
  }
}

/** One topic's partitions, groups and offsets: the submissions topic and its dead-letter topic are two. */
class InProcessTopic {
  private readonly logs: StoredMessage[][];
  /** Offset of logs[p][0]: messages every group has committed are dropped (bounded memory). */
  private readonly base: number[];
  private readonly groups = new Map<string, Group>();
  private heldMessages = 0;
  private heldBytes = 0;

  constructor(
    readonly owner: InProcessSubmissionQueue,
    readonly partitions: number,
    private readonly bound?: TopicBound,
  ) {
    this.logs = Array.from({ length: partitions }, () => []);
    this.base = new Array<number>(partitions).fill(0);
  }

  publish(messages: readonly OutgoingMessage[], limit: number): PublishedAt {
    if (this.owner.closed) throw new Error('submission queue is closed');
    refuseOversized(messages, limit);
    const sizes = messages.map(messageBytes);
    if (this.bound) this.refuseBeyondBound(messages.length, sizes.reduce((a, b) => a + b, 0), this.bound);
    const appendedAt = new Date().toISOString();
    messages.forEach((message, i) => {
      const headers: Record<string, Buffer> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = Buffer.from(value);
      this.logs[partitionForKey(message.key, this.partitions)].push({
        key: message.key,
        value: Buffer.from(message.value),
        headers,
        bytes: sizes[i],
        appendedAt,
      });
      this.heldMessages += 1;
      this.heldBytes += sizes[i];
    });
    for (const group of this.groups.values()) group.wakeAll();
    return messages.map(() => appendedAt);
  }

  /** The whole call is refused, nothing enqueued, if it would take the topic beyond its bound. */
  private refuseBeyondBound(count: number, bytes: number, bound: TopicBound): void {
    const fits = () => this.heldMessages + count <= bound.maxMessages && this.heldBytes + bytes <= bound.maxBytes;
    if (fits()) return;
    // What every group committed may still be held (trimming goes by chunks): drop it first.
    for (let p = 0; p < this.partitions; p++) this.trim(p, 1);
    if (fits()) return;
    if (this.heldMessages + count > bound.maxMessages) throw new QueueFullError('messages', this.heldMessages, bound.maxMessages);
    throw new QueueFullError('bytes', this.heldBytes, bound.maxBytes);
  }

  members(groupId: string): number {
    return this.groups.get(groupId)?.members.filter((member) => !member.stopping).length ?? 0;
  }

  consume(options: ConsumeOptions): QueueConsumer {
    if (this.owner.closed) throw new Error('submission queue is closed');
    let group = this.groups.get(options.groupId);
    if (!group) {
      group = new Group(this.partitions);
      group.committed.splice(0, this.partitions, ...this.base.map((base, p) => base + this.firstAtOrAfter(p, options.startAt)));
      this.groups.set(options.groupId, group);
    }
    const member = new Member(this, group, options);
    group.members.push(member);
    group.rebalance();
    return member;
  }

  /** Index in logs[p] of the first message appended at or after `at` (0 without it). */
  private firstAtOrAfter(partition: number, at: Date | undefined): number {
    if (at === undefined) return 0;
    const log = this.logs[partition];
    const index = log.findIndex((message) => Date.parse(message.appendedAt) >= at.getTime());
    return index < 0 ? log.length : index;
  }

  lag(groupId: string): number {
    const group = this.groups.get(groupId);
    let lag = 0;
    for (let p = 0; p < this.partitions; p++) lag += this.length(p) - (group ? group.committed[p] : this.base[p]);
    return lag;
  }

  async stopAll(): Promise<void> {
    const members = [...this.groups.values()].flatMap((group) => group.members);
    await Promise.all(members.map((member) => member.stop()));
  }

  read(partition: number, from: number, max: number): DeliveredMessage[] {
    const start = from - this.base[partition];
    return this.logs[partition].slice(start, start + max).map((message, i) => ({
      key: message.key,
      value: message.value,
      offset: String(from + i),
      headers: message.headers,
      appendedAt: message.appendedAt,
    }));
  }

  length(partition: number): number {
    return this.base[partition] + this.logs[partition].length;
  }

  retained(partition: number): number {
    return this.logs[partition].length;
  }

  /**
   * Like Kafka's retention, but by consumption: once every existing group has committed past a
   * chunk, it is dropped. A group created later starts at the oldest message still kept.
   */
  trim(partition: number, chunk = TRIM_CHUNK): void {
    let low = Infinity;
    for (const group of this.groups.values()) low = Math.min(low, group.committed[partition]);
    const drop = low - this.base[partition];
    if (drop >= chunk && drop > 0 && Number.isFinite(drop)) {
      for (const message of this.logs[partition].splice(0, drop)) {
        this.heldMessages -= 1;
        this.heldBytes -= message.bytes;
      }
      this.base[partition] = low;
    }
  }
}

export class InProcessSubmissionQueue implements SubmissionQueue {
  readonly topic: string;
  readonly partitions: number;
  readonly retryDelayMs: number;
  readonly deadLetters: DeadLetterQueue;
  closed = false;
  private readonly submissions: InProcessTopic;
  private readonly letters: InProcessTopic;

  constructor(options: InProcessQueueOptions = {}) {
    this.topic = options.topic ?? 'tally.submissions';
    this.partitions = options.partitions ?? 6;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    if (!Number.isInteger(this.partitions) || this.partitions < 1) throw new Error(`partitions must be a positive integer, got ${this.partitions}`);
    const bound = { maxMessages: options.maxMessages ?? DEFAULT_IN_PROCESS_MAX_MESSAGES, maxBytes: options.maxBytes ?? DEFAULT_IN_PROCESS_MAX_BYTES };
    for (const [name, value] of Object.entries(bound)) {
      if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
    }
    this.submissions = new InProcessTopic(this, this.partitions, bound);
    this.letters = new InProcessTopic(this, this.partitions);
    const letters = this.letters;
    this.deadLetters = {
      topic: deadLetterTopicFor(this.topic),
      partitions: this.partitions,
      publish: async (deadLetters: readonly DeadLetter[]) => void letters.publish(deadLetters.map(toDeadLetterMessage), MAX_DEAD_LETTER_BYTES),
      consume: async (options: ConsumeOptions) => letters.consume(options),
      lag: async (groupId: string) => letters.lag(groupId),
    };
  }

  async ensureTopics(): Promise<void> {
    // Both topics exist from construction.
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<PublishedAt> {
    return this.submissions.publish(messages, MAX_MESSAGE_BYTES);
  }

  async consume(options: ConsumeOptions): Promise<QueueConsumer> {
    return this.submissions.consume(options);
  }

  async lag(groupId: string): Promise<number> {
    return this.submissions.lag(groupId);
  }

  async groupMembers(groupId: string): Promise<number> {
    return this.submissions.members(groupId);
  }

  async close(): Promise<void> {
    await Promise.all([this.submissions.stopAll(), this.letters.stopAll()]);
    this.closed = true;
  }

  /** @internal The submissions topic's messages from an offset. */
  read(partition: number, from: number, max: number): DeliveredMessage[] {
    return this.submissions.read(partition, from, max);
  }

  /** @internal */
  length(partition: number): number {
    return this.submissions.length(partition);
  }

  /** @internal Messages still held in memory for a partition. */
  retained(partition: number): number {
    return this.submissions.retained(partition);
  }
}
