// The event store port: the one boundary every engine (PostgreSQL, embedded PGlite, EventStoreDB)
// implements, and the one contract suite (event-store.contract.ts) every adapter passes.

/** JSON values as they cross the port. Data and metadata are stored as JSON, nothing else. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

/**
 * The revision the caller believes the stream is at. Domain code always states one:
 * - `'no-stream'`: the stream must not exist yet (its first event becomes revision 0);
 * - `'stream-exists'`: the stream must have at least one event;
 * - a bigint or number: the revision of the stream's last event, exactly.
 * There is deliberately no `any`.
 */
export type ExpectedRevision = 'no-stream' | 'stream-exists' | bigint | number;

export interface EventToAppend {
  /** UUID. Derive it from a natural key (e.g. UUIDv5 of the submission id) so retries are idempotent. */
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  /** `contentHash` and `previousHash` are reserved: the store sets them (see hash-chain.ts). */
  readonly metadata?: JsonObject;
}

/** Metadata as recorded: the caller's keys plus the hash chain links. */
export type RecordedMetadata = JsonObject & { readonly contentHash: string; readonly previousHash: string };

export interface RecordedEvent {
  readonly streamName: string;
  /** 0 for the stream's first event. */
  readonly revision: bigint;
  /** Opaque global checkpoint; order with `comparePositions`. */
  readonly position: string;
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: RecordedMetadata;
  /** The store's clock at commit: the only clock in the system. */
  readonly recordedAt: Date;
}

/** An event without its metadata (the hash chain's links): what a fold that never checks the chain reads. */
export type RecordedEventBody = Omit<RecordedEvent, 'metadata'>;

export interface AppendResult {
  readonly streamName: string;
  /** Revision of the stream's last event after the append: pass it as the next expected revision. */
  readonly nextRevision: bigint;
  /** Position of the last event appended (or found, for an idempotent retry). */
  readonly position: string;
  /** True when every event id was already recorded at those revisions and nothing was written. */
  readonly alreadyRecorded: boolean;
}

export interface StreamAppend {
  readonly streamName: string;
  readonly expectedRevision: ExpectedRevision;
  readonly events: readonly EventToAppend[];
}

/** Selects streams by category: a stream `<category>-<id>` matches category `<category>`. */
export interface EventFilter {
  readonly categories: readonly string[];
}

export interface ReadStreamOptions {
  /** First revision to return (inclusive); default 0. */
  readonly fromRevision?: bigint | number;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this checkpoint. Default `START_POSITION`. */
  readonly from?: string;
  readonly filter?: EventFilter;
  /** Upper bound on events scanned (not only returned) in this call; default 1000. */
  readonly batchSize?: number;
}

export interface ReadAllResult<E extends RecordedEventBody = RecordedEvent> {
  /** Matching events, in global order. May be empty while `isEnd` is false (a sparse filter). */
  readonly events: readonly E[];
  /** Where the scan stopped: pass it as `from` to continue (it may be past the last returned event). */
  readonly checkpoint: string;
  /** True when nothing committed lies beyond `checkpoint` at the time of the read. */
  readonly isEnd: boolean;
}

export interface SubscribeOptions {
  /** Exclusive: deliver events strictly after this checkpoint. Default `START_POSITION`. */
  readonly from?: string;
  readonly filter?: EventFilter;
  /**
   * Called once per event, in global order, one at a time: the next event waits for the
   * returned promise. If it throws, the subscription ends with that error (no event is skipped).
   */
  readonly onEvent: (event: RecordedEvent) => Promise<void> | void;
  /** Called each time the subscription has delivered everything committed so far (then it follows live). */
  readonly onCaughtUp?: () => void;
  /** Progress through events the filter skipped: persist it to resume a sparse subscription cheaply. */
  readonly onCheckpoint?: (checkpoint: string) => Promise<void> | void;
}

export type SubscriptionEnd = { readonly kind: 'stopped' } | { readonly kind: 'failed'; readonly error: unknown };

export interface SubscriptionHandle {
  /** Stops delivering; resolves once the handler is no longer running. */
  stop(): Promise<void>;
  /** Settles (never rejects) when the subscription ends, by `stop()` or by a handler failure. */
  readonly ended: Promise<SubscriptionEnd>;
}

export interface EventStore {
  /**
   * Appends events to one stream if `expectedRevision` holds, else throws `WrongExpectedRevisionError`.
   * A retry whose event ids are already the stream's events at the revisions the original append
   * produced succeeds with `alreadyRecorded: true` and writes nothing. Ids found at other
   * revisions throw `DuplicateEventIdError`; an empty `events` list throws `InvalidAppendError`.
   */
  append(streamName: string, expectedRevision: ExpectedRevision, events: readonly EventToAppend[]): Promise<AppendResult>;

  /**
   * Appends to several streams. Results are in input order. On SQL engines the batch is ONE
   * transaction: if any item's expectation fails, nothing of the batch is written and
   * `WrongExpectedRevisionError` names the stream (and `batchIndex`), so the caller can drop or
   * re-decide that item and retry the rest. Items may target the same stream; each sees the
   * previous items' writes. On engines without multi-stream transactions (EventStoreDB) items are
   * appended in order and earlier items stay written when a later one fails; because every item
   * is idempotent, retrying the whole batch (minus the failed item) is still safe.
   */
  appendMany(batch: readonly StreamAppend[]): Promise<readonly AppendResult[]>;

  /** The stream's events from `fromRevision` on, oldest first. Empty when the stream does not exist. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<readonly RecordedEvent[]>;

  /**
   * Several whole streams, each oldest first, keyed by name (an absent stream: empty). What a
   * batch needs loaded, in one round trip where the engine allows (SQL: one query).
   */
  readStreams(streamNames: readonly string[]): Promise<ReadonlyMap<string, readonly RecordedEvent[]>>;

  /** One batch of the whole store in global order after a checkpoint. */
  readAll(options?: ReadAllOptions): Promise<ReadAllResult>;

  /**
   * The same batch as readAll, each event without its metadata. The metadata (the hash chain's
   * two SHA-256 links) is a quarter of a stored event's bytes, and reading it is the larger part
   * of a cold rebuild, which never looks at it; whoever checks the chain reads it with readAll.
   */
  readAllWithoutMetadata(options?: ReadAllOptions): Promise<ReadAllResult<RecordedEventBody>>;

  /** Catches up from the checkpoint, then follows live, with no gap and no duplicate. */
  subscribe(options: SubscribeOptions): SubscriptionHandle;

  /** Stops every subscription this store started and releases its connections. */
  close(): Promise<void>;
}
