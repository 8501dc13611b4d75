/** One measured figure. Benchmarks report; they never assert. */
export interface BenchResult {
  /** A stable id for the figures the README tracks against a goal (bench/goals.json). */
  readonly id?: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

export type Bench = () => Promise<BenchResult[]>;
