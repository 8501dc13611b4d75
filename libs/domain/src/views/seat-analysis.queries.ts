// Seat analysis over the live figures: how far each list is from a seat more or less, and the
// same votes under another method or threshold. Seats are decided for a contest as a whole, so
// both answer only where a commission's figures are the whole contest (its allocating scope);
// a commission below holds part of the votes, and seats computed on a part would mislead
// (the view's `ContestScope` says which a commission is).
import { allocate } from '../allocation/allocate';
import type { AllocationResult } from '../allocation/allocation.types';
import { seatSensitivity, type SeatSensitivity } from '../allocation/seat-sensitivity';
import type { AllocationMethod, ListContest } from '../election/election-definition';
import { commissionResults, listAllocationInput, lotOf, type ListContestResults } from './results.queries';
import type { ResultsView } from './results.view';

/** Why a seat analysis has no answer at a commission for a contest. */
export type SeatAnalysisRefusal =
  | { readonly kind: 'unknown' }
  /** A single-member contest: no list seats to analyse. */
  | { readonly kind: 'not-a-list-contest' }
  /** The commission holds only part of the contest's precincts; seats are decided at `allocatingCommissionId`. */
  | { readonly kind: 'not-allocating-scope'; readonly allocatingCommissionId: string };

export type Scoped =
  | {
      readonly kind: 'scoped';
      readonly contest: ListContest;
      readonly results: ListContestResults;
      readonly allocation: AllocationResult;
      readonly lots: readonly string[] | undefined;
    }
  | SeatAnalysisRefusal;

/**
 * The contest's results at the commission, if the commission is its allocating scope (`ContestScope`,
 * decided by the view). The seat explanation asks the same question (seat-explanation.queries.ts).
 */
export function scoped(view: ResultsView, commissionId: string, contestId: string): Scoped {
  const contest = view.election.contest(contestId);
  const results = commissionResults(view, commissionId, contestId);
  if (!contest || !results) return { kind: 'unknown' };
  if (contest.kind !== 'list' || results.kind !== 'list') return { kind: 'not-a-list-contest' };
  if (results.scope.kind === 'local') return { kind: 'not-allocating-scope', allocatingCommissionId: results.scope.allocatingCommissionId };
  if (results.allocation === null) throw new Error(`no allocation at the allocating scope of ${contestId}`);
  const k = view.layout.contestOrdinal.get(contestId);
  const lots = k === undefined ? undefined : lotOf(view, view.layout.contests[k]);
  return { kind: 'scoped', contest, results, allocation: results.allocation, lots };
}

/** The allocation input behind the contest's provisional seats at its allocating scope. */
export const inputOf = (s: Extract<Scoped, { kind: 'scoped' }>) =>
  listAllocationInput(
    s.contest,
    s.results.lists.map((l) => ({ id: l.id, votes: l.votes })),
    s.results.againstAll,
    s.results.ballotsFound,
    s.lots,
  );

export type ContestSensitivity = { readonly kind: 'analysis'; readonly results: ListContestResults; readonly sensitivity: SeatSensitivity } | SeatAnalysisRefusal;

/** Per list: votes for a seat more or less, and the threshold margin, on the live figures. */
export function contestSensitivity(view: ResultsView, commissionId: string, contestId: string): ContestSensitivity {
  const s = scoped(view, commissionId, contestId);
  if (s.kind !== 'scoped') return s;
  return { kind: 'analysis', results: s.results, sensitivity: seatSensitivity(inputOf(s)) };
}

export interface WhatIfSettings {
  readonly method: AllocationMethod;
  /** 0 to 10, at most two decimals (the caller parses). */
  readonly thresholdPercent: number;
}

export type WhatIf =
  | {
      readonly kind: 'what-if';
      readonly results: ListContestResults;
      /** The contest's own settings, beside the hypothetical ones. */
      readonly official: { readonly method: AllocationMethod; readonly thresholdPercent: number; readonly allocation: AllocationResult };
      readonly allocation: AllocationResult;
    }
  | SeatAnalysisRefusal;

/** The same live votes allocated under another method and threshold; every other rule the contest's own. */
export function whatIfAllocation(view: ResultsView, commissionId: string, contestId: string, settings: WhatIfSettings): WhatIf {
  const s = scoped(view, commissionId, contestId);
  if (s.kind !== 'scoped') return s;
  return {
    kind: 'what-if',
    results: s.results,
    official: { method: s.contest.method, thresholdPercent: s.contest.thresholdPercent, allocation: s.allocation },
    allocation: allocate({ ...inputOf(s), method: settings.method, thresholdPercent: settings.thresholdPercent }),
  };
}
