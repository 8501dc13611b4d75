// Percentages at the edge: rounded half-up to 2 decimals from the exact ratio with integer
// arithmetic (no float division), and always sent next to the numerator and denominator they
// come from. Same rule as the CLI's allocate.format.ts.
import type { Ratio } from '@tally/domain';

export interface RatioWithPercent extends Ratio {
  /** 100 × numerator / denominator rounded half-up to 2 decimals; null when the denominator is 0. */
  readonly percent: number | null;
}

export function percentOf(r: Ratio): number | null {
  if (r.denominator === 0) return null;
  const n = BigInt(r.numerator) * 10000n;
  const d = BigInt(r.denominator);
  const hundredths = (2n * n + d) / (2n * d);
  return Number(hundredths) / 100;
}

export const withPercent = (r: Ratio): RatioWithPercent => ({ numerator: r.numerator, denominator: r.denominator, percent: percentOf(r) });
