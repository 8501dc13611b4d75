// The seat analysis as the API sends it. Every figure is the domain's (`contestSensitivity`,
// `whatIfAllocation`); this file names them and labels what is official and what is not.
import type { AllocationMethod, AllocationResult, ContestSensitivity, Progress, ResultsView, WhatIf } from '@tally/domain';
import type { Reflects } from './results.presenter';

export interface AnalysisHead extends Reflects {
  readonly electionId: string;
  readonly commissionId: string;
  readonly contestId: string;
  /** Always the contest's allocating scope: the analysis is answered nowhere else. */
  readonly scope: 'allocating';
  /** The figures are the precincts reported so far: provisional until every precinct is in. */
  readonly precincts: Progress;
}

export interface ListSensitivityDto {
  readonly votes: number;
  readonly seats: number;
  readonly gainOne: number | null;
  readonly loseOne: number | null;
  readonly thresholdMargin: number | null;
}

export interface SensitivityDto extends AnalysisHead {
  readonly method: AllocationMethod;
  /** Per list, its own votes moving alone; null when the current result is no allocation to move from. */
  readonly sensitivity: Readonly<Record<string, ListSensitivityDto>> | null;
  /** Why `sensitivity` is null: `tie` (a lot not yet drawn), `no-seats`, `invalid-input`. */
  readonly unavailable?: string;
}

export interface WhatIfDto extends AnalysisHead {
  /** Never the official result: the official one is `officialMethod` at `officialThresholdPercent`. */
  readonly official: false;
  readonly method: AllocationMethod;
  readonly thresholdPercent: number;
  readonly officialMethod: AllocationMethod;
  readonly officialThresholdPercent: number;
  /** Seats per list under the hypothetical settings; null when they give no allocation (see `allocation.kind`). */
  readonly seats: Readonly<Record<string, number>> | null;
  /** The provisional official seats on the same votes, for comparison. */
  readonly officialSeats: Readonly<Record<string, number>> | null;
  readonly allocation: AllocationResult;
}

const seatsOf = (a: AllocationResult): Record<string, number> | null => (a.kind === 'allocated' ? Object.fromEntries(a.lists.map((l) => [l.id, l.seats])) : null);

export const head = (view: ResultsView, commissionId: string, contestId: string, precincts: Progress): AnalysisHead => ({
  electionId: view.election.definition.id,
  commissionId,
  contestId,
  scope: 'allocating',
  precincts,
  position: view.cursor.position,
  recordedAt: view.cursor.recordedAt,
});

export function sensitivityDto(view: ResultsView, commissionId: string, r: Extract<ContestSensitivity, { kind: 'analysis' }>): SensitivityDto {
  const common = { ...head(view, commissionId, r.results.contestId, r.results.precincts), method: methodOf(view, r.results.contestId) };
  const s = r.sensitivity;
  if (s.kind === 'unavailable') return { ...common, sensitivity: null, unavailable: s.reason };
  return {
    ...common,
    sensitivity: Object.fromEntries(
      s.lists.map((l) => [l.id, { votes: l.votes, seats: l.seats, gainOne: l.gainOne, loseOne: l.loseOne, thresholdMargin: l.thresholdMargin }]),
    ),
  };
}

export function methodOf(view: ResultsView, contestId: string): AllocationMethod {
  const c = view.election.contest(contestId);
  if (c?.kind !== 'list') throw new Error(`not a list contest: ${contestId}`);
  return c.method;
}

export function whatIfDto(view: ResultsView, commissionId: string, r: Extract<WhatIf, { kind: 'what-if' }>, settings: { method: AllocationMethod; thresholdPercent: number }): WhatIfDto {
  return {
    ...head(view, commissionId, r.results.contestId, r.results.precincts),
    official: false,
    method: settings.method,
    thresholdPercent: settings.thresholdPercent,
    officialMethod: r.official.method,
    officialThresholdPercent: r.official.thresholdPercent,
    seats: seatsOf(r.allocation),
    officialSeats: seatsOf(r.official.allocation),
    allocation: r.allocation,
  };
}
