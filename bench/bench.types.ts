/** One measured figure. Benchmarks report; they never assert. */
export interface BenchResult {
  /** The stable id an issue's goal table names (e.g. `intake.http.alone.rps`), where there is one. */
  readonly id?: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

export type Bench = () => Promise<BenchResult[]>;
