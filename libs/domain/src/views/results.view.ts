// The election-wide results read model: every published number comes from here. The live
// projector and the auditors' replay both feed it recorded events one at a time and ask the
// queries in results.queries.ts; no number is computed anywhere else.
//
// Why an accumulator that mutates in place, against the house habit of folds returning new
// state: a national election is a million precincts × several contests, and tens of thousands
// of events a second. Copying typed arrays per event is out of the question, so the view OWNS
// its arrays and `applyEvent` is their only writer. Given the same event sequence it reaches
// the same bytes (integers only, fixed iteration order, no clock, no randomness): that is what
// lets the projector compare a rebuild from zero with the live state by digest.
import type { PrecinctEvent, ProtocolCorrected, ProtocolRecorded, SubmissionRefused, TurnoutReported } from '../precinct/precinct.events';
import type { ElectionIndex } from '../election/election-index';
import type { ElectionWentLive, LotDrawn } from '../election/election.events';
import type { DecodeFailure } from '../events/stored-event.codec';
import { lotOrderProblems } from '../election/lot-rules';
import type { Protocol } from '../protocol/protocol';
import {
  buildLayout,
  COL_AGAINST_ALL,
  COL_FOUND,
  COL_INVALID,
  COL_ISSUED_AT_STATION,
  COL_ISSUED_EARLY,
  COL_ISSUED_MOBILE,
  COL_REGISTERED,
  entryOf,
  FIXED_COLUMNS,
  TOT_DEFINITION_REGISTERED,
  TOT_REPORTED,
  TOTAL_PREFIX,
  TURNOUT_ISSUED,
  TURNOUT_PRECINCTS,
  TURNOUT_REGISTERED,
  TURNOUT_WIDTH,
  type ViewLayout,
} from './results.layout';

/** Where and when the store recorded an event. */
export interface RecordedAt {
  /** The store's opaque global position. */
  readonly position: string;
  /** ISO 8601 instant the store recorded it (the store's clock, the only one). */
  readonly recordedAt: string;
}

/** An event as the store hands it over: the precinct event plus where and when it was recorded. */
export type RecordedPrecinctEvent = PrecinctEvent & RecordedAt;

/**
 * A record of a stream the view reads that the stored-event codec refused: a type the view does
 * not know, or data without the shape its type promises. It is no fact the view can count, but it
 * is in the history: the view counts it as ignored and moves its cursor, as it always did for what
 * it does not know, and folds nothing of it. Not a stored event type: routing builds it.
 */
export interface UndecodableRecord {
  readonly type: 'undecodable-record';
  readonly failure: DecodeFailure;
}

/** Every event the view takes: a precinct's, or a lot or the switch to live from the election's own stream (or a record that is neither, to be counted). */
export type ViewEvent = PrecinctEvent | LotDrawn | ElectionWentLive | UndecodableRecord;
export type RecordedViewEvent = ViewEvent & RecordedAt;

/** Per contest: the precincts' rows, their protocol versions, commission subtotals. */
export interface ContestState {
  /** rows × width, Uint32: see the column constants in results.layout.ts. */
  readonly rows: Uint32Array;
  /** Per row: the protocol version counted (0 = not reported). */
  readonly versions: Int32Array;
  /** slots × (TOTAL_PREFIX + width), Float64. */
  readonly totals: Float64Array;
  /** slots × turnout times × TURNOUT_WIDTH, Float64. */
  readonly turnout: Float64Array;
  /** Per slot: the last computed query result, dropped when an event touches the slot. */
  readonly cache: unknown[];
  /** The last lot drawn for this contest (ids in the order drawn), null before any. */
  lot: readonly string[] | null;
}

export interface RefusalTally {
  total: number;
  readonly byCode: Map<string, number>;
  readonly byKind: Map<string, number>;
}

export interface ViewCursor {
  /** Position and record time of the last event applied or ignored (null before the first); duplicates leave them. */
  position: string | null;
  recordedAt: string | null;
  /** Events that changed the state. */
  eventsApplied: number;
  /** Events that do not fit the definition (unknown precinct, contest, time, a count beyond 2^32): skipped, counted. */
  eventsIgnored: number;
}

/**
 * The view. Treat it as opaque: read it only through the query functions and write it only
 * through `applyEvent` (and `restoreView`). Its arrays are mutable by nature; nobody else may.
 */
export interface ResultsView {
  readonly election: ElectionIndex;
  readonly layout: ViewLayout;
  readonly contests: readonly ContestState[];
  /** precincts × turnout times, Int32: ballots issued reported at that time, −1 = no report. */
  readonly precinctTurnout: Int32Array;
  /** Per precinct: how many of its contests have a protocol. */
  readonly precinctContestsReported: Uint16Array;
  /** Per territorial commission: precincts with every protocol in, and protocols in. */
  readonly territorialPrecinctsReported: Float64Array;
  readonly territorialProtocolsReported: Float64Array;
  readonly refusals: RefusalTally;
  /** Submission ids already counted as refusals: a redelivered refusal counts once. */
  readonly refusedSubmissions: Set<string>;
  readonly cursor: ViewCursor;
  /** Reused by applyEvent for the new row, so the hot path allocates no arrays. */
  readonly scratch: Float64Array;
  /**
   * Counting the test epoch: an election defined in test mode, before ElectionWentLive. The view
   * folds only the facts of its epoch; the switch empties it, so the live count starts at zero.
   */
  test: boolean;
}

export function createResultsView(election: ElectionIndex): ResultsView {
  return emptyView(buildLayout(election));
}

export function emptyView(layout: ViewLayout): ResultsView {
  const times = layout.turnoutTimes.length;
  return {
    election: layout.election,
    layout,
    contests: layout.contests.map((c) => ({
      rows: new Uint32Array(c.members.length * c.width),
      versions: new Int32Array(c.members.length),
      totals: new Float64Array(c.slotTerritorial.length * (TOTAL_PREFIX + c.width)),
      turnout: new Float64Array(c.slotTerritorial.length * times * TURNOUT_WIDTH),
      cache: new Array<unknown>(c.slotTerritorial.length),
      lot: null,
    })),
    precinctTurnout: new Int32Array(layout.election.precinctCount * times).fill(-1),
    precinctContestsReported: new Uint16Array(layout.election.precinctCount),
    territorialPrecinctsReported: new Float64Array(layout.territorialIds.length),
    territorialProtocolsReported: new Float64Array(layout.territorialIds.length),
    refusals: { total: 0, byCode: new Map(), byKind: new Map() },
    refusedSubmissions: new Set(),
    cursor: { position: null, recordedAt: null, eventsApplied: 0, eventsIgnored: 0 },
    scratch: new Float64Array(layout.maxWidth),
    test: layout.election.definition.mode === 'test',
  };
}

/** Which contests' results changed at one commission: what the projector pushes. */
export interface ChangedCommission {
  readonly commissionId: string;
  readonly contestIds: readonly string[];
}

export type IgnoredReason =
  | 'unknown-event-type'
  /** A record of a known type whose data lacks a field, or has it of the wrong JSON type. */
  | 'malformed-event'
  | 'unknown-precinct'
  | 'unknown-contest'
  | 'contest-not-at-precinct'
  | 'unknown-turnout-time'
  | 'count-out-of-range'
  /** A lot for another election, or naming an id not on the contest's ballot (or one twice). */
  | 'lot-not-on-ballot'
  /** A fact of the other epoch: a test fact after the switch to live (or a live one before it). */
  | 'other-epoch'
  /** A switch to live in an election that is live already. */
  | 'already-live';

export type ApplyOutcome =
  | {
      readonly kind: 'applied';
      /** The precinct itself, then every ancestor up to the root, with the contests whose results moved. Empty for a refusal (only the summary moved). */
      readonly changedCommissions: readonly ChangedCommission[];
    }
  /** Already counted (a redelivered event, or an older protocol version than the one counted). */
  | { readonly kind: 'duplicate' }
  /** The switch from test mode to live: the view was emptied (every commission changed). */
  | { readonly kind: 'went-live' }
  /** Does not fit the definition: the state is unchanged but for the ignored-events count. */
  | { readonly kind: 'ignored'; readonly reason: IgnoredReason };

const DUPLICATE: ApplyOutcome = Object.freeze({ kind: 'duplicate' });

/** Folds one recorded event into the view (in place; see the file comment) and says what changed. */
export function applyEvent(view: ResultsView, event: RecordedViewEvent): ApplyOutcome {
  const outcome = dispatch(view, event);
  // A duplicate changes nothing, the cursor included: a redelivery must not move it back.
  if (outcome.kind === 'duplicate') return outcome;
  if (outcome.kind === 'applied' || outcome.kind === 'went-live') view.cursor.eventsApplied++;
  else view.cursor.eventsIgnored++;
  view.cursor.position = event.position;
  view.cursor.recordedAt = event.recordedAt;
  return outcome;
}

function dispatch(view: ResultsView, event: ViewEvent): ApplyOutcome {
  switch (event.type) {
    case 'ProtocolRecorded':
    case 'ProtocolCorrected':
      return (event.data.test === true) !== view.test ? ignored('other-epoch') : applyProtocol(view, event);
    case 'TurnoutReported':
      return (event.data.test === true) !== view.test ? ignored('other-epoch') : applyTurnout(view, event);
    case 'SubmissionRefused':
      return (event.data.test === true) !== view.test ? ignored('other-epoch') : applyRefusal(view, event);
    case 'LotDrawn':
      return applyLot(view, event);
    case 'ElectionWentLive':
      return applyWentLive(view);
    case 'undecodable-record':
      return ignored(event.failure.kind === 'unknown-type' ? 'unknown-event-type' : 'malformed-event');
    default: {
      // Unknown at compile time; at run time another stream's event may come through a shared subscription.
      const _exhaustive: never = event;
      return ignored('unknown-event-type');
    }
  }
}

/**
 * The switch to live: every figure of the test epoch goes, in place (the holders of the view keep
 * their reference); the lots drawn stay (they are the election's, not the test's).
 */
function applyWentLive(view: ResultsView): ApplyOutcome {
  if (!view.test) return ignored('already-live');
  const fresh = emptyView(view.layout);
  fresh.contests.forEach((c, k) => (c.lot = view.contests[k].lot));
  Object.assign(view, { ...fresh, cursor: view.cursor, test: false });
  return { kind: 'went-live' };
}

function ignored(reason: IgnoredReason): ApplyOutcome {
  return { kind: 'ignored', reason };
}

const isUint32 = (n: unknown): n is number => typeof n === 'number' && n >>> 0 === n;

/** Writes the protocol's row into `out`; false if a line is not a count that fits a Uint32. */
function readRow(protocol: Protocol, choiceIds: readonly string[], out: Float64Array): boolean {
  out[COL_REGISTERED] = protocol.registeredVoters;
  out[COL_ISSUED_AT_STATION] = protocol.ballotsIssued.atStation;
  out[COL_ISSUED_EARLY] = protocol.ballotsIssued.early;
  out[COL_ISSUED_MOBILE] = protocol.ballotsIssued.mobile;
  out[COL_FOUND] = protocol.ballotsFound;
  out[COL_INVALID] = protocol.invalid;
  out[COL_AGAINST_ALL] = protocol.againstAll ?? 0;
  // Lines for choices not on the ballot cannot be in a recorded protocol (the decider refuses them); a missing line counts 0.
  for (let k = 0; k < choiceIds.length; k++) out[FIXED_COLUMNS + k] = protocol.votes[choiceIds[k]] ?? 0;
  for (let c = 0; c < FIXED_COLUMNS + choiceIds.length; c++) if (!isUint32(out[c])) return false;
  return true;
}

function applyProtocol(view: ResultsView, event: ProtocolRecorded | ProtocolCorrected): ApplyOutcome {
  const { layout } = view;
  const data = event.data;
  const d = layout.election.precinctIndex(data.precinctId);
  if (d === undefined) return ignored('unknown-precinct');
  const k = layout.contestOrdinal.get(data.contestId);
  if (k === undefined) return ignored('unknown-contest');
  const e = entryOf(layout, d, k);
  if (e < 0) return ignored('contest-not-at-precinct');
  const row = layout.entryRow[e];
  const contest = layout.contests[k];
  const state = view.contests[k];

  // A correction supersedes; a version already counted (or older) is a redelivery.
  const version = event.type === 'ProtocolRecorded' ? 1 : data.version;
  const current = state.versions[row];
  if (!(version > current)) return DUPLICATE;

  const next = view.scratch;
  if (!readRow(data.protocol, contest.choiceIds, next)) return ignored('count-out-of-range');

  // delta = new row − old row, written over the old row, then added to every ancestor's subtotal.
  const width = contest.width;
  const rowBase = row * width;
  for (let c = 0; c < width; c++) {
    const old = state.rows[rowBase + c];
    state.rows[rowBase + c] = next[c];
    next[c] -= old;
  }
  const firstReport = current === 0;
  state.versions[row] = version;

  const parent = layout.precinctParent[d];
  const stride = TOTAL_PREFIX + width;
  const { chain, chainStart } = layout;
  for (let i = chainStart[parent]; i < chainStart[parent + 1]; i++) {
    const t = chain[i];
    const slot = contest.slotOf[t];
    const base = slot * stride;
    if (firstReport) {
      state.totals[base + TOT_REPORTED] += 1;
      state.totals[base + TOT_DEFINITION_REGISTERED] += layout.precinctRegistered[d];
      view.territorialProtocolsReported[t] += 1;
    }
    for (let c = 0; c < width; c++) state.totals[base + TOTAL_PREFIX + c] += next[c];
    state.cache[slot] = undefined;
  }
  if (firstReport) {
    const reported = ++view.precinctContestsReported[d];
    if (reported === layout.entryStart[d + 1] - layout.entryStart[d]) {
      for (let i = chainStart[parent]; i < chainStart[parent + 1]; i++) view.territorialPrecinctsReported[chain[i]] += 1;
    }
  }
  return { kind: 'applied', changedCommissions: changedUpward(layout, d, [data.contestId]) };
}

function applyTurnout(view: ResultsView, event: TurnoutReported): ApplyOutcome {
  const { layout } = view;
  const data = event.data;
  const d = layout.election.precinctIndex(data.precinctId);
  if (d === undefined) return ignored('unknown-precinct');
  const time = layout.timeOrdinal.get(data.time);
  if (time === undefined) return ignored('unknown-turnout-time');
  if (!isUint32(data.ballotsIssued) || data.ballotsIssued > 0x7fffffff) return ignored('count-out-of-range');

  const times = layout.turnoutTimes.length;
  const at = d * times + time;
  const old = view.precinctTurnout[at];
  // A report replaces the precinct's earlier report for that time, so a redelivery changes nothing.
  if (old === data.ballotsIssued) return DUPLICATE;
  view.precinctTurnout[at] = data.ballotsIssued;
  const firstReport = old < 0;
  const issuedDelta = data.ballotsIssued - (firstReport ? 0 : old);
  const registered = layout.precinctRegistered[d];

  // Turnout is the precinct's, shared by every contest it votes in; each contest's subtotals carry it.
  const parent = layout.precinctParent[d];
  const { chain, chainStart } = layout;
  const contestIds: string[] = [];
  for (let e = layout.entryStart[d]; e < layout.entryStart[d + 1]; e++) {
    const k = layout.entryContest[e];
    const contest = layout.contests[k];
    const state = view.contests[k];
    contestIds.push(contest.contest.id);
    for (let i = chainStart[parent]; i < chainStart[parent + 1]; i++) {
      const slot = contest.slotOf[chain[i]];
      const base = (slot * times + time) * TURNOUT_WIDTH;
      state.turnout[base + TURNOUT_ISSUED] += issuedDelta;
      if (firstReport) {
        state.turnout[base + TURNOUT_REGISTERED] += registered;
        state.turnout[base + TURNOUT_PRECINCTS] += 1;
      }
      state.cache[slot] = undefined;
    }
  }
  return { kind: 'applied', changedCommissions: changedUpward(layout, d, contestIds) };
}

function applyRefusal(view: ResultsView, event: SubmissionRefused): ApplyOutcome {
  const data = event.data;
  if (view.refusedSubmissions.has(data.submissionId)) return DUPLICATE;
  view.refusedSubmissions.add(data.submissionId);
  const tally = view.refusals;
  tally.total++;
  tally.byKind.set(data.kind, (tally.byKind.get(data.kind) ?? 0) + 1);
  // A submission refused for two reasons counts once under each code.
  for (const code of new Set(data.reasons.map((r) => r.code))) tally.byCode.set(code, (tally.byCode.get(code) ?? 0) + 1);
  return { kind: 'applied', changedCommissions: [] };
}

function applyLot(view: ResultsView, event: LotDrawn): ApplyOutcome {
  const { layout } = view;
  const data = event.data;
  const k = layout.contestOrdinal.get(data.contestId);
  if (k === undefined) return ignored('unknown-contest');
  const contest = layout.contests[k];
  if (data.electionId !== view.election.definition.id || lotOrderProblems(contest.contest, data.order).length > 0) return ignored('lot-not-on-ballot');
  const state = view.contests[k];
  // A later lot replaces the earlier one; the same order again changes nothing.
  if (state.lot !== null && state.lot.length === data.order.length && state.lot.every((id, i) => id === data.order[i])) return DUPLICATE;
  state.lot = [...data.order];
  state.cache.fill(undefined);
  const contestIds = [data.contestId];
  const changedCommissions: ChangedCommission[] = [];
  for (let slot = 0; slot < contest.slotTerritorial.length; slot++) {
    changedCommissions.push({ commissionId: layout.territorialIds[contest.slotTerritorial[slot]], contestIds });
  }
  return { kind: 'applied', changedCommissions };
}

function changedUpward(layout: ViewLayout, d: number, contestIds: readonly string[]): ChangedCommission[] {
  const parent = layout.precinctParent[d];
  const out: ChangedCommission[] = [{ commissionId: layout.election.precinctIds[d], contestIds }];
  for (let i = layout.chainStart[parent]; i < layout.chainStart[parent + 1]; i++) {
    out.push({ commissionId: layout.territorialIds[layout.chain[i]], contestIds });
  }
  return out;
}
