// Reading the store the way the live projector reads it: the same categories, in global order,
// routed to the same views by the same rule, so a replay reaches the projector's exact bytes.
// The projector (apps/tally-server/src/projector) routes events alike; its rebuild-vs-live
// digest and the audit specs comparing both keep the two honest.
import { createHash } from 'node:crypto';
import {
  canonicalViewState,
  indexElection,
  parseElectionDefinition,
  type DefinitionProblem,
  type ElectionIndex,
  type RecordedPrecinctEvent,
  type RecordedViewEvent,
  type ResultsView,
} from '@tally/domain';
import {
  categories,
  categoryFilter,
  categoryPrefix,
  comparePositions,
  START_POSITION,
  type EventFilter,
  type EventStore,
  type RecordedEvent,
} from '@tally/event-store';
import { err, ok, type Result } from '@tally/domain';

const PRECINCT_PREFIX = categoryPrefix(categories.precinct);
const ELECTION_PREFIX = categoryPrefix(categories.election);

/** What the projector subscribes to: the elections' definitions and the precincts' streams. */
export const PROJECTED_CATEGORIES: EventFilter = categoryFilter(categories.election, categories.precinct);

/** `precinct-<election>.<precinct>` or `election-<election>` → election id (ids never contain a dot). */
export function electionOfStream(streamName: string): string | undefined {
  if (streamName.startsWith(PRECINCT_PREFIX)) {
    const dot = streamName.indexOf('.', PRECINCT_PREFIX.length);
    return dot < 0 ? undefined : streamName.slice(PRECINCT_PREFIX.length, dot);
  }
  if (streamName.startsWith(ELECTION_PREFIX)) return streamName.slice(ELECTION_PREFIX.length);
  return undefined;
}

/** `precinct-<election>.<precinct>` → precinct id. */
export function precinctOfStream(streamName: string): string | undefined {
  if (!streamName.startsWith(PRECINCT_PREFIX)) return undefined;
  const dot = streamName.indexOf('.', PRECINCT_PREFIX.length);
  return dot < 0 ? undefined : streamName.slice(dot + 1);
}

export const isPrecinctStream = (streamName: string): boolean => streamName.startsWith(PRECINCT_PREFIX);

/** The store's event as the views take it: type and data as recorded, plus where and when. */
export function toPrecinctEvent(e: RecordedEvent): RecordedPrecinctEvent {
  return { type: e.type, data: e.data, position: e.position, recordedAt: e.recordedAt.toISOString() } as unknown as RecordedPrecinctEvent;
}

/**
 * THE routing rule, shared by the live projector, its rebuild, the replay and the verifier: what a
 * recorded event of the projected categories is to its election's view. Every event of a
 * precinct's stream is offered (the view ignores, counted, what it does not know); of the
 * election's own stream only the lots drawn (its definition builds the view, it is not folded).
 * Undefined: not the view's.
 */
export function toViewEvent(e: RecordedEvent): RecordedViewEvent | undefined {
  if (isPrecinctStream(e.streamName)) return toPrecinctEvent(e);
  if (e.streamName.startsWith(ELECTION_PREFIX) && e.type === 'LotDrawn') {
    return { type: e.type, data: e.data, position: e.position, recordedAt: e.recordedAt.toISOString() } as unknown as RecordedViewEvent;
  }
  return undefined;
}

/** SHA-256 of the view's canonical state: the figure the projector publishes. */
export function viewDigest(view: ResultsView): string {
  const hash = createHash('sha256');
  for (const chunk of canonicalViewState(view)) hash.update(chunk);
  return hash.digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Bounds

/** Where a replay stops: after a store position, or after the last event recorded at or before an instant. */
export type Bound = { readonly kind: 'position'; readonly position: string } | { readonly kind: 'time'; readonly at: Date; readonly text: string };

const POSITION = /^\d+:\d+$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `12:345` (a store position) or an ISO 8601 instant with its offset (`2026-03-15T21:14:00+05:00`). */
export function parseBound(text: string): Result<Bound, string> {
  const t = text.trim();
  if (POSITION.test(t)) return ok({ kind: 'position', position: t });
  if (ISO_INSTANT.test(t)) {
    const at = new Date(t);
    if (!Number.isNaN(at.getTime())) return ok({ kind: 'time', at, text: t });
  }
  return err('a store position (e.g. 812:40311) or an ISO 8601 instant with an offset (e.g. 2026-03-15T21:14:00+05:00)');
}

/**
 * Whether an event lies beyond the bound. Time bounds cut the global order at the first event
 * recorded after the instant: a replay is always a prefix of the history, as a viewer saw it.
 */
export function isBeyond(e: RecordedEvent, bound: Bound | undefined): boolean {
  if (!bound) return false;
  return bound.kind === 'position' ? comparePositions(e.position, bound.position) > 0 : e.recordedAt.getTime() > bound.at.getTime();
}

export interface ScanProgress {
  readonly events: number;
  readonly position: string;
}

export interface ScanOptions {
  readonly until?: Bound;
  readonly filter?: EventFilter;
  readonly batchSize?: number;
  readonly onProgress?: (progress: ScanProgress) => void;
}

/** The store's events in global order, up to the bound. */
export async function* scanStore(store: EventStore, options: ScanOptions = {}): AsyncGenerator<RecordedEvent, void, undefined> {
  let from = START_POSITION;
  let events = 0;
  for (;;) {
    const page = await store.readAll({ from, filter: options.filter, batchSize: options.batchSize ?? 5000 });
    for (const e of page.events) {
      if (isBeyond(e, options.until)) return;
      events++;
      yield e;
    }
    from = page.checkpoint;
    options.onProgress?.({ events, position: from });
    if (page.isEnd) return;
    if (options.until?.kind === 'position' && comparePositions(from, options.until.position) >= 0) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Definitions

export interface DefinedElection {
  readonly index: ElectionIndex;
  /** Position and time of the ElectionDefined event the definition comes from. */
  readonly position: string;
  readonly recordedAt: string;
}

export interface DefinitionTrouble {
  readonly streamName: string;
  readonly position: string;
  readonly problems: readonly DefinitionProblem[];
}

export interface LoadedElections {
  readonly elections: ReadonlyMap<string, DefinedElection>;
  /** Recorded definitions that no longer parse. */
  readonly troubles: readonly DefinitionTrouble[];
}

/**
 * Every election's definition from its stream (the first ElectionDefined wins, as in the
 * service's registry). Read from the whole store, whatever the bound: they are the rules.
 */
export async function loadElections(store: EventStore): Promise<LoadedElections> {
  const elections = new Map<string, DefinedElection>();
  const troubles: DefinitionTrouble[] = [];
  for await (const e of scanStore(store, { filter: categoryFilter(categories.election) })) {
    if (e.type !== 'ElectionDefined') continue;
    const parsed = parseElectionDefinition((e.data as { definition?: unknown }).definition);
    if (!parsed.ok) {
      troubles.push({ streamName: e.streamName, position: e.position, problems: parsed.error });
      continue;
    }
    const id = parsed.value.id;
    if (!elections.has(id)) elections.set(id, { index: indexElection(parsed.value), position: e.position, recordedAt: e.recordedAt.toISOString() });
  }
  return { elections, troubles };
}
