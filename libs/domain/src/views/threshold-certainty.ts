// Threshold status with certainty: can the precincts that have not reported yet still change
// whether a list passes? Pure; integers compared by cross-multiplication (BigInt when a product
// could pass 2^53), so the verdict never depends on floating-point rounding.

/** `certainly-in` / `certainly-out` hold whatever the outstanding precincts report. */
export type ThresholdCertainty = 'certainly-in' | 'certainly-out' | 'undecided';

export interface ThresholdCertaintyInput {
  /** The list's votes so far. */
  readonly votes: number;
  /** The threshold base so far (list votes, + against all, or all ballots found: the contest's setting). */
  readonly base: number;
  /**
   * Voters on the definition's lists at the precincts not yet reported. Each of them can add at
   * most one ballot to the base and one vote to a list (found ≤ issued ≤ registered).
   */
  readonly outstandingVoters: number;
  /** Inclusive threshold in basis points (5% → 500). */
  readonly thresholdBasisPoints: number;
}

/**
 * With `R` outstanding voters, the list's share ends between two extremes:
 * - worst case, every outstanding ballot goes elsewhere and enters the base: `v / (b + R)`
 *   (ballots that stay home or spoil leave it at `v / b` or above, never lower);
 * - best case, every outstanding ballot goes to the list: `(v + R) / (b + R)`, the largest
 *   share reachable because `v ≤ b`.
 * Certainly in when even the worst case reaches the threshold; certainly out when even the
 * best case stays below it; undecided otherwise.
 *
 * What this does not cover, by design: a correction of an already-reported protocol can move
 * any number (the verdict speaks of outstanding precincts only), and same-day additions to an
 * outstanding precinct's list raise its voters above the definition's count that `R` uses.
 * Runner-up admission is not a threshold matter; see `admissionCertainty`.
 */
export function thresholdCertainty(input: ThresholdCertaintyInput): ThresholdCertainty {
  const { votes: v, base: b, outstandingVoters: r, thresholdBasisPoints: bp } = input;
  // Nothing counted and nothing to come: no list can be said to pass a threshold of nothing.
  if (b + r === 0) return 'certainly-out';
  if (atLeast(v, 10000, b + r, bp)) return 'certainly-in';
  if (!atLeast(v + r, 10000, b + r, bp)) return 'certainly-out';
  return 'undecided';
}

/** Admission to the seat allocation: passing the threshold, or a runner-up place. */
export type AdmissionCertainty = 'certainly-admitted' | 'certainly-not-admitted' | 'undecided';

export interface AdmissionCertaintyInput {
  readonly votes: number;
  readonly threshold: ThresholdCertainty;
  readonly outstandingVoters: number;
  /** How many lists of the contest are certainly in with at least one vote. */
  readonly certainlyInLists: number;
  readonly minimumAdmittedLists: number;
  /** Once nothing is outstanding: the allocation's own verdict for this list (undefined while it has none, e.g. a tie). */
  readonly finalAdmitted: boolean | undefined;
}

/**
 * Runner-up admission (fewer than `minimumAdmittedLists` pass → the best-placed below the
 * threshold join) means a list certainly below the threshold may still take part. So:
 * - with nothing outstanding the allocation itself decides;
 * - a list certainly in with a vote is certainly admitted (the calculator never seats a list with no votes);
 * - once enough lists are certainly in, runner-up admission cannot happen, and a list certainly
 *   out is certainly not admitted;
 * - otherwise a list below the threshold might still be admitted as a runner-up: undecided.
 */
export function admissionCertainty(input: AdmissionCertaintyInput): AdmissionCertainty {
  if (input.outstandingVoters === 0 && input.finalAdmitted !== undefined) {
    return input.finalAdmitted ? 'certainly-admitted' : 'certainly-not-admitted';
  }
  if (input.threshold === 'certainly-in' && input.votes > 0) return 'certainly-admitted';
  if (input.threshold === 'certainly-out' && input.certainlyInLists >= input.minimumAdmittedLists) return 'certainly-not-admitted';
  return 'undecided';
}

/** a·b ≥ c·d for non-negative integers, exactly. */
export function atLeast(a: number, b: number, c: number, d: number): boolean {
  const left = a * b;
  const right = c * d;
  if (Number.isSafeInteger(left) && Number.isSafeInteger(right)) return left >= right;
  return BigInt(a) * BigInt(b) >= BigInt(c) * BigInt(d);
}
