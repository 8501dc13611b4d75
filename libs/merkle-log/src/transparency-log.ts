// The log that follows the store: every recorded event, in global order, becomes a leaf (the
// store's subscription, so every engine serves alike); its state lives in files beside the data
// (log-state-files.ts) and it resumes from them. It signs a head at least every `headIntervalMs`
// while leaves arrive, and on demand.
import type { KeyObject } from 'node:crypto';
import { comparePositions, formatPosition, parsePosition, START_POSITION, SupervisedSubscription, type EventStore, type RecordedEvent, type SupervisedStatus } from '@tally/event-store';
import { eventLeafHash } from './log-leaf';
import { encodeLeafRecord, LEAF_RECORD_BYTES, LogStateFiles, type LoadedLogState } from './log-state-files';
import { HASH_BYTES, MerkleTree } from './merkle-tree';
import { RECEIPT_SCHEME, type Receipt } from './receipt';
import { storeTree, type BadLeaf } from './store-tree';
import { signTreeHead, type SignedTreeHead } from './tree-head';

export interface LogLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface TransparencyLogOptions {
  readonly store: EventStore;
  /** The log's directory (the service: $TALLY_DATA_DIR/log); undefined: in memory (an in-memory store's log). */
  readonly dir: string | undefined;
  readonly privateKey: KeyObject;
  readonly publicKey: string;
  /** Longest time a leaf waits for a signed head while leaves arrive; default 10 s. */
  readonly headIntervalMs?: number;
  /** Leaves are synced to disk at least this often; default 1 s. */
  readonly flushIntervalMs?: number;
  readonly clock?: () => Date;
  readonly logger?: LogLogger;
}

export interface LeafInfo {
  readonly index: number;
  readonly leafHash: string;
  readonly position: string;
}

/**
 * The start-up check of the store against the leaves kept on disk: a superuser who rewrote the
 * store while the service was down is named here (and by `tally log watch`, which asks).
 */
export type StoreCheck =
  | { readonly state: 'pending' }
  | { readonly state: 'consistent'; readonly leaves: number }
  | { readonly state: 'contradicted'; readonly leaves: number; readonly reason: string; readonly firstBadLeaf?: BadLeaf }
  | { readonly state: 'failed'; readonly reason: string };

/** A receipt, or why there is none yet. */
export type ReceiptAnswer =
  | { readonly state: 'included'; readonly receipt: Receipt }
  | { readonly state: 'pending'; readonly leafIndex?: number; readonly message: string };

const EMPTY_STATE: LoadedLogState = { treeSize: 0, position: START_POSITION, records: Buffer.alloc(0), heads: [], notes: [] };

/** Growable (major, minor) pairs of global positions, for binary search by position. */
class PositionIndex {
  private pairs = new BigUint64Array(2 * 1024);
  length = 0;

  push(position: string): void {
    if (2 * (this.length + 1) > this.pairs.length) {
      const bigger = new BigUint64Array(this.pairs.length * 2);
      bigger.set(this.pairs.subarray(0, 2 * this.length));
      this.pairs = bigger;
    }
    const { major, minor } = parsePosition(position);
    this.pairs[2 * this.length] = major;
    this.pairs[2 * this.length + 1] = minor;
    this.length += 1;
  }

  at(index: number): string {
    return formatPosition(this.pairs[2 * index], this.pairs[2 * index + 1]);
  }

  indexOf(position: string): number | undefined {
    const { major, minor } = parsePosition(position);
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      const a = this.pairs[2 * mid];
      const b = this.pairs[2 * mid + 1];
      if (a === major && b === minor) return mid;
      if (a < major || (a === major && b < minor)) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

export class TransparencyLog {
  private files: LogStateFiles | undefined;
  private readonly tree = new MerkleTree();
  private readonly positions = new PositionIndex();
  private readonly heads: SignedTreeHead[] = [];
  private pending: Buffer[] = [];
  private checkpoint = START_POSITION;
  private subscription: SupervisedSubscription | undefined;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private sizeWaiters: Array<{ size: number; resolve: () => void }> = [];
  private check: StoreCheck = { state: 'pending' };
  private checking: Promise<void> = Promise.resolve();
  private readonly clock: () => Date;
  private readonly logger: LogLogger | undefined;
  private resolveCaughtUp!: () => void;
  /** Resolves once the log holds every event recorded before it started. */
  readonly caughtUp = new Promise<void>((resolve) => (this.resolveCaughtUp = resolve));

  constructor(private readonly options: TransparencyLogOptions) {
    this.files = options.dir === undefined ? undefined : new LogStateFiles(options.dir);
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger;
  }

  get publicKey(): string {
    return this.options.publicKey;
  }

  get size(): number {
    return this.tree.size;
  }

  async start(): Promise<void> {
    const lock = this.files?.lock();
    if (lock && !lock.ok) {
      this.logger?.warn(`process ${lock.holder} keeps the log's files in ${this.options.dir}: this process keeps its log in memory (rebuilt from the store)`);
      this.files = undefined;
    }
    let state = this.files?.load() ?? EMPTY_STATE;
    for (const note of state.notes) this.logger?.warn(note);
    const mismatch = await this.otherStore(state);
    if (mismatch && this.files) {
      // A new database behind an old data directory: these files describe another history. Kept
      // aside (evidence, if the history was rewritten under the log), and the log rebuilt.
      const suffix = `other-store-${this.clock().toISOString().replace(/[:.]/g, '-')}`;
      this.logger?.error(`${mismatch}: the log's files are moved aside (*.${suffix}) and the log is rebuilt from the store`);
      this.files.moveAside(suffix);
      state = EMPTY_STATE;
    }
    for (let i = 0; i < state.treeSize; i++) {
      const record = state.records.subarray(i * LEAF_RECORD_BYTES, (i + 1) * LEAF_RECORD_BYTES);
      this.tree.appendLeafHash(record.subarray(0, HASH_BYTES));
      this.positions.push(formatPosition(record.readBigUInt64BE(HASH_BYTES), record.readBigUInt64BE(HASH_BYTES + 8)));
    }
    this.checkpoint = state.position;
    for (const head of state.heads) {
      // A head the leaves on disk contradict is not served: the log says so and signs afresh.
      if (head.treeSize <= this.tree.size && this.tree.root(head.treeSize).toString('hex') !== head.rootHash) {
        this.logger?.error(`a kept head (size ${head.treeSize}, root ${head.rootHash}) does not match the leaves on disk; not served`);
        continue;
      }
      this.heads.push(head);
    }
    this.timers.push(setInterval(() => this.flush(), this.options.flushIntervalMs ?? 1000));
    this.timers.push(setInterval(() => this.signIfGrown(), this.options.headIntervalMs ?? 10_000));
    for (const timer of this.timers) timer.unref();
    this.follow();
    // In the background: a large store takes a while to read, and the log serves meanwhile.
    this.checking = this.checkStore(this.tree.size);
  }

  /** What the start-up check of the store against the kept leaves found so far. */
  get storeCheck(): StoreCheck {
    return this.check;
  }

  /** Resolves once the start-up check is done (for tests and tools). */
  storeChecked(): Promise<StoreCheck> {
    return this.checking.then(() => this.check);
  }

  private async checkStore(kept: number): Promise<void> {
    let firstBadLeaf: BadLeaf | undefined;
    try {
      const read = await storeTree(
        this.options.store,
        kept,
        (index, hash, event) => {
          if (firstBadLeaf) return;
          const logged = this.tree.leafHashAt(index);
          if (!logged.equals(hash)) {
            firstBadLeaf = { index, streamName: event.streamName, revision: event.revision.toString(), position: event.position, eventId: event.id, expected: logged.toString('hex'), found: hash.toString('hex') };
          }
        },
        () => this.stopped,
      );
      if (this.stopped) return;
      if (firstBadLeaf || read.leaves < kept) {
        const reason = firstBadLeaf
          ? `the store no longer holds what the log recorded: leaf ${firstBadLeaf.index} (${firstBadLeaf.streamName} revision ${firstBadLeaf.revision}, position ${firstBadLeaf.position}) was ${firstBadLeaf.expected}, the store now gives ${firstBadLeaf.found}`
          : `the store holds ${read.leaves} events; the log recorded ${kept}`;
        this.check = { state: 'contradicted', leaves: kept, reason, ...(firstBadLeaf ? { firstBadLeaf } : {}) };
        this.logger?.error(reason);
      } else {
        this.check = { state: 'consistent', leaves: kept };
      }
    } catch (error) {
      if (!this.stopped) this.check = { state: 'failed', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.checking;
    for (const timer of this.timers) clearInterval(timer);
    await this.subscription?.stop();
    this.flush();
    this.files?.unlock();
  }

  /** Signs a head of the current tree now (unless the latest head already has this size) and returns the latest. */
  signNow(): SignedTreeHead | undefined {
    this.signIfGrown();
    return this.latestHead();
  }

  latestHead(): SignedTreeHead | undefined {
    return this.heads[this.heads.length - 1];
  }

  /** Heads in the order signed, from sequence number `from` (0: the first). */
  headsPage(from: number, limit: number): { readonly heads: ReadonlyArray<SignedTreeHead & { readonly sequence: number }>; readonly next?: number } {
    const page = this.heads.slice(from, from + limit).map((head, i) => ({ sequence: from + i, ...head }));
    return from + limit < this.heads.length ? { heads: page, next: from + limit } : { heads: page };
  }

  inclusionProof(leafIndex: number, treeSize: number): string[] {
    return this.tree.inclusionProof(leafIndex, treeSize).map((h) => h.toString('hex'));
  }

  consistencyProof(first: number, second: number): string[] {
    return this.tree.consistencyProof(first, second).map((h) => h.toString('hex'));
  }

  rootHash(treeSize: number): string {
    return this.tree.root(treeSize).toString('hex');
  }

  leaves(from: number, limit: number): LeafInfo[] {
    const out: LeafInfo[] = [];
    for (let i = from; i < Math.min(this.tree.size, from + limit); i++) out.push({ index: i, leafHash: this.tree.leafHashAt(i).toString('hex'), position: this.positions.at(i) });
    return out;
  }

  leafIndexOf(position: string): number | undefined {
    return this.positions.indexOf(position);
  }

  /** The receipt of a recorded event (as the store gives it), once a signed head covers it. */
  receiptFor(event: RecordedEvent): ReceiptAnswer {
    const leafIndex = this.leafIndexOf(event.position);
    if (leafIndex === undefined) return { state: 'pending', message: 'the log has not yet taken this event in; ask again shortly' };
    const head = this.latestHead();
    if (!head || head.treeSize <= leafIndex) {
      return { state: 'pending', leafIndex, message: `the log holds this event as leaf ${leafIndex}, but has not yet signed a head covering it (one follows within ${Math.round((this.options.headIntervalMs ?? 10_000) / 1000)} s)` };
    }
    const receipt: Receipt = {
      scheme: RECEIPT_SCHEME,
      leafIndex,
      leafHash: this.tree.leafHashAt(leafIndex).toString('hex'),
      event: {
        streamName: event.streamName,
        revision: event.revision.toString(),
        position: event.position,
        type: event.type,
        data: event.data,
        chainHash: typeof event.metadata.contentHash === 'string' ? event.metadata.contentHash : '',
      },
      treeHead: head,
      inclusionPath: this.inclusionProof(leafIndex, head.treeSize),
      logPublicKey: this.options.publicKey,
    };
    return { state: 'included', receipt };
  }

  /** Resolves once the log holds at least `size` leaves. */
  waitForSize(size: number): Promise<void> {
    if (this.tree.size >= size) return Promise.resolve();
    return new Promise((resolve) => this.sizeWaiters.push({ size, resolve }));
  }

  /**
   * Files of another store (a new database behind the same data directory) would grow a tree that
   * is not this store's: their first leaf must be the store's first event. Anything later that
   * differs is what `tally audit verify --head` and the monitors are for.
   */
  private async otherStore(state: LoadedLogState): Promise<string | undefined> {
    if (state.treeSize === 0) return undefined;
    const first = (await this.options.store.readAll({ batchSize: 1 })).events[0];
    const kept = state.records.subarray(0, HASH_BYTES).toString('hex');
    const keptPosition = formatPosition(state.records.readBigUInt64BE(HASH_BYTES), state.records.readBigUInt64BE(HASH_BYTES + 8));
    if (first && eventLeafHash(first).toString('hex') === kept && first.position === keptPosition) return undefined;
    return `leaf 0 in ${this.options.dir} is ${kept} at ${keptPosition}; the store's first event is ${first ? `${eventLeafHash(first).toString('hex')} at ${first.position}` : 'absent'}`;
  }

  /** How its store subscription is doing (readiness); undefined before it follows. */
  subscriptionStatus(): SupervisedStatus | undefined {
    return this.subscription?.status();
  }

  private follow(): void {
    if (this.stopped) return;
    // Supervised: after a store failure it resubscribes (with back-off) from the last leaf appended.
    this.subscription = new SupervisedSubscription(this.options.store, {
      name: 'transparency log',
      from: this.checkpoint,
      logger: this.logger,
      onEvent: (event) => this.append(event),
      onCaughtUp: () => {
        this.flush();
        this.signIfGrown();
        this.resolveCaughtUp();
      },
    });
  }

  private append(event: RecordedEvent): void {
    // A resumed subscription must never hand the log an event twice: the order is the tree.
    if (this.tree.size > 0 && comparePositions(event.position, this.checkpoint) <= 0) return;
    const hash = eventLeafHash(event);
    this.tree.appendLeafHash(hash);
    this.positions.push(event.position);
    this.pending.push(encodeLeafRecord(hash, event.position));
    this.checkpoint = event.position;
    if (this.sizeWaiters.length > 0) {
      const ready = this.sizeWaiters.filter((w) => w.size <= this.tree.size);
      this.sizeWaiters = this.sizeWaiters.filter((w) => w.size > this.tree.size);
      for (const w of ready) w.resolve();
    }
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const records = Buffer.concat(this.pending);
    this.pending = [];
    this.files?.appendLeaves(records, this.tree.size, this.checkpoint);
  }

  private signIfGrown(): void {
    const size = this.tree.size;
    const last = this.latestHead();
    // An empty log signs its empty tree too (RFC 9162 allows size 0): there is always a head to show.
    if (last && last.treeSize >= size) return;
    // On disk before signed: a head must never cover leaves a restart could lose.
    this.flush();
    const head = signTreeHead({ treeSize: size, rootHash: this.tree.root(size).toString('hex'), timestamp: this.clock().toISOString() }, this.options.privateKey);
    this.files?.appendHead(head);
    this.heads.push(head);
  }
}
