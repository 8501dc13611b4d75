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

/**
 * a − b in percentage points, exact, rounded to two decimals half away from zero (so a swing and
 * its opposite show the same size). null when either has no base.
 */
export function pointsBetween(a: Ratio, b: Ratio): number | null {
  if (a.denominator === 0 || b.denominator === 0) return null;
  // (a.n/a.d − b.n/b.d) × 10000 hundredths of a point, over one common denominator.
  const n = (BigInt(a.numerator) * BigInt(b.denominator) - BigInt(b.numerator) * BigInt(a.denominator)) * 10000n;
  const d = BigInt(a.denominator) * BigInt(b.denominator);
  const size = n < 0n ? -n : n;
  const hundredths = (2n * size + d) / (2n * d);
  return (n < 0n ? -Number(hundredths) : Number(hundredths)) / 100;
}
