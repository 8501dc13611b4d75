// Reading the store for the auditors: bounds (a position or an instant), the scan in global order
// up to a bound, and the elections' definitions. What a scanned event is to a view (the routing)
// and the digest are @tally/projection's, the live projector's own: one copy of each.
import { err, indexElection, ok, parseElectionDefinition, type DefinitionProblem, type ElectionIndex, type Result } from '@tally/domain';
import {
  categories,
  categoryFilter,
  comparePositions,
  START_POSITION,
  type EventFilter,
  type EventStore,
  type RecordedEvent,
} from '@tally/event-store';

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
