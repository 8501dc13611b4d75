// Reading the store for the auditors: bounds (a position or an instant), the scan in global order
// up to a bound, and the elections' definitions. What a scanned event is to a view (the routing)
// and the digest are @tally/projection's, the live projector's own: one copy of each.
import {
  applyEvent,
  bodyComposition,
  commandOfAmendment,
  createResultsView,
  decideElection,
  decodeElectionEvent,
  err,
  evolveElection,
  indexElection,
  initialElectionState,
  ok,
  parseElectionDefinition,
  type DefinitionAmended,
  type DefinitionProblem,
  type ElectionContext,
  type ElectionDefinition,
  type ElectionEvent,
  type MandatePassed,
  type ElectionIndex,
  type ElectionState,
  type Result,
} from '@tally/domain';
import { canonicalJson } from '@tally/encoding';
import { electionOfStream, PROJECTED_CATEGORIES, toViewEvent } from '@tally/projection';
import { publicKeyProblem, verifyAmendmentSignature } from '@tally/signatures';
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
  for await (const page of scanPages(store, options)) yield* page;
}

/** The same, a page (one read of the store) at a time: for a walk that works on many events at once. */
export async function* scanPages(store: EventStore, options: ScanOptions = {}): AsyncGenerator<readonly RecordedEvent[], void, undefined> {
  let from = START_POSITION;
  let events = 0;
  for (;;) {
    const page = await store.readAll({ from, filter: options.filter, batchSize: options.batchSize ?? 5000 });
    const beyond = options.until === undefined ? -1 : page.events.findIndex((e) => isBeyond(e, options.until));
    const within = beyond < 0 ? page.events : page.events.slice(0, beyond);
    events += within.length;
    if (within.length > 0) yield within;
    if (beyond >= 0) return;
    from = page.checkpoint;
    options.onProgress?.({ events, position: from });
    if (page.isEnd) return;
    if (options.until?.kind === 'position' && comparePositions(from, options.until.position) >= 0) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Definitions

export interface DefinedElection {
  /** The definition's index, with the key ring of every recorded amendment (which key was valid when). */
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

/** A recorded key amendment the election decider, run again on the stream before it, does not decide as recorded. */
export interface AmendmentTrouble {
  /** `signature` for a signature that does not count, `decider` for the rest, `definitions` for a record that does not parse. */
  readonly check: 'signature' | 'decider' | 'definitions';
  /** Stable: revoked-key, not-yet-valid, unknown-key, invalid-signature; STALE_AMENDMENT and the decider's other codes; duplicate-amendment, decided-differently, amendment-does-not-parse, amendment-before-definition; for a termination's MandatePassed: succession-not-decided (recorded without one), succession-missing (decided, not recorded). */
  readonly code: string;
  readonly message: string;
  readonly streamName: string;
  readonly position: string;
  readonly eventId: string;
}

export interface LoadedElections {
  readonly elections: ReadonlyMap<string, DefinedElection>;
  /** Recorded definitions that no longer parse. */
  readonly troubles: readonly DefinitionTrouble[];
  /** Recorded amendments, each decided again (its signature by the root keys valid when it was received). */
  readonly amendmentsChecked: number;
  readonly amendmentTroubles: readonly AmendmentTrouble[];
}

/**
 * Every election's definition from its stream (the first ElectionDefined wins, as in the
 * service's registry), folded with the stream's key amendments by the domain's own evolve, so
 * every signature is judged by the keys valid when it was received. Each amendment is decided
 * again on the stream as it stood before it — the election decider, with the signature check
 * the service hands it — and must decide exactly what was recorded. Read from the whole store,
 * whatever the bound: they are the rules.
 */
const LIFECYCLE_EVENT_TYPES = new Set(['ResultsSummarized', 'ResultsCertified', 'ResultsDecertified', 'ElectionWentLive', 'ZeroReported']);

export async function loadElections(store: EventStore): Promise<LoadedElections> {
  const troubles: DefinitionTrouble[] = [];
  const amendmentTroubles: AmendmentTrouble[] = [];
  let amendmentsChecked = 0;
  const streams = new Map<string, { state: ElectionState; position: string; recordedAt: string; successions: { data: MandatePassed['data']; position: string; eventId: string }[] }>();
  const missing = (stream: { successions: { data: MandatePassed['data']; position: string; eventId: string }[] }, streamName: string) => {
    for (const { data, position, eventId } of stream.successions.splice(0)) {
      amendmentTroubles.push({ check: 'decider', code: 'succession-missing', message: `${streamName}: the termination of amendment ${data.sequence} decides where the seat goes, and no MandatePassed records it`, streamName, position, eventId });
    }
  };
  for await (const e of scanStore(store, { filter: categoryFilter(categories.election) })) {
    if (e.type === 'ElectionDefined') {
      const parsed = parseElectionDefinition((e.data as { definition?: unknown }).definition);
      if (!parsed.ok) {
        troubles.push({ streamName: e.streamName, position: e.position, problems: parsed.error });
        continue;
      }
      if (streams.get(e.streamName)?.state.status === 'defined') continue;
      const state = evolveElection(initialElectionState(), { type: 'ElectionDefined', data: { definition: parsed.value } });
      streams.set(e.streamName, { state, position: e.position, recordedAt: e.recordedAt.toISOString(), successions: [] });
    } else if (e.type === 'DefinitionAmended') {
      amendmentsChecked++;
      const where = { streamName: e.streamName, position: e.position, eventId: e.id };
      const decoded = decodeElectionEvent(e);
      const stream = streams.get(e.streamName);
      if (!decoded.ok || decoded.value.type !== 'DefinitionAmended') {
        amendmentTroubles.push({ check: 'definitions', code: 'amendment-does-not-parse', message: `${e.streamName}@${e.revision}: ${JSON.stringify(decoded.ok ? decoded.value.type : decoded.error)}`, ...where });
      } else if (stream === undefined) {
        amendmentTroubles.push({ check: 'decider', code: 'amendment-before-definition', message: `${e.streamName}@${e.revision}: an amendment of an election not defined yet`, ...where });
      } else {
        missing(stream, e.streamName);
        // A registration is judged on the protocols recorded before it, replayed as the projector folds them.
        const bodyOutcome = decoded.value.data.amendment.kind === 'register-deputies' && stream.state.status === 'defined' ? await bodyOutcomeAt(store, stream.state.definition, e.position) : undefined;
        const { trouble, followers } = redecide(stream.state, decoded.value.data, { verifyAmendment: verifyAmendmentSignature, publicKeyProblem, bodyOutcome });
        if (trouble) amendmentTroubles.push({ ...trouble, message: `${e.streamName}@${e.revision} (amendment ${decoded.value.data.sequence}): ${trouble.message}`, ...where });
        stream.successions.push(...followers.map((data) => ({ data, ...where })));
        // Folded as the service folds it, so what follows is judged by the keys the service used.
        stream.state = evolveElection(stream.state, decoded.value);
      }
    } else if (LIFECYCLE_EVENT_TYPES.has(e.type)) {
      // Acts on the count are decided again in verify's walk (lifecycle-check.ts); here they are
      // folded so that what follows (a registration after a certification) meets the same state.
      const decoded = decodeElectionEvent(e);
      const stream = streams.get(e.streamName);
      if (decoded.ok && stream !== undefined) stream.state = evolveElection(stream.state, decoded.value);
    } else if (e.type === 'MandatePassed') {
      amendmentsChecked++;
      const where = { streamName: e.streamName, position: e.position, eventId: e.id };
      const decoded = decodeElectionEvent(e);
      const stream = streams.get(e.streamName);
      if (!decoded.ok || decoded.value.type !== 'MandatePassed' || stream === undefined) {
        amendmentTroubles.push({ check: 'definitions', code: 'amendment-does-not-parse', message: `${e.streamName}@${e.revision}: ${JSON.stringify(decoded.ok ? decoded.value.type : decoded.error)}`, ...where });
        continue;
      }
      const expected = stream.successions.shift();
      if (expected === undefined) {
        amendmentTroubles.push({ check: 'decider', code: 'succession-not-decided', message: `${e.streamName}@${e.revision}: a MandatePassed no termination decided here`, ...where });
      } else if (canonicalJson(expected.data) !== canonicalJson(decoded.value.data)) {
        amendmentTroubles.push({ check: 'decider', code: 'decided-differently', message: `${e.streamName}@${e.revision}: the seat passes otherwise by the rule (${JSON.stringify({ to: expected.data.to, rule: expected.data.rule })})`, ...where });
      }
      stream.state = evolveElection(stream.state, decoded.value);
    }
  }
  for (const [streamName, stream] of streams) missing(stream, streamName);
  const elections = new Map<string, DefinedElection>();
  for (const { state, position, recordedAt } of streams.values()) {
    if (state.status !== 'defined' || elections.has(state.definition.id)) continue;
    elections.set(state.definition.id, { index: indexElection(state.defined).withKeys(state.keys), position, recordedAt });
  }
  return { elections, troubles, amendmentsChecked, amendmentTroubles };
}

/** Why the election decider does not decide the recorded amendment from the state before it, if it does not. */
/**
 * Why the election decider does not decide the recorded amendment from the state before it, if it
 * does not; and what it decides beside it (a termination's MandatePassed), to be found next in the stream.
 */
function redecide(
  state: ElectionState,
  recorded: DefinitionAmended['data'],
  context: ElectionContext,
): { trouble: Pick<AmendmentTrouble, 'check' | 'code' | 'message'> | undefined; followers: MandatePassed['data'][] } {
  const { electionId, sequence, signature, receivedAt } = recorded;
  const decided = decideElection(commandOfAmendment(recorded.amendment, { electionId, sequence, signature, receivedAt }), state, context);
  if (!decided.ok) {
    const [first] = decided.error;
    const signatureProblem = first.code === 'BAD_SIGNATURE' ? first.operands?.problem : undefined;
    const trouble = {
      check: signatureProblem === undefined ? ('decider' as const) : ('signature' as const),
      code: signatureProblem === undefined ? first.code : String(signatureProblem),
      message: decided.error.map((r) => `${r.code} (${r.field}: ${r.message})`).join('; '),
    };
    return { trouble, followers: [] };
  }
  if (decided.value.length === 0) return { trouble: { check: 'decider', code: 'duplicate-amendment', message: 'the same amendment is recorded earlier under this sequence number' }, followers: [] };
  const [first, ...rest] = decided.value;
  if (canonicalJson(first.data) !== canonicalJson(recorded)) {
    return { trouble: { check: 'decider', code: 'decided-differently', message: 'the recorded amendment differs from what the decider decides from it' }, followers: [] };
  }
  return { trouble: undefined, followers: rest.flatMap((event: ElectionEvent) => (event.type === 'MandatePassed' ? [event.data] : [])) };
}

/** The election's body compositions on the protocols recorded up to a position (the projector's fold, replayed). */
async function bodyOutcomeAt(store: EventStore, definition: ElectionDefinition, position: string): Promise<ElectionContext['bodyOutcome']> {
  const view = createResultsView(indexElection(definition));
  for await (const e of scanStore(store, { until: { kind: 'position', position }, filter: PROJECTED_CATEGORIES })) {
    if (electionOfStream(e.streamName) !== definition.id) continue;
    const event = toViewEvent(e);
    if (event !== undefined) applyEvent(view, event);
  }
  return (bodyId) => bodyComposition(view, bodyId);
}
