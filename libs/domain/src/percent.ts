// The one rounding rule for shown percentages: 100 × numerator / denominator, half-up to two
// decimals, in integer arithmetic (no float division). Used only at the edges (API, CLI, page);
// every decision compares the exact ratios instead.
import type { Ratio } from './allocation/allocation.types';

/** null when there is no base yet (denominator 0). */
export function percentOf(r: Ratio): number | null {
  if (r.denominator === 0) return null;
  const n = BigInt(r.numerator) * 10000n;
  const d = BigInt(r.denominator);
  const hundredths = (2n * n + d) / (2n * d);
  return Number(hundredths) / 100;
}
