// A whole election night through HTTP with the roles split (bench/split-cluster.ts): every
// precinct's 6 running-turnout reports (time by time, as a night reports them), then its 2
// protocols, signed ahead by the load generator in its own process, until everything acknowledged
// is recorded and projected. `night.100k.seconds` is written only for a run of 100,000 precincts
// (the default: 800,000 submissions); NIGHT_BENCH_PRECINCTS=N runs a smaller night, reported under
// its own name. The other knobs are split.bench.ts's (SPLIT_BENCH_*, KAFKA_*, DATABASE_URL);
// NIGHT_BENCH_HTTP_PORT (default 24200).
import type { BenchResult } from './bench.types';
import { recorderBatchesNote } from './recorder-batches';
import { cpuNote, positiveEnv, runSplitFromEnv } from './split-cluster';

const log = (line: string) => process.stderr.write(`night.bench: ${line}\n`);
const FULL = 100_000;

export default async function run(): Promise<BenchResult[]> {
  const precincts = positiveEnv('NIGHT_BENCH_PRECINCTS', FULL);
  const { result: r, setup } = await runSplitFromEnv({ name: 'night', precincts, turnoutShare: 1, portVariable: 'NIGHT_BENCH_HTTP_PORT', defaultPort: 24200, log });
  const night = `${precincts.toLocaleString('en-US')} precincts × (2 contests + 6 turnout reports)`;
  return [
    {
      ...(precincts === FULL ? { id: 'night.100k.seconds' } : {}),
      name: `election night, ${night}, roles split`,
      value: r.seconds,
      unit: 's',
      note: `first 202 to the projector caught up (${(r.acknowledged / r.seconds).toFixed(0)} submissions/s); ${cpuNote(r)}; ${recorderBatchesNote(r.recorderBatches, r.seconds)}; ${setup}`,
    },
    { name: `election night, ${night}: recorded and projected submissions/s`, value: r.acknowledged / r.seconds, unit: 'submissions/s', note: setup },
    { name: `election night, ${night}: HTTP 202 latency p99`, value: r.p99Ms ?? NaN, unit: 'ms', note: `p50 ${r.p50Ms} ms; ${setup}` },
  ];
}
