// End to end with the roles split over processes (bench/split-cluster.ts): intake, recorder(s) and
// a projector on real Kafka and the machine's PostgreSQL, the load generator in its own process.
// `e2e.split.rps`: signed protocols per second from the first 202 until every acknowledged one is
// recorded and projected. Knobs: SPLIT_BENCH_PRECINCTS (default 30,000: 60,000 protocols, about
// half a minute of load: 20,000 protocols took 12 s, a fifth of it the processes' and the broker's
// JIT warming up — 1,639 against 1,817/s for 60,000 in the same hour, 2026-12-04),
// SPLIT_BENCH_WARMUP_PRECINCTS (3,000: 6,000 protocols of another election recorded and projected
// before the clock; 0 for none), SPLIT_BENCH_INTAKES (1), SPLIT_BENCH_RECORDERS (1), SPLIT_BENCH_HTTP_PORT (24100),
// SPLIT_BENCH_PARTITIONS (6), SPLIT_BENCH_DB_PREFIX, SPLIT_BENCH_PROFILE=<dir>; KAFKA_BROKERS or
// KAFKA_PORT for the broker, DATABASE_URL for PostgreSQL.
import type { BenchResult } from './bench.types';
import { recorderBatchesNote } from './recorder-batches';
import { cpuNote, positiveEnv, runSplitFromEnv } from './split-cluster';

const log = (line: string) => process.stderr.write(`split.bench: ${line}\n`);

export default async function run(): Promise<BenchResult[]> {
  const precincts = positiveEnv('SPLIT_BENCH_PRECINCTS', 30_000);
  // The processes' and the broker's JIT, pools and caches warmed by another election first, as an
  // election night's would be by its first hour; SPLIT_BENCH_WARMUP_PRECINCTS=0 measures them cold.
  const warmupPrecincts = process.env.SPLIT_BENCH_WARMUP_PRECINCTS === '0' ? 0 : positiveEnv('SPLIT_BENCH_WARMUP_PRECINCTS', 3_000);
  const { result: r, setup } = await runSplitFromEnv({ name: 'split', precincts, turnoutShare: 0, portVariable: 'SPLIT_BENCH_HTTP_PORT', defaultPort: 24100, log, warmupPrecincts });
  return [
    { id: 'e2e.split.rps', name: 'recorded and projected protocols/s, roles split', value: r.acknowledged / r.seconds, unit: 'protocols/s', note: `first 202 to the projector caught up; ${cpuNote(r)}; ${recorderBatchesNote(r.recorderBatches, r.seconds)}; ${precincts} precincts; ${setup}` },
    { name: 'accepted protocols/s, roles split', value: r.acknowledged / r.acceptSeconds, unit: 'req/s', note: `first to last 202; ${setup}` },
    { name: 'recorded protocols/s, roles split', value: r.acknowledged / r.recordedSeconds, unit: 'protocols/s', note: `first 202 to the last record (the store's clock); ${setup}` },
    { name: 'HTTP 202 latency p99, roles split', value: r.p99Ms ?? NaN, unit: 'ms', note: `p50 ${r.p50Ms} ms; ${setup}` },
  ];
}
