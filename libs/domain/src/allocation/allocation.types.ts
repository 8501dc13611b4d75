// The seat calculator's contract. Counts are integers; percentages are exact rationals
// (numerator/denominator) and formatted only at the edge.
import type { AllocationMethod, ThresholdBase, TieRule } from '../election/election-definition';

export interface AllocationList {
  readonly id: string;
  readonly votes: number;
}

export interface AllocationInput {
  readonly seats: number;
  readonly method: AllocationMethod;
  /** Inclusive; up to two decimals. */
  readonly thresholdPercent: number;
  readonly thresholdBase: ThresholdBase;
  /** In registration order (earlier first): the order the tie rule uses. */
  readonly lists: readonly AllocationList[];
  readonly againstAll: number;
  /** All ballots found in the boxes (valid + invalid); needed only for the `ballots-cast` base. */
  readonly ballotsCast: number;
  /** If fewer lists pass, the best-placed below the threshold are admitted up to this number. */
  readonly minimumAdmittedLists: number;
  readonly tieRule: TieRule;
  /**
   * Drawn lots, as recorded in events: list ids in the order drawn (first drawn wins a tie).
   * Used by the `lot` rule; a tie the lots do not settle yields a `tie` result.
   */
  readonly lots?: readonly string[];
}

/** An exact share: numerator / denominator (denominator 0 means "no base yet"). */
export interface Ratio {
  readonly numerator: number;
  readonly denominator: number;
}

export interface ListAllocation {
  readonly id: string;
  readonly votes: number;
  readonly share: Ratio;
  readonly passedThreshold: boolean;
  /** Passed, or admitted as a runner-up. */
  readonly admitted: boolean;
  readonly admittedAsRunnerUp: boolean;
  readonly seats: number;
  /** Largest-remainder methods: seats from the whole quota, and the remainder as a ratio of the quota. */
  readonly quotaSeats?: number;
  readonly remainder?: Ratio;
}

export type TieStage = 'admission' | 'seats';

/** A tie settled by the written rule, kept for the record. */
export interface TieBroken {
  /** All lists in the tie, in registration order. */
  readonly lists: readonly string[];
  /** Seats (or, at admission, places) the tied lists competed for. */
  readonly seats: number;
  readonly by: TieRule;
  /** The lists that won, in the order the rule ranked them. */
  readonly winners?: readonly string[];
  readonly stage?: TieStage;
}

export type AllocationResult =
  | {
      readonly kind: 'allocated';
      readonly method: AllocationMethod;
      readonly seats: number;
      readonly base: number;
      /** Largest-remainder methods: quota = quotaVotes / seats (Hare) or floor(votes/(seats+1))+1 (Droop). */
      readonly quota?: Ratio;
      /** Divisor methods: the divisors used, in order. */
      readonly divisors?: readonly number[];
      readonly lists: readonly ListAllocation[];
      /** Ties settled by the written rule, for the record. */
      readonly tiesBroken: readonly TieBroken[];
    }
  | {
      /** A tie the rule cannot settle (the `lot` rule without a lot): blocks the result. */
      readonly kind: 'tie';
      readonly method: AllocationMethod;
      readonly tiedLists: readonly string[];
      readonly seatsInDispute: number;
      /** Seats already certain for every list (empty when the tie is over admission: nothing is certain). */
      readonly settled: Readonly<Record<string, number>>;
      /** `admission`: equal votes for the last runner-up place; `seats`: equal remainders/quotients. */
      readonly stage?: TieStage;
    }
  | {
      /** No votes, no admitted list, or no seats: nothing to allocate yet. */
      readonly kind: 'none';
      readonly reason: 'no-votes' | 'no-admitted-list' | 'no-seats' | 'invalid-input';
      /** For `invalid-input`: which field broke which rule (callers should have parsed at the boundary). */
      readonly detail?: string;
    };

export type Allocate = (input: AllocationInput) => AllocationResult;
