// The projector's engine, free of Nest so tests and the bench drive it directly (the service's
// ProjectorService, apps/tally-server/src/projector, runs it as the projector role): one results
// view per election, fed by ONE store subscription (categories `election` and `precinct`) in
// global order, snapshotted with its checkpoint, rebuilt from position zero on demand.
//
// Side effects (listener calls, i.e. live pushes) happen only after an event has been applied
// to the live view, never while a rebuild replays history: a rebuild swaps the views in and
// then announces one reset per election.
import {
  applyEvent,
  createResultsView,
  decodeElectionEvent,
  indexElection,
  type ChangedCommission,
  type ElectionIndex,
  type ResultsView,
} from '@tally/domain';
import {
  comparePositions,
  START_POSITION,
  SupervisedSubscription,
  type BackoffPolicy,
  type EventStore,
  type RecordedEvent,
  type RecordedEventBody,
  type SupervisedStatus,
} from '@tally/event-store';
// Stream routing, the event mapping and the digest are the auditors' too: one definition of each.
import { viewDigest } from './digest';
import { projectionFileOf, readProjectionFile, restoreProjection, writeProjectionFile, type ProjectionFile } from './projection-files';
import { electionOfStream, PROJECTED_CATEGORIES, toViewEvent } from './routing';

/** Where the projector learns which elections exist (the ElectionRegistry in the service). */
export interface ElectionSource {
  get(electionId: string): ElectionIndex | undefined;
  list(): readonly ElectionIndex[];
}

/** Told of every change after it is applied; told of a reset after a rebuild replaced a view. */
export interface ProjectorListener {
  onApplied(electionId: string, changes: readonly ChangedCommission[], position: string): void;
  onReset(electionId: string, position: string): void;
}

export interface ProjectorLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ResultsProjectorOptions {
  readonly store: EventStore;
  readonly elections: ElectionSource;
  /** Where snapshots go; undefined keeps everything in memory (a restart replays from zero). */
  readonly snapshotDir?: string;
  /** Snapshot after this many applied events… */
  readonly snapshotEveryEvents?: number;
  /** …or this long after the first unsaved event, whichever comes first. */
  readonly snapshotEveryMs?: number;
  readonly logger?: ProjectorLogger;
  /** The back-off of resubscriptions after a failure (SupervisedSubscription's default otherwise). */
  readonly backoff?: Partial<BackoffPolicy>;
}

export interface ElectionRebuild {
  readonly electionId: string;
  readonly liveDigest: string | null;
  readonly rebuiltDigest: string;
  readonly identical: boolean;
}

export interface RebuildReport {
  /** The store position both states reflect. */
  readonly position: string;
  readonly eventsRead: number;
  readonly durationMs: number;
  readonly elections: readonly ElectionRebuild[];
}

export interface ProjectorStatus {
  readonly position: string;
  readonly caughtUp: boolean;
  readonly rebuilding: boolean;
  readonly eventsSinceStart: number;
  readonly lastSnapshotPosition: string | null;
  /** The last failure of the subscription (it resubscribes by itself; `subscription` says how it is doing). */
  readonly failure: string | null;
  /** The supervised subscription: running, catching up, or restarting (attempt, last error); null while rebuilding or stopped. */
  readonly subscription: SupervisedStatus | null;
}

const NO_LOGGER: ProjectorLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

export class ResultsProjector {
  private views = new Map<string, ResultsView>();
  /** Per election, the position its restored snapshot is complete up to: older events are skipped. */
  private skipThrough = new Map<string, string>();
  private readonly listeners = new Set<ProjectorListener>();
  private readonly unknownElections = new Set<string>();
  /** Elections for which an undecodable record was already reported (one warning each; the view counts them all). */
  private readonly undecodableReported = new Set<string>();
  private subscription: SupervisedSubscription | undefined;
  private currentPosition = START_POSITION;
  private caughtUp = false;
  private rebuilding: Promise<RebuildReport> | undefined;
  private eventsSinceStart = 0;
  private unsaved = new Set<string>();
  private unsavedEvents = 0;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private lastSnapshotPosition: string | null = null;
  private failure: string | null = null;
  private positionWaiters: { position: string; resolve: () => void }[] = [];
  private readonly logger: ProjectorLogger;
  private readonly snapshotEveryEvents: number;
  private readonly snapshotEveryMs: number;

  constructor(private readonly options: ResultsProjectorOptions) {
    this.logger = options.logger ?? NO_LOGGER;
    this.snapshotEveryEvents = options.snapshotEveryEvents ?? 50_000;
    this.snapshotEveryMs = options.snapshotEveryMs ?? 30_000;
  }

  /** The store position of the last event (or filtered checkpoint) the projector has taken in. */
  get position(): string {
    return this.currentPosition;
  }

  status(): ProjectorStatus {
    return {
      position: this.currentPosition,
      // Not caught up while it restarts: what it shows may be behind the store.
      caughtUp: this.caughtUp && this.subscription?.status().state === 'running',
      rebuilding: this.rebuilding !== undefined,
      eventsSinceStart: this.eventsSinceStart,
      lastSnapshotPosition: this.lastSnapshotPosition,
      failure: this.subscription?.status().lastError ?? this.failure,
      subscription: this.subscription?.status() ?? null,
    };
  }

  addListener(listener: ProjectorListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The election's view; created empty for an election the source knows but no event has reached yet. */
  view(electionId: string): ResultsView | undefined {
    return this.views.get(electionId) ?? this.ensureView(electionId);
  }

  digest(electionId: string): string | undefined {
    const view = this.view(electionId);
    return view ? viewDigest(view) : undefined;
  }

  /** Restores what the snapshots hold, then subscribes from the oldest of their checkpoints. */
  async start(): Promise<void> {
    let from: string | undefined;
    const known = this.options.elections.list();
    for (const election of known) {
      const restored = await this.restore(election);
      if (restored === undefined) {
        from = START_POSITION;
        continue;
      }
      if (from === undefined || comparePositions(restored, from) < 0) from = restored;
    }
    this.subscribe(from ?? START_POSITION);
  }

  /** Stops following the store and saves what is unsaved. */
  async stop(): Promise<void> {
    await this.rebuilding?.catch(() => undefined);
    await this.subscription?.stop();
    this.subscription = undefined;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.saveNow();
    for (const w of this.positionWaiters) w.resolve();
    this.positionWaiters = [];
  }

  /** Resolves once every event up to `position` has been taken in (or the projector stops). */
  waitForPosition(position: string): Promise<void> {
    if (comparePositions(this.currentPosition, position) >= 0) return Promise.resolve();
    return new Promise((resolve) => this.positionWaiters.push({ position, resolve }));
  }

  /**
   * Replays the whole store from position zero into fresh views without a single push, compares
   * them with the live views at the same position, swaps them in, saves them and announces one
   * reset per election. Queries keep reading the old views until the swap.
   */
  rebuild(): Promise<RebuildReport> {
    if (!this.rebuilding) {
      this.rebuilding = this.doRebuild().finally(() => {
        this.rebuilding = undefined;
      });
    }
    return this.rebuilding;
  }

  private async doRebuild(): Promise<RebuildReport> {
    const started = process.hrtime.bigint();
    await this.subscription?.stop();
    this.subscription = undefined;
    const until = this.currentPosition;
    const fresh = new Map<string, ResultsView>();
    for (const election of this.options.elections.list()) fresh.set(election.definition.id, createResultsView(election));
    let eventsRead = 0;
    let from = START_POSITION;
    if (comparePositions(until, START_POSITION) > 0) {
      scan: for (;;) {
        // The fold never looks at the hash chain: the metadata is not read (a quarter of the bytes).
        const page = await this.options.store.readAllWithoutMetadata({ from, filter: PROJECTED_CATEGORIES, batchSize: 5000 });
        for (const e of page.events) {
          if (comparePositions(e.position, until) > 0) break scan;
          eventsRead++;
          const electionId = electionOfStream(e.streamName);
          if (electionId === undefined) continue;
          let view = fresh.get(electionId);
          if (!view) {
            const election = this.indexOf(electionId, e);
            if (!election) continue;
            view = createResultsView(election);
            fresh.set(electionId, view);
          }
          const viewEvent = toViewEvent(e);
          if (viewEvent !== undefined) applyEvent(view, viewEvent);
        }
        from = page.checkpoint;
        if (page.isEnd || comparePositions(from, until) >= 0) break;
      }
    }
    const elections: ElectionRebuild[] = [];
    for (const [electionId, view] of fresh) {
      const live = this.views.get(electionId);
      const liveDigest = live ? viewDigest(live) : null;
      const rebuiltDigest = viewDigest(view);
      // A live view not created yet is an empty one: equal when the rebuild found nothing either.
      const identical = liveDigest === null ? rebuiltDigest === viewDigest(createResultsView(view.election)) : liveDigest === rebuiltDigest;
      elections.push({ electionId, liveDigest, rebuiltDigest, identical });
      if (!identical) this.logger.error(`rebuild of ${electionId} differs from the live view at ${until}: ${liveDigest} ≠ ${rebuiltDigest}`);
    }
    this.views = fresh;
    this.skipThrough = new Map();
    this.unsaved = new Set(fresh.keys());
    await this.saveNow();
    for (const electionId of fresh.keys()) for (const l of this.listeners) this.safely(() => l.onReset(electionId, until));
    this.subscribe(until);
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    this.logger.log(`rebuilt ${fresh.size} election view(s) from ${eventsRead} events in ${durationMs.toFixed(0)} ms`);
    return { position: until, eventsRead, durationMs, elections };
  }

  private subscribe(from: string): void {
    this.caughtUp = false;
    if (this.subscription) this.failure = this.subscription.status().lastError ?? this.failure;
    // Supervised: a dropped connection or a throwing handler resubscribes from the last position
    // applied (the supervisor's), so nothing is applied twice and nothing skipped.
    this.subscription = new SupervisedSubscription(this.options.store, {
      name: 'projector',
      from,
      filter: PROJECTED_CATEGORIES,
      backoff: this.options.backoff,
      logger: this.logger,
      onEvent: (e) => this.onEvent(e),
      onCaughtUp: () => {
        if (!this.caughtUp) this.logger.log(`caught up at ${this.currentPosition}`);
        this.caughtUp = true;
      },
      onCheckpoint: (checkpoint) => this.advance(checkpoint),
    });
  }

  private onEvent(e: RecordedEvent): void {
    const electionId = electionOfStream(e.streamName);
    if (electionId !== undefined) {
      const view = this.views.get(electionId) ?? this.ensureView(electionId, e);
      if (view) this.applyLive(electionId, view, e);
    }
    this.advance(e.position);
  }

  private applyLive(electionId: string, view: ResultsView, e: RecordedEvent): void {
    const through = this.skipThrough.get(electionId);
    if (through !== undefined) {
      if (comparePositions(e.position, through) <= 0) return; // already in the restored snapshot
      this.skipThrough.delete(electionId);
    }
    // One routing rule for live, rebuild and the auditors' replay: toViewEvent.
    const viewEvent = toViewEvent(e);
    if (viewEvent === undefined) return;
    if (viewEvent.type === 'undecodable-record' && !this.undecodableReported.has(electionId)) {
      this.undecodableReported.add(electionId);
      const f = viewEvent.failure;
      this.logger.warn(
        `${e.streamName}@${e.revision} (${e.type}, at ${e.position}) is not an event the view can count (${f.kind === 'malformed' ? f.message : 'unknown type'}): ` +
          'counted as ignored; further ones of this election are counted without a warning',
      );
    }
    const outcome = applyEvent(view, viewEvent);
    this.eventsSinceStart++;
    this.unsaved.add(electionId);
    this.unsavedEvents++;
    if (outcome.kind === 'applied' && outcome.changedCommissions.length > 0) {
      for (const l of this.listeners) this.safely(() => l.onApplied(electionId, outcome.changedCommissions, e.position));
    }
    // The switch to live emptied the view: every live page starts again from zero.
    if (outcome.kind === 'went-live') for (const l of this.listeners) this.safely(() => l.onReset(electionId, e.position));
    this.scheduleSave();
  }

  private advance(position: string): void {
    if (comparePositions(position, this.currentPosition) <= 0) return;
    this.currentPosition = position;
    if (this.positionWaiters.length === 0) return;
    const still: typeof this.positionWaiters = [];
    for (const w of this.positionWaiters) {
      if (comparePositions(position, w.position) >= 0) w.resolve();
      else still.push(w);
    }
    this.positionWaiters = still;
  }

  private ensureView(electionId: string, definedBy?: RecordedEventBody): ResultsView | undefined {
    const existing = this.views.get(electionId);
    if (existing) return existing;
    const election = this.indexOf(electionId, definedBy);
    if (!election) return undefined;
    const view = createResultsView(election);
    this.views.set(electionId, view);
    return view;
  }

  /** The registry's index, or (when our subscription is ahead of the registry's) the definition in the event. */
  private indexOf(electionId: string, e?: RecordedEventBody): ElectionIndex | undefined {
    const known = this.options.elections.get(electionId);
    if (known) return known;
    const decoded = e?.type === 'ElectionDefined' ? decodeElectionEvent(e) : undefined;
    if (decoded?.ok && decoded.value.type === 'ElectionDefined') return indexElection(decoded.value.data.definition);
    if (e && !this.unknownElections.has(electionId)) {
      this.unknownElections.add(electionId);
      this.logger.warn(`events of an undefined election ${electionId} are skipped (first at ${e.position})`);
    }
    return undefined;
  }

  private async restore(election: ElectionIndex): Promise<string | undefined> {
    const dir = this.options.snapshotDir;
    if (!dir) return undefined;
    const id = election.definition.id;
    const unused = (reason: string): undefined => {
      this.logger.warn(`snapshot of ${id} not used (${reason}): replaying from the start`);
      return undefined;
    };
    const read = await readProjectionFile(dir, id);
    if (read.kind === 'missing') return undefined;
    if (read.kind === 'unusable') return unused(read.reason);
    const restored = restoreProjection(read.file, election);
    if (!restored.ok) return unused(restored.error);
    this.views.set(id, restored.value);
    this.skipThrough.set(id, read.file.through);
    this.lastSnapshotPosition = read.file.through;
    this.logger.log(`restored ${id} from its snapshot at ${read.file.through}`);
    return read.file.through;
  }

  private scheduleSave(): void {
    if (!this.options.snapshotDir) return;
    if (this.unsavedEvents >= this.snapshotEveryEvents) {
      void this.saveNow();
      return;
    }
    if (!this.saveTimer) {
      this.saveTimer = setTimeout(() => {
        this.saveTimer = undefined;
        void this.saveNow();
      }, this.snapshotEveryMs);
      this.saveTimer.unref();
    }
  }

  /**
   * Snapshots the changed views synchronously (a consistent copy at the current position), then
   * writes them one after another in the background. Returns when this save is on disk.
   */
  saveNow(): Promise<void> {
    const dir = this.options.snapshotDir;
    if (!dir || this.unsaved.size === 0) return this.saving;
    const through = this.currentPosition;
    const files: ProjectionFile[] = [];
    for (const electionId of this.unsaved) {
      const view = this.views.get(electionId);
      if (view) files.push(projectionFileOf(view, through));
    }
    this.unsaved = new Set();
    this.unsavedEvents = 0;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.saving = this.saving.then(async () => {
      try {
        for (const file of files) await writeProjectionFile(dir, file);
        this.lastSnapshotPosition = through;
      } catch (e) {
        // A failed save costs a longer replay at the next start, nothing else: keep projecting.
        this.logger.error(`snapshot at ${through} not saved: ${e instanceof Error ? e.message : String(e)}`);
        for (const f of files) this.unsaved.add(f.electionId);
      }
    });
    return this.saving;
  }

  private safely(call: () => void): void {
    try {
      call();
    } catch (e) {
      // A listener's failure must not stop the projection (it would stop every dashboard).
      this.logger.error(`projector listener failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
}
