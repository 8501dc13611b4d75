// Percentages at the edge: rounded half-up to 2 decimals from the exact ratio with integer
// arithmetic (no float division), and always sent next to the numerator and denominator they
// come from. The rounding rule is the domain's percentOf.
import { percentOf, type Ratio } from '@tally/domain';

export { percentOf };

export interface RatioWithPercent extends Ratio {
  /** 100 × numerator / denominator rounded half-up to 2 decimals; null when the denominator is 0. */
  readonly percent: number | null;
}

export const withPercent = (r: Ratio): RatioWithPercent => ({ numerator: r.numerator, denominator: r.denominator, percent: percentOf(r) });
