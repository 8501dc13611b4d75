// Read-model → JSON for the query API and the live frames. Every figure comes from the domain's
// view queries; this file only picks, names and adds the rounded percentages (the domain's
// percentOf, the one rounding rule) beside the exact ratios. The live frames use
// `commissionPayload` too, so a frame and a GET agree to the byte.
import {
  bodyComposition,
  bodySeats,
  commissionResults,
  commissionTree,
  electionSummary,
  percentOf,
  type BodyComposition,
  type CommissionLevel,
  type CommissionNode,
  type ContestResults,
  type ElectionIndex,
  type ElectionSummary,
  type ListChoiceResults,
  type LocalizedName,
  type Progress,
  type ResultsView,
  type CandidateResults,
  type TurnoutAtTime,
  type Ratio,
} from '@tally/domain';

/** Where a figure stands: the store position and record time of the last event the view took in. */
export interface Reflects {
  readonly position: string | null;
  readonly recordedAt: string | null;
}

/** A superset of the intake's election list item (id, name, date, timeZone, contests, precincts, commissions). */
export interface ElectionListItem extends Reflects, EmbargoFields {
  readonly id: string;
  readonly name: LocalizedName;
  readonly date: string;
  readonly timeZone: string;
  readonly contests: number;
  readonly precincts: number;
  readonly commissions: number;
  readonly rootCommissionId: string;
  /** A commission holds a demo key (derived from a public seed): anyone can sign for it. */
  readonly demo: boolean;
  /** In test mode (logic and accuracy testing): every figure is a test figure, never part of the live count. */
  readonly test: boolean;
  /** Reporting progress election-wide: precincts with every protocol in, and (precinct, contest) protocols in. */
  readonly progress: { readonly precincts: Progress; readonly protocols: Progress };
}

/** The list item with `contests` as the contests themselves rather than their number. */
export interface ElectionDetail extends Omit<ElectionListItem, 'contests'> {
  readonly turnoutTimes: readonly string[];
  readonly bodies: readonly { readonly id: string; readonly name: LocalizedName; readonly contestIds: readonly string[]; readonly hasBaseline: boolean }[];
  readonly lists: readonly { readonly id: string; readonly name: LocalizedName; readonly shortName: string | null; readonly colour: string; readonly registrationOrder: number }[];
  readonly candidates: readonly { readonly id: string; readonly name: LocalizedName; readonly party: string | null }[];
  readonly contests: readonly ContestInfo[];
  readonly summary: ElectionSummary;
}

export type ContestInfo =
  | {
      readonly kind: 'list';
      readonly id: string;
      readonly name: LocalizedName;
      readonly body: string;
      readonly seats: number;
      readonly thresholdPercent: number;
      readonly thresholdBase: string;
      readonly method: string;
      readonly choices: readonly string[];
    }
  | { readonly kind: 'single-member'; readonly id: string; readonly name: LocalizedName; readonly body: string; readonly district: string; readonly rule: string; readonly choices: readonly string[] };

/** A ratio as the API sends it: the exact numerator and denominator, and beside them the percent the domain's `percentOf` rounds (null without a base). */
export interface RatioWithPercent extends Ratio {
  readonly percent: number | null;
}

export const withPercent = (r: Ratio): RatioWithPercent => ({ numerator: r.numerator, denominator: r.denominator, percent: percentOf(r) });

type WithShare<T extends { readonly share: unknown }> = Omit<T, 'share'> & { readonly share: RatioWithPercent };

/** A list's row: its share and (below the allocating scope) its contribution, each with a `percent`. */
type ListChoiceDto = Omit<WithShare<ListChoiceResults>, 'contribution'> & { readonly contribution: RatioWithPercent | null };

/** How final a figure is (figure-status.ts): provisional, summarized (its commission signed equal sums), certified (the body's seats). */
export type FigureStatus = 'provisional' | 'summarized' | 'certified';

/**
 * The domain's ContestResults with `name`, and every ratio that is a share, a contribution or a
 * turnout given a `percent`. A list contest's `scope` says whether its figures are the whole
 * contest (`allocating`: threshold, admission, seats) or a part (`local`: shares, contribution and
 * progress of this commission only; `threshold`, `admission`, `seats` and `allocation` are null).
 */
export type ContestResultsDto = (
  | (Omit<Extract<ContestResults, { kind: 'list' }>, 'turnout' | 'againstAllShare' | 'turnoutByTime' | 'lists'> & { readonly lists: readonly ListChoiceDto[] })
  | (Omit<Extract<ContestResults, { kind: 'single-member' }>, 'turnout' | 'againstAllShare' | 'turnoutByTime' | 'candidates'> & {
      readonly candidates: readonly WithShare<CandidateResults>[];
    })
) & {
  readonly name: LocalizedName;
  /** Set by the API on every contest it answers (figure-status.ts); the presenter alone cannot know it. */
  readonly status?: FigureStatus;
  readonly turnout: RatioWithPercent;
  readonly againstAllShare: RatioWithPercent;
  readonly turnoutByTime: readonly (Omit<TurnoutAtTime, 'turnout'> & { readonly turnout: RatioWithPercent })[];
};

export type BodyCompositionDto = BodyComposition & {
  readonly name: LocalizedName;
  readonly seatsTotal: number;
  /** Set by the API: `certified` once the seats are certified, else `provisional`. */
  readonly status?: Extract<FigureStatus, 'provisional' | 'certified'>;
};

export interface CommissionRef {
  readonly id: string;
  readonly level: CommissionLevel;
  readonly name: LocalizedName;
}

/**
 * A contest as the public sees it under the results embargo (results/embargo.ts): who votes in it,
 * how many have reported, and turnout; no votes, shares, thresholds, seats or outcome.
 */
export type EmbargoedContestDto = Pick<
  ContestResultsDto,
  'kind' | 'commissionId' | 'contestId' | 'name' | 'precincts' | 'registeredVoters' | 'registeredVotersReported' | 'outstandingVoters' | 'ballotsIssued' | 'turnout' | 'turnoutByTime'
> & { readonly embargoed: true };

/** Whether results are public yet (the definition's `resultsNotBefore`, or the close of polls). */
export interface EmbargoFields {
  /** RFC 3339 with offset: before it the public sees turnout and progress only. */
  readonly resultsNotBefore: string;
  /** Whether the public is still held to turnout and progress. */
  readonly embargoed: boolean;
}

export interface CommissionPayload extends Reflects, Partial<EmbargoFields> {
  readonly electionId: string;
  /** Test figures (the election is in test mode): a live frame says so, so a page open across the switch to live learns it. */
  readonly test: boolean;
  readonly commission: CommissionRef & { readonly parentId: string | null; readonly path: readonly CommissionRef[] };
  readonly progress: { readonly precincts: Progress; readonly protocols: Progress };
  /** Direct children (precincts included) with their progress, for drill-down. */
  readonly children: readonly CommissionNode[];
  /** Every contest voted in under the commission, or (in a `results` frame) those that changed; under the embargo, without results. */
  readonly contests: readonly (ContestResultsDto | EmbargoedContestDto)[];
  /** The provisional composition of the bodies of those contests, body-wide (not per commission); none under the embargo. */
  readonly bodies: readonly BodyCompositionDto[];
}

export function embargoedContest(c: ContestResultsDto): EmbargoedContestDto {
  const { kind, commissionId, contestId, name, precincts, registeredVoters, registeredVotersReported, outstandingVoters, ballotsIssued, turnout, turnoutByTime } = c;
  return { kind, commissionId, contestId, name, precincts, registeredVoters, registeredVotersReported, outstandingVoters, ballotsIssued, turnout, turnoutByTime, embargoed: true };
}

/** The payload with the embargo stated and, when `withheld`, every result taken out. */
export function withEmbargo(payload: CommissionPayload, embargo: EmbargoFields, withheld: boolean): CommissionPayload {
  if (!withheld) return { ...payload, ...embargo };
  return {
    ...payload,
    ...embargo,
    contests: payload.contests.map((c) => ('embargoed' in c ? c : embargoedContest(c))),
    bodies: [],
  };
}

const reflects = (view: ResultsView): Reflects => ({ position: view.cursor.position, recordedAt: view.cursor.recordedAt });

/** `demo`: whether a commission holds a demo key (the caller knows; signatures are not this file's). */
export function electionListItem(view: ResultsView, demo: boolean, embargo: EmbargoFields): ElectionListItem {
  const election = view.election;
  const summary = electionSummary(view);
  return {
    id: election.definition.id,
    name: election.definition.name,
    date: election.definition.date,
    timeZone: election.definition.timeZone,
    contests: election.definition.contests.length,
    precincts: election.precinctCount,
    commissions: election.definition.commissions.length,
    rootCommissionId: election.root.id,
    demo,
    test: view.test,
    progress: { precincts: summary.precincts, protocols: summary.protocols },
    ...embargo,
    ...reflects(view),
  };
}

export function electionDetail(view: ResultsView, demo: boolean, embargo: EmbargoFields): ElectionDetail {
  const d = view.election.definition;
  return {
    ...electionListItem(view, demo, embargo),
    turnoutTimes: d.turnoutTimes,
    bodies: d.bodies.map((b) => ({ id: b.id, name: b.name, contestIds: d.contests.filter((c) => c.body === b.id).map((c) => c.id), hasBaseline: d.baselines?.some((x) => x.body === b.id) ?? false })),
    lists: d.lists.map((l) => ({ id: l.id, name: l.name, shortName: l.shortName ?? null, colour: l.colour, registrationOrder: l.registrationOrder })),
    candidates: d.candidates.map((c) => ({ id: c.id, name: c.name, party: c.party })),
    contests: d.contests.map((c): ContestInfo => {
      switch (c.kind) {
        case 'list':
          return { kind: 'list', id: c.id, name: c.name, body: c.body, seats: c.seats, thresholdPercent: c.thresholdPercent, thresholdBase: c.thresholdBase, method: c.method, choices: c.lists };
        case 'single-member':
          return { kind: 'single-member', id: c.id, name: c.name, body: c.body, district: c.district, rule: c.rule, choices: c.candidates };
        default: {
          const never: never = c;
          return never;
        }
      }
    }),
    summary: electionSummary(view),
  };
}

export function contestResultsDto(election: ElectionIndex, r: ContestResults): ContestResultsDto {
  const name = election.contest(r.contestId)?.name as LocalizedName;
  const common = {
    name,
    turnout: withPercent(r.turnout),
    againstAllShare: withPercent(r.againstAllShare),
    turnoutByTime: r.turnoutByTime.map((t) => ({ ...t, turnout: withPercent(t.turnout) })),
  };
  switch (r.kind) {
    case 'list':
      return { ...r, ...common, lists: r.lists.map((l) => ({ ...l, share: withPercent(l.share), contribution: l.contribution ? withPercent(l.contribution) : null })) };
    case 'single-member':
      return { ...r, ...common, candidates: r.candidates.map((c) => ({ ...c, share: withPercent(c.share) })) };
    default: {
      const never: never = r;
      return never;
    }
  }
}

export function bodyCompositionDto(view: ResultsView, bodyId: string): BodyCompositionDto | undefined {
  const composition = bodyComposition(view, bodyId);
  const body = view.election.body(bodyId);
  if (!composition || !body) return undefined;
  const seatsTotal = bodySeats(view.election.definition, bodyId);
  return { ...composition, name: body.name, seatsTotal };
}

/** The contest's results at the commission, or undefined (unknown contest, or not voted in under it). */
export function commissionContest(view: ResultsView, commissionId: string, contestId: string): ContestResultsDto | undefined {
  const r = commissionResults(view, commissionId, contestId);
  return r ? contestResultsDto(view.election, r) : undefined;
}

const ref = (election: ElectionIndex, id: string): CommissionRef => {
  const c = election.commission(id);
  if (!c) throw new Error(`unknown commission ${id}`);
  return { id: c.id, level: c.level, name: c.name };
};

/**
 * Everything a dashboard shows for one commission. `contestIds` narrows the contests (a live
 * frame carries only those that changed); undefined means all contests under the commission.
 * Undefined if the commission is unknown.
 */
export function commissionPayload(view: ResultsView, commissionId: string, contestIds?: Iterable<string>): CommissionPayload | undefined {
  const election = view.election;
  const commission = election.commission(commissionId);
  if (!commission) return undefined;
  const tree = commissionTree(view, { from: commissionId, depth: 1, precincts: true }) as CommissionNode;
  const wanted = contestIds ? new Set(contestIds) : undefined;
  const contests = election
    .contestsAt(commissionId)
    .filter((c) => !wanted || wanted.has(c.id))
    .map((c) => commissionContest(view, commissionId, c.id))
    .filter((c): c is ContestResultsDto => c !== undefined);
  const bodyIds = [...new Set(contests.map((c) => election.contest(c.contestId)?.body).filter((b): b is string => b !== undefined))];
  return {
    electionId: election.definition.id,
    test: view.test,
    ...reflects(view),
    commission: {
      ...ref(election, commissionId),
      parentId: commission.parent ?? null,
      path: [...election.ancestors(commissionId)].reverse().map((id) => ref(election, id)),
    },
    progress: { precincts: tree.precincts, protocols: tree.protocols },
    children: (tree.children ?? []).map(({ id, level, name, precincts, protocols }) => ({ id, level, name, precincts, protocols })),
    contests,
    bodies: bodyIds.map((b) => bodyCompositionDto(view, b)).filter((b): b is BodyCompositionDto => b !== undefined),
  };
}
