// Replay: fold the store's events up to a bound into fresh results views, exactly as the live
// projector folds them (same categories, same routing, same `applyEvent`: @tally/projection's).
import { applyEvent, createResultsView, decodeElectionEvent, evolveElection, initialElectionState, type ApplyOutcome, type ElectionState, type ResultsView } from '@tally/domain';
import { categoryPrefix, categories, type EventStore, type RecordedEvent } from '@tally/event-store';
import { electionOfStream, PROJECTED_CATEGORIES, toViewEvent } from '@tally/projection';
import { loadElections, scanStore, type Bound, type DefinedElection, type LoadedElections, type ScanProgress } from './audit-scan';

export interface ReplayOptions {
  readonly until?: Bound;
  /** Only this election's view (the others are not built). */
  readonly electionId?: string;
  readonly onProgress?: (progress: ScanProgress) => void;
  /**
   * Told of every event of a replayed election, after it was folded in (`outcome` undefined for
   * what the view does not take, e.g. its definition; `ignored` with `malformed-event` or
   * `unknown-event-type` for a record the codec refused).
   */
  readonly observe?: (event: RecordedEvent, electionId: string, outcome: ApplyOutcome | undefined) => void;
  /** Definitions already read (verify reads them once for several passes). */
  readonly elections?: LoadedElections;
}

export interface ReplayedElection {
  readonly definition: DefinedElection;
  readonly view: ResultsView;
  /**
   * The election stream folded up to the bound by the domain's evolve: withdrawals, registered
   * deputies, terminations and successions as they stood then (`membersOn` reads who sat when).
   */
  readonly election: ElectionState;
  /** The last event of this election folded in (its definition if no other), position and record time. */
  readonly last: { readonly position: string; readonly recordedAt: string } | null;
}

export interface ReplayResult {
  readonly elections: ReadonlyMap<string, ReplayedElection>;
  /** The last event read within the bound, any election; null for an empty store. */
  readonly through: { readonly position: string; readonly recordedAt: string } | null;
  readonly eventsRead: number;
  /** Events of elections the store never defined: the projector skips them too. */
  readonly undefinedElectionEvents: number;
}

const ELECTION_STREAM = categoryPrefix(categories.election);

export async function replay(store: EventStore, options: ReplayOptions = {}): Promise<ReplayResult> {
  const loaded = options.elections ?? (await loadElections(store));
  // The last events are kept and stamped at the end: an ISO time per event read was a cost for nothing.
  const out = new Map<string, { definition: DefinedElection; view: ResultsView; election: ElectionState; last: RecordedEvent | undefined }>();
  for (const [id, definition] of loaded.elections) {
    if (options.electionId !== undefined && id !== options.electionId) continue;
    out.set(id, { definition, view: createResultsView(definition.index), election: initialElectionState(), last: undefined });
  }
  let through: RecordedEvent | undefined;
  let eventsRead = 0;
  let undefinedElectionEvents = 0;
  for await (const e of scanStore(store, { until: options.until, filter: PROJECTED_CATEGORIES, onProgress: options.onProgress })) {
    eventsRead++;
    through = e;
    const electionId = electionOfStream(e.streamName);
    if (electionId === undefined) continue;
    const entry = out.get(electionId);
    if (!entry) {
      if (!loaded.elections.has(electionId)) undefinedElectionEvents++;
      continue;
    }
    entry.last = e;
    if (e.streamName.startsWith(ELECTION_STREAM)) {
      // What the codec refuses the verifier reports; the fold takes what decodes, as the service's registry does.
      const decoded = decodeElectionEvent(e);
      if (decoded.ok) entry.election = evolveElection(entry.election, decoded.value);
    }
    // As the projector: the definition builds the view; the events `toViewEvent` routes are folded in.
    const viewEvent = toViewEvent(e);
    const outcome = viewEvent === undefined ? undefined : applyEvent(entry.view, viewEvent);
    options.observe?.(e, electionId, outcome);
  }
  const elections = new Map<string, ReplayedElection>();
  for (const [id, { last, ...entry }] of out) elections.set(id, { ...entry, last: stamp(last) });
  return { elections, through: stamp(through), eventsRead, undefinedElectionEvents };
}

const stamp = (e: RecordedEvent | undefined): ReplayedElection['last'] => (e ? { position: e.position, recordedAt: e.recordedAt.toISOString() } : null);
