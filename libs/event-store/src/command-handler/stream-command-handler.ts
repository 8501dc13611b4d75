// The one command handler for event-sourced writes: load a stream (or take its folded state from
// an LRU), fold it, decide, append with the expected revision; on a concurrent writer
// (WrongExpectedRevisionError, DuplicateEventIdError) drop what was folded and decide again, a
// bounded number of times.
//
// Generic on purpose: this library imports no domain. The caller's decider-like object says what
// a stream's records mean (`evolve` over stored records) and what a command appends (`decide`
// returns the events, with their ids and metadata, or a refusal value). Domain deciders are
// adapted to it where the service wires them.
//
// A batch decides many commands on many streams in order, each against the state the previous
// left on its stream, and appends them as ONE `appendMany` (one transaction on SQL engines): a
// conflict anywhere writes nothing of it, so the whole batch is decided again.
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../event-store.errors';
import type { AppendResult, EventStore, EventToAppend, JsonObject, RecordedEvent, StreamAppend } from '../event-store.port';
import type { CachedStream, StreamStateCache } from './stream-state-cache';

/** What `evolve` folds: a record read from the stream, or an event decided in this call (not yet stored). */
export interface StreamRecord {
  readonly streamName: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata?: JsonObject;
  /** Where the store put the record; undefined for an event decided in this call. */
  readonly position?: string;
}

/** The events to append (none: the command changes nothing), or why the command is refused. */
export type Decision<Refusal> = { readonly ok: true; readonly value: readonly EventToAppend[] } | { readonly ok: false; readonly error: Refusal };

/**
 * What the handler needs to know about one kind of stream. Methods, so that a batch can hold
 * deciders of different state and command types side by side.
 */
export interface StreamDecider<State, Command, Refusal = never> {
  initialState(): State;
  /** The state after one more record. Returns a new state: the one given may be cached and shared. */
  evolve(state: State, record: StreamRecord): State;
  /** Optional: the state of a whole stream read at once, when that is cheaper than `evolve` record by record. Must equal the fold. */
  fold?(records: readonly StreamRecord[]): State;
  decide(command: Command, state: State): Decision<Refusal>;
  /** Folded states kept between calls (see StreamStateCache); without one the stream is read for every call. */
  readonly cache?: StreamStateCache<State>;
}

export interface StreamCommand<State, Command, Refusal = never> {
  readonly streamName: string;
  readonly decider: StreamDecider<State, Command, Refusal>;
  readonly command: Command;
}

/** What became of one command of a batch. */
export type CommandOutcome<Refusal> =
  | { readonly kind: 'appended'; readonly events: readonly EventToAppend[] }
  /** Decided nothing: a retry, a redelivery, a no-op. */
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'refused'; readonly refusal: Refusal };

/** What became of one command, with the stream's state after it. */
export type Handled<State, Refusal> =
  | {
      readonly kind: 'appended';
      readonly state: State;
      readonly events: readonly EventToAppend[];
      /** `alreadyRecorded` when the store held exactly these events already (decided from a stale state: a concurrent retry). */
      readonly result: AppendResult;
      /** Appends tried: 1 + the retries after a conflict. */
      readonly attempts: number;
    }
  | { readonly kind: 'unchanged'; readonly state: State; readonly revision: bigint | 'no-stream' }
  | { readonly kind: 'refused'; readonly state: State; readonly refusal: Refusal };

export interface BatchHandled<Refusal> {
  /** One per command, in input order. */
  readonly outcomes: readonly CommandOutcome<Refusal>[];
  /** One per stream appended to, in the order the batch first appended to it. */
  readonly results: readonly AppendResult[];
  /** `appendMany` calls: 1 + the retries after a conflict; 0 when nothing was decided. */
  readonly appends: number;
}

export interface StreamCommandHandlerOptions {
  /** Tries before a conflict is thrown to the caller. Default 8: conflicts are rare (two writers meet on a rebalance). */
  readonly maxAttempts?: number;
  readonly logger?: { debug(message: string): void };
}

export const DEFAULT_MAX_ATTEMPTS = 8;

/** One stream while a command (or a batch) is decided: its state as loaded, then as decided. */
class Working<State, Command, Refusal> {
  state: State;
  readonly events: EventToAppend[] = [];
  private last: bigint;

  constructor(
    readonly streamName: string,
    readonly decider: StreamDecider<State, Command, Refusal>,
    readonly loaded: CachedStream<State>,
  ) {
    this.state = loaded.state;
    this.last = loaded.revision === 'no-stream' ? -1n : loaded.revision;
  }

  decide(command: Command): CommandOutcome<Refusal> {
    const decision = this.decider.decide(command, this.state);
    if (!decision.ok) return { kind: 'refused', refusal: decision.error };
    if (decision.value.length === 0) return { kind: 'unchanged' };
    for (const event of decision.value) {
      this.last += 1n;
      this.state = this.decider.evolve(this.state, { streamName: this.streamName, revision: this.last, ...event });
      this.events.push(event);
    }
    return { kind: 'appended', events: decision.value };
  }

  append(): StreamAppend {
    return { streamName: this.streamName, expectedRevision: this.loaded.revision, events: this.events };
  }

  /** Keeps the decided state for the next call, unless the store says our fold was behind it. */
  remember(result: AppendResult): void {
    if (result.alreadyRecorded) this.decider.cache?.delete(this.streamName);
    else this.decider.cache?.set(this.streamName, { state: this.state, revision: result.nextRevision });
  }
}

export class StreamCommandHandler {
  private readonly maxAttempts: number;

  constructor(
    private readonly store: EventStore,
    private readonly options: StreamCommandHandlerOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) throw new RangeError(`maxAttempts must be a positive integer, got ${this.maxAttempts}`);
  }

  /** One command on one stream: load, decide, append with the expected revision. */
  async handle<State, Command, Refusal>(command: StreamCommand<State, Command, Refusal>): Promise<Handled<State, Refusal>> {
    const { streamName, decider } = command;
    return this.retrying([decider], async (attempt) => {
      const working = new Working(streamName, decider, await this.load(streamName, decider));
      const outcome = working.decide(command.command);
      if (outcome.kind === 'refused') return { kind: 'refused', state: working.state, refusal: outcome.refusal };
      if (outcome.kind === 'unchanged') return { kind: 'unchanged', state: working.state, revision: working.loaded.revision };
      const result = await this.store.append(streamName, working.loaded.revision, working.events);
      working.remember(result);
      return { kind: 'appended', state: working.state, events: outcome.events, result, attempts: attempt };
    });
  }

  /**
   * Many commands on many streams, decided in order (each against the state the previous left on
   * its stream) and appended as ONE appendMany. Every command of a stream must name the same decider.
   */
  async handleBatch<Refusal>(commands: readonly StreamCommand<unknown, unknown, Refusal>[]): Promise<BatchHandled<Refusal>> {
    const deciders = new Map<string, StreamDecider<unknown, unknown, Refusal>>();
    for (const { streamName, decider } of commands) {
      const known = deciders.get(streamName);
      if (known !== undefined && known !== decider) throw new Error(`two deciders for stream ${streamName} in one batch`);
      deciders.set(streamName, decider);
    }
    return this.retrying([...new Set(deciders.values())], async (attempt) => {
      const working = await this.loadAll(deciders);
      const touched: Working<unknown, unknown, Refusal>[] = [];
      const outcomes = commands.map(({ streamName, command }) => {
        const w = working.get(streamName)!;
        const outcome = w.decide(command);
        if (outcome.kind === 'appended' && !touched.includes(w)) touched.push(w);
        return outcome;
      });
      if (touched.length === 0) return { outcomes, results: [], appends: 0 };
      const results = await this.store.appendMany(touched.map((w) => w.append()));
      touched.forEach((w, i) => w.remember(results[i]));
      return { outcomes, results, appends: attempt };
    });
  }

  private async retrying<T>(deciders: readonly StreamDecider<unknown, unknown, unknown>[], attempt: (n: number) => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt(n);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError) || n >= this.maxAttempts) throw error;
        // Another writer moved the stream: what we folded is stale. Nothing was written (one
        // append, or one transaction), so deciding again against a fresh read is safe.
        this.options.logger?.debug(`conflict on ${error.streamName} (attempt ${n}); deciding again`);
        for (const d of deciders) d.cache?.delete(error.streamName);
      }
    }
  }

  private async loadAll<Refusal>(deciders: ReadonlyMap<string, StreamDecider<unknown, unknown, Refusal>>): Promise<Map<string, Working<unknown, unknown, Refusal>>> {
    const working = new Map<string, Working<unknown, unknown, Refusal>>();
    const missing: string[] = [];
    for (const [streamName, decider] of deciders) {
      const cached = decider.cache?.get(streamName);
      if (cached === undefined) missing.push(streamName);
      else working.set(streamName, new Working(streamName, decider, cached));
    }
    // The missing streams in one read (SQL: one query): read one by one, a batch of new precincts
    // cost a query each, most of the embedded recorder's store time (profiled).
    const records = missing.length > 0 ? await this.store.readStreams(missing) : new Map<string, readonly RecordedEvent[]>();
    for (const streamName of missing) {
      const decider = deciders.get(streamName)!;
      working.set(streamName, new Working(streamName, decider, this.folded(streamName, decider, records.get(streamName) ?? [])));
    }
    return working;
  }

  private async load<State>(streamName: string, decider: StreamDecider<State, unknown, unknown>): Promise<CachedStream<State>> {
    return decider.cache?.get(streamName) ?? this.read(streamName, decider);
  }

  private async read<State>(streamName: string, decider: StreamDecider<State, unknown, unknown>): Promise<CachedStream<State>> {
    return this.folded(streamName, decider, await this.store.readStream(streamName));
  }

  private folded<State>(streamName: string, decider: StreamDecider<State, unknown, unknown>, records: readonly RecordedEvent[]): CachedStream<State> {
    const state = decider.fold ? decider.fold(records) : records.reduce((s, r) => decider.evolve(s, r), decider.initialState());
    const loaded: CachedStream<State> = { state, revision: records.length === 0 ? 'no-stream' : records[records.length - 1].revision };
    decider.cache?.set(streamName, loaded);
    return loaded;
  }
}
