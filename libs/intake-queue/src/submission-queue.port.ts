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
}

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
  /** Creates the topic with the configured partition count if it does not exist. Idempotent. */
  ensureTopics(): Promise<void>;
  /**
   * Resolves once every message is durably accepted (Kafka: acks from all in-sync replicas;
   * in-process: enqueued). Order is kept per key, within a call and across awaited calls.
   */
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
  consume(options: ConsumeOptions): Promise<QueueConsumer>;
  /**
   * Messages published but not yet committed by the group, summed over the partitions: the
   * queue lag an operator watches on election night. A group that never committed counts from
   * the oldest message kept.
   */
  lag(groupId: string): Promise<number>;
  /** Stops every consumer this queue started and releases connections. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BATCH_SIZE = 500;
