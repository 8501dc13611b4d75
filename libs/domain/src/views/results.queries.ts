// Queries over the results view. Each returns a fresh readonly plain object built from the
// view's arrays (never a window onto them), so a caller may keep it while events keep coming.
// Territorial results are cached per (commission, contest) until an event touches them: a burst
// of events invalidates, and seats are allocated once per query after it, not once per event.
import { allocate, toBasisPoints } from '../allocation/allocate';
import type { AllocationInput, AllocationList, AllocationResult, Ratio } from '../allocation/allocation.types';
import { composeBody, type Composition, type DistrictOutcome } from '../allocation/composition';
import { decideSingleMember, type SingleMemberResult } from '../allocation/single-member';
import type { CommissionLevel, ListContest, LocalizedName, SingleMemberContest, ThresholdBase, TieRule } from '../election/election-definition';
import {
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
  type ContestLayout,
} from './results.layout';
import type { ResultsView } from './results.view';
import { admissionCertainty, thresholdCertainty, type AdmissionCertainty, type ThresholdCertainty } from './threshold-certainty';

export interface Progress {
  readonly reported: number;
  readonly expected: number;
}

export interface TurnoutAtTime {
  /** Local time of day, one of the definition's turnout times. */
  readonly time: string;
  /** Ballots issued so far, as reported at that time. */
  readonly ballotsIssued: number;
  /** Voters on the list (definition) of the precincts that reported at that time. */
  readonly registeredVoters: number;
  readonly precinctsReported: number;
  /** ballotsIssued / registeredVoters. */
  readonly turnout: Ratio;
}

export interface BallotsIssued {
  readonly atStation: number;
  readonly early: number;
  readonly mobile: number;
  readonly total: number;
}

interface ContestResultsBase {
  readonly commissionId: string;
  readonly contestId: string;
  /** Precincts under the commission voting in the contest: with a protocol, and all. */
  readonly precincts: Progress;
  /** Voters on the list per the definition, all precincts of the contest under the commission. */
  readonly registeredVoters: number;
  /** Voters on the list per the protocols received (same-day additions included). */
  readonly registeredVotersReported: number;
  /** Voters per the definition at the precincts not yet reported: the bound behind every certainty. */
  readonly outstandingVoters: number;
  readonly ballotsIssued: BallotsIssued;
  readonly ballotsFound: number;
  readonly invalid: number;
  readonly againstAll: number;
  /** Final turnout of the reported precincts: ballots issued / their voters on the list. */
  readonly turnout: Ratio;
  /** Running turnout at each reporting time, over the precincts that reported at that time. */
  readonly turnoutByTime: readonly TurnoutAtTime[];
  /** The denominator of every share below. */
  readonly base: number;
  readonly againstAllShare: Ratio;
}

export interface ListChoiceResults {
  readonly id: string;
  readonly votes: number;
  /** Of this commission's base: a local share below the allocating scope. */
  readonly share: Ratio;
  /** Whether the list passes the threshold, given the outstanding voters (see threshold-certainty.ts); null below the allocating scope. */
  readonly threshold: ThresholdCertainty | null;
  /** Whether it takes part in the allocation, runner-up admission included; null below the allocating scope. */
  readonly admission: AdmissionCertainty | null;
  /** Provisional seats; null while the allocation has no result (a tie, no votes), and below the allocating scope. */
  readonly seats: number | null;
  /** Below the allocating scope: this commission's votes for the list of its votes in the whole contest; null at it. */
  readonly contribution: Ratio | null;
}

/**
 * Where a commission's figures stand for a contest. `allocating`: they cover every precinct of
 * the contest, so the threshold, admission and seats are the contest's own. `local`: they are a
 * part of it; a threshold or a seat judged on a part would mislead, so none is given, only the
 * local shares, each list's contribution and the local reporting progress.
 */
export type ContestScope = { readonly kind: 'allocating' } | { readonly kind: 'local'; readonly allocatingCommissionId: string };

export interface ListContestResults extends ContestResultsBase {
  readonly kind: 'list';
  /** Shares are of this base: the contest's threshold base. */
  readonly baseKind: ThresholdBase;
  readonly thresholdPercent: number;
  readonly seats: number;
  readonly lists: readonly ListChoiceResults[];
  readonly scope: ContestScope;
  /** The provisional allocation of the contest's seats (`allocate`); null below the allocating scope. */
  readonly allocation: AllocationResult | null;
}

export interface CandidateResults {
  readonly id: string;
  /** Nominating party, null for a self-nominated candidate. */
  readonly party: string | null;
  readonly votes: number;
  readonly share: Ratio;
}

export interface SingleMemberContestResults extends ContestResultsBase {
  readonly kind: 'single-member';
  /** Shares are of the valid votes: candidates' votes plus against all. */
  readonly baseKind: 'valid-votes';
  readonly district: string;
  readonly candidates: readonly CandidateResults[];
  readonly scope: ContestScope;
  /** The provisional outcome on these figures (`decideSingleMember`); null below the allocating scope (a part of the district decides nothing). */
  readonly outcome: SingleMemberResult | null;
}

export type ContestResults = ListContestResults | SingleMemberContestResults;

/**
 * One commission's (any level, precincts included) results in one contest; undefined if either
 * is unknown or no precinct under the commission votes in the contest.
 */
export function commissionResults(view: ResultsView, commissionId: string, contestId: string): ContestResults | undefined {
  const { layout } = view;
  const k = layout.contestOrdinal.get(contestId);
  if (k === undefined) return undefined;
  const contest = layout.contests[k];
  const state = view.contests[k];
  const t = layout.territorialOrdinal.get(commissionId);
  if (t !== undefined) {
    const slot = contest.slotOf[t];
    if (slot < 0) return undefined;
    const cached = state.cache[slot] as ContestResults | undefined;
    if (cached) return withContribution(view, cached);
    const figures = territorialFigures(view, contest, slot);
    const result = build(view, commissionId, contest, figures);
    state.cache[slot] = result;
    return withContribution(view, result);
  }
  const d = layout.election.precinctIndex(commissionId);
  if (d === undefined) return undefined;
  const e = entryOf(layout, d, k);
  if (e < 0) return undefined;
  // A precinct's result is one row: cheap to build, not worth a cache entry per precinct.
  return withContribution(view, build(view, commissionId, contest, precinctFigures(view, contest, d, layout.entryRow[e])));
}

/**
 * Below the allocating scope, each list's votes here of its votes in the whole contest. Added per
 * query, never cached with the local figures: votes elsewhere change it without touching them.
 */
function withContribution(view: ResultsView, r: ContestResults): ContestResults {
  if (r.kind !== 'list' || r.scope.kind !== 'local') return r;
  const whole = commissionResults(view, view.election.root.id, r.contestId);
  if (whole?.kind !== 'list') return r;
  // The same object again while neither the local figures nor the contest's have changed.
  const kept = contributed.get(r);
  if (kept?.whole === whole) return kept.result;
  const result: ListContestResults = { ...r, lists: r.lists.map((l, k) => ({ ...l, contribution: ratio(l.votes, whole.lists[k].votes) })) };
  contributed.set(r, { whole, result });
  return result;
}

const contributed = new WeakMap<ContestResults, { readonly whole: ContestResults; readonly result: ContestResults }>();

/** The contest as a whole: the root commission's results. */
export function contestResults(view: ResultsView, contestId: string): ContestResults | undefined {
  return commissionResults(view, view.election.root.id, contestId);
}

/** Raw sums a result is built from, whatever the level. */
interface Figures {
  readonly reported: number;
  readonly expected: number;
  readonly registered: number;
  readonly registeredOfReported: number;
  /** The row columns summed (length = contest width). */
  readonly columns: ArrayLike<number>;
  /** times × TURNOUT_WIDTH. */
  readonly turnout: ArrayLike<number>;
}

function territorialFigures(view: ResultsView, contest: ContestLayout, slot: number): Figures {
  const state = view.contests[contest.ordinal];
  const stride = TOTAL_PREFIX + contest.width;
  const base = slot * stride;
  const times = view.layout.turnoutTimes.length;
  return {
    reported: state.totals[base + TOT_REPORTED],
    expected: contest.slotExpected[slot],
    registered: contest.slotRegistered[slot],
    registeredOfReported: state.totals[base + TOT_DEFINITION_REGISTERED],
    columns: state.totals.subarray(base + TOTAL_PREFIX, base + stride),
    turnout: state.turnout.subarray(slot * times * TURNOUT_WIDTH, (slot + 1) * times * TURNOUT_WIDTH),
  };
}

function precinctFigures(view: ResultsView, contest: ContestLayout, d: number, row: number): Figures {
  const state = view.contests[contest.ordinal];
  const reported = state.versions[row] > 0 ? 1 : 0;
  const registered = view.layout.precinctRegistered[d];
  const times = view.layout.turnoutTimes.length;
  const turnout = new Float64Array(times * TURNOUT_WIDTH);
  for (let i = 0; i < times; i++) {
    const issued = view.precinctTurnout[d * times + i];
    if (issued < 0) continue;
    turnout[i * TURNOUT_WIDTH + TURNOUT_ISSUED] = issued;
    turnout[i * TURNOUT_WIDTH + TURNOUT_REGISTERED] = registered;
    turnout[i * TURNOUT_WIDTH + TURNOUT_PRECINCTS] = 1;
  }
  return {
    reported,
    expected: 1,
    registered,
    registeredOfReported: reported * registered,
    columns: state.rows.subarray(row * contest.width, (row + 1) * contest.width),
    turnout,
  };
}

const ratio = (numerator: number, denominator: number): Ratio => ({ numerator, denominator });

function build(view: ResultsView, commissionId: string, layout: ContestLayout, f: Figures): ContestResults {
  const col = f.columns;
  const votes = layout.choiceIds.map((_, k) => col[FIXED_COLUMNS + k]);
  const choiceVotes = votes.reduce((s, v) => s + v, 0);
  const issued: BallotsIssued = {
    atStation: col[COL_ISSUED_AT_STATION],
    early: col[COL_ISSUED_EARLY],
    mobile: col[COL_ISSUED_MOBILE],
    total: col[COL_ISSUED_AT_STATION] + col[COL_ISSUED_EARLY] + col[COL_ISSUED_MOBILE],
  };
  const againstAll = col[COL_AGAINST_ALL];
  const outstanding = f.registered - f.registeredOfReported;
  const times = view.layout.turnoutTimes;
  const turnoutByTime: TurnoutAtTime[] = times.map((time, i) => {
    const ballotsIssued = f.turnout[i * TURNOUT_WIDTH + TURNOUT_ISSUED];
    const registeredVoters = f.turnout[i * TURNOUT_WIDTH + TURNOUT_REGISTERED];
    return {
      time,
      ballotsIssued,
      registeredVoters,
      precinctsReported: f.turnout[i * TURNOUT_WIDTH + TURNOUT_PRECINCTS],
      turnout: ratio(ballotsIssued, registeredVoters),
    };
  });
  const common = {
    commissionId,
    contestId: layout.contest.id,
    precincts: { reported: f.reported, expected: f.expected },
    registeredVoters: f.registered,
    registeredVotersReported: col[COL_REGISTERED],
    outstandingVoters: outstanding,
    ballotsIssued: issued,
    ballotsFound: col[COL_FOUND],
    invalid: col[COL_INVALID],
    againstAll,
    turnout: ratio(issued.total, col[COL_REGISTERED]),
    turnoutByTime,
  };

  const contest = layout.contest;
  // Below the allocating scope: where the contest's seats are decided.
  const allocatingCommissionId = f.expected === contestExpected(view, layout) ? undefined : view.election.root.id;
  switch (contest.kind) {
    case 'list':
      return listResults(common, contest, layout, votes, choiceVotes, outstanding, col[COL_FOUND], lotOf(view, layout), allocatingCommissionId);
    case 'single-member':
      return singleMemberResults(view, common, contest, layout, votes, choiceVotes, lotOf(view, layout), allocatingCommissionId);
    default: {
      const never: never = contest;
      return never;
    }
  }
}

/** Precincts voting in the contest, all of them: the root commission's count. */
function contestExpected(view: ResultsView, layout: ContestLayout): number {
  const t = view.layout.territorialOrdinal.get(view.election.root.id);
  const slot = t === undefined ? -1 : layout.slotOf[t];
  return slot < 0 ? 0 : layout.slotExpected[slot];
}

/** The contest's drawn lot, if one is recorded: an input to the tie-break, never a rule of ours. */
export const lotOf = (view: ResultsView, layout: ContestLayout): readonly string[] | undefined => view.contests[layout.ordinal].lot ?? undefined;

type Common = Omit<ContestResultsBase, 'base' | 'againstAllShare'>;

function listBase(kind: ThresholdBase, listVotes: number, againstAll: number, ballotsFound: number): number {
  switch (kind) {
    case 'list-votes':
      return listVotes;
    case 'list-votes-plus-against-all':
      return listVotes + againstAll;
    case 'ballots-cast':
      return ballotsFound;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/**
 * The allocation input of a list contest from its figures: the one place the contest's settings
 * meet the counts, for the provisional seats and for the seat analysis alike.
 */
export function listAllocationInput(
  contest: ListContest,
  lists: readonly AllocationList[],
  againstAll: number,
  ballotsFound: number,
  lots: readonly string[] | undefined,
): AllocationInput {
  return {
    seats: contest.seats,
    method: contest.method,
    thresholdPercent: contest.thresholdPercent,
    thresholdBase: contest.thresholdBase,
    lists,
    againstAll,
    ballotsCast: ballotsFound,
    minimumAdmittedLists: contest.minimumAdmittedLists,
    tieRule: contest.tieRule,
    lots,
  };
}

function listResults(
  common: Common,
  contest: ListContest,
  layout: ContestLayout,
  votes: readonly number[],
  listVotes: number,
  outstanding: number,
  ballotsFound: number,
  lots: readonly string[] | undefined,
  /** Below the allocating scope: where seats are decided. */
  allocatingCommissionId: string | undefined,
): ListContestResults {
  const base = listBase(contest.thresholdBase, listVotes, common.againstAll, ballotsFound);
  const shared = { kind: 'list' as const, ...common, base, againstAllShare: ratio(common.againstAll, base), baseKind: contest.thresholdBase, thresholdPercent: contest.thresholdPercent, seats: contest.seats };
  if (allocatingCommissionId !== undefined) {
    return {
      ...shared,
      // The contributions are added per query (`withContribution`), not kept with these figures.
      lists: layout.choiceIds.map((id, k) => ({ id, votes: votes[k], share: ratio(votes[k], base), threshold: null, admission: null, seats: null, contribution: null })),
      scope: { kind: 'local', allocatingCommissionId },
      allocation: null,
    };
  }
  const allocation = allocate(
    listAllocationInput(
      contest,
      layout.choiceIds.map((id, k) => ({ id, votes: votes[k] })),
      common.againstAll,
      ballotsFound,
      lots,
    ),
  );
  const bp = toBasisPoints(contest.thresholdPercent);
  const thresholds = votes.map((v) => thresholdCertainty({ votes: v, base, outstandingVoters: outstanding, thresholdBasisPoints: bp }));
  const certainlyIn = thresholds.filter((s, k) => s === 'certainly-in' && votes[k] > 0).length;
  const allocated = allocation.kind === 'allocated' ? new Map(allocation.lists.map((l) => [l.id, l])) : undefined;
  const lists = layout.choiceIds.map((id, k): ListChoiceResults => {
    const final = allocated?.get(id);
    return {
      id,
      votes: votes[k],
      share: ratio(votes[k], base),
      threshold: thresholds[k],
      admission: admissionCertainty({
        votes: votes[k],
        threshold: thresholds[k],
        outstandingVoters: outstanding,
        certainlyInLists: certainlyIn,
        minimumAdmittedLists: contest.minimumAdmittedLists,
        finalAdmitted: final?.admitted,
      }),
      seats: final ? final.seats : null,
      contribution: null,
    };
  });
  return { ...shared, lists, scope: { kind: 'allocating' }, allocation };
}

/**
 * The definition has no tie rule for districts: equal leading votes are reported as a tie (which
 * blocks the seat) until a lot is drawn, rather than settled by a rule the law may not have.
 */
const DISTRICT_TIE_RULE: TieRule = 'lot';

function singleMemberResults(
  view: ResultsView,
  common: Common,
  contest: SingleMemberContest,
  layout: ContestLayout,
  votes: readonly number[],
  candidateVotes: number,
  lots: readonly string[] | undefined,
  allocatingCommissionId: string | undefined,
): SingleMemberContestResults {
  const base = candidateVotes + common.againstAll;
  const outcome =
    allocatingCommissionId === undefined
      ? decideSingleMember({
          candidates: layout.choiceIds.map((id, k) => ({ id, votes: votes[k] })),
          againstAll: common.againstAll,
          rule: contest.rule,
          tieRule: DISTRICT_TIE_RULE,
          lots,
        })
      : null;
  return {
    kind: 'single-member',
    ...common,
    base,
    againstAllShare: ratio(common.againstAll, base),
    baseKind: 'valid-votes',
    district: contest.district,
    candidates: layout.choiceIds.map((id, k) => ({
      id,
      party: view.election.candidate(id)?.party ?? null,
      votes: votes[k],
      share: ratio(votes[k], base),
    })),
    scope: allocatingCommissionId === undefined ? { kind: 'allocating' } : { kind: 'local', allocatingCommissionId },
    outcome,
  };
}

export interface DistrictSeat {
  readonly contestId: string;
  readonly district: string;
  readonly precincts: Progress;
  readonly outcome: SingleMemberResult;
}

export interface BodyComposition {
  readonly bodyId: string;
  /** The body's list contest, contest-wide; null for a body elected in districts only. */
  readonly list: { readonly contestId: string; readonly precincts: Progress; readonly allocation: AllocationResult } | null;
  readonly districts: readonly DistrictSeat[];
  /** List seats + district seats per party + independents; contests without a result are `pending`. */
  readonly composition: Composition;
}

/** The provisional composition of a (mixed) body: each of its contests taken contest-wide. */
export function bodyComposition(view: ResultsView, bodyId: string): BodyComposition | undefined {
  const election = view.election;
  if (election.body(bodyId) === undefined) return undefined;
  const listContest = election.listContestOfBody(bodyId);
  const listResults = listContest ? contestResults(view, listContest.id) : undefined;
  const list =
    listContest && listResults?.kind === 'list' && listResults.allocation
      ? { contestId: listContest.id, precincts: listResults.precincts, allocation: listResults.allocation }
      : null;
  const districts: DistrictSeat[] = [];
  const outcomes: DistrictOutcome[] = [];
  for (const contest of election.districtContestsOfBody(bodyId)) {
    const results = contestResults(view, contest.id);
    // A district contest no precinct votes in has no figures: it has no result yet either.
    const outcome: SingleMemberResult = (results?.kind === 'single-member' ? results.outcome : null) ?? { kind: 'none', reason: 'no-votes' };
    districts.push({ contestId: contest.id, district: contest.district, precincts: results?.precincts ?? { reported: 0, expected: 0 }, outcome });
    outcomes.push({
      contest: contest.id,
      winner: outcome.kind === 'winner' ? { candidate: outcome.winner, party: election.candidate(outcome.winner)?.party ?? null } : null,
    });
  }
  return {
    bodyId,
    list,
    districts,
    composition: composeBody({ lists: list ? [{ contest: list.contestId, result: list.allocation }] : [], districts: outcomes }),
  };
}

export interface CommissionNode {
  readonly id: string;
  readonly level: CommissionLevel;
  readonly name: LocalizedName;
  /** Precincts beneath with every protocol in, of all precincts beneath. */
  readonly precincts: Progress;
  /** (precinct, contest) protocols in, of all expected beneath. */
  readonly protocols: Progress;
  /** Present down to the requested depth. */
  readonly children?: readonly CommissionNode[];
}

export interface CommissionTreeOptions {
  /** The subtree's root; the election's root by default. */
  readonly from?: string;
  /** Levels of children to include; unlimited by default. */
  readonly depth?: number;
  /** Include precinct nodes (a million at national scale); false by default. */
  readonly precincts?: boolean;
}

/** The commission tree with each commission's reporting progress, for drill-down. */
export function commissionTree(view: ResultsView, options: CommissionTreeOptions = {}): CommissionNode | undefined {
  const from = options.from ?? view.election.root.id;
  if (view.election.commission(from) === undefined) return undefined;
  return node(view, from, options.depth ?? Infinity, options.precincts ?? false);
}

function node(view: ResultsView, id: string, depth: number, withPrecincts: boolean): CommissionNode {
  const { layout, election } = view;
  const commission = election.commission(id);
  if (commission === undefined) throw new Error(`results view: unknown commission ${id}`);
  const base = { id, level: commission.level, name: commission.name };
  const t = layout.territorialOrdinal.get(id);
  if (t === undefined) {
    const d = election.precinctIndex(id) as number;
    const expected = layout.entryStart[d + 1] - layout.entryStart[d];
    const reported = view.precinctContestsReported[d];
    return { ...base, precincts: { reported: reported === expected ? 1 : 0, expected: 1 }, protocols: { reported, expected } };
  }
  const progress = {
    ...base,
    precincts: { reported: view.territorialPrecinctsReported[t], expected: layout.territorialPrecincts[t] },
    protocols: { reported: view.territorialProtocolsReported[t], expected: layout.territorialProtocols[t] },
  };
  if (depth <= 0) return progress;
  const children = election
    .children(id)
    .filter((c) => withPrecincts || layout.territorialOrdinal.has(c))
    .map((c) => node(view, c, depth - 1, withPrecincts));
  return { ...progress, children };
}

export interface ElectionSummary {
  readonly electionId: string;
  /** The store position and record time of the last event folded in: what every figure reflects. */
  readonly position: string | null;
  readonly recordedAt: string | null;
  readonly eventsApplied: number;
  /** Events that did not fit the definition and were skipped. */
  readonly eventsIgnored: number;
  readonly precincts: Progress;
  readonly protocols: Progress;
  /** Refused submissions: they count here and nowhere else. By code, a submission counts once under each of its codes. */
  readonly refusals: {
    readonly total: number;
    readonly byCode: Readonly<Record<string, number>>;
    readonly byKind: Readonly<Record<string, number>>;
  };
}

export function electionSummary(view: ResultsView): ElectionSummary {
  const root = view.layout.territorialOrdinal.get(view.election.root.id) as number;
  const { cursor, layout, refusals } = view;
  return {
    electionId: view.election.definition.id,
    position: cursor.position,
    recordedAt: cursor.recordedAt,
    eventsApplied: cursor.eventsApplied,
    eventsIgnored: cursor.eventsIgnored,
    precincts: { reported: view.territorialPrecinctsReported[root], expected: layout.territorialPrecincts[root] },
    protocols: { reported: view.territorialProtocolsReported[root], expected: layout.territorialProtocols[root] },
    refusals: { total: refusals.total, byCode: sortedRecord(refusals.byCode), byKind: sortedRecord(refusals.byKind) },
  };
}

/** Keys sorted, so equal tallies serialise identically whatever order the events came in. */
export function sortedRecord(map: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
