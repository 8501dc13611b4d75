// For the allocation property specs: a drawn election (plain numbers) as the calculator's input.
import type { TieRule, ThresholdBase } from '../election/election-definition';
import type { AllocationInput } from './allocation.types';

export interface DrawnElection {
  readonly votes: readonly number[];
  readonly seats: number;
  readonly thresholdBp: number;
  readonly thresholdBase: ThresholdBase;
  readonly againstAll: number;
  readonly invalid: number;
  readonly minimumAdmittedLists: number;
  readonly tieRule: TieRule;
  /** For the `lot` rule: list indexes in the order drawn (unknown and repeated ones dropped). */
  readonly lotOrder?: readonly number[];
}

/** Lists L0, L1, … in registration order; ballots cast = list votes + against all + invalid. */
export function drawnInput(r: DrawnElection): Omit<AllocationInput, 'method'> {
  return {
    seats: r.seats,
    thresholdPercent: r.thresholdBp / 100,
    thresholdBase: r.thresholdBase,
    lists: r.votes.map((v, i) => ({ id: `L${i}`, votes: v })),
    againstAll: r.againstAll,
    ballotsCast: r.votes.reduce((s, v) => s + v, 0) + r.againstAll + r.invalid,
    minimumAdmittedLists: r.minimumAdmittedLists,
    tieRule: r.tieRule,
    ...(r.tieRule === 'lot' && r.lotOrder ? { lots: [...new Set(r.lotOrder.filter((i) => i < r.votes.length).map((i) => `L${i}`))] } : {}),
  };
}
