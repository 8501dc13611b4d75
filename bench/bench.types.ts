/** One measured figure. Benchmarks report; they never assert. */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

export type Bench = () => Promise<BenchResult[]>;
