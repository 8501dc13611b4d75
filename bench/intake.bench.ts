// Intake over HTTP on loopback. The servers run in their own processes (bench/intake-server.ts)
// and autocannon in this one, so the load generator never shares an event loop with what it
// measures (on 2 cores: one for each). Each request is a different signed protocol (schema,
// signature, scope and control relations are all checked). Three servers, one after another, in
// the same run and on the same bodies:
//   1. baseline: bare node:http + JSON.parse + Ed25519 verify, the box's own floor;
//   2. intake role alone, at LOG_LEVEL=info (its log to /dev/null), a 202 only once the queue
//      acknowledged: the real Kafka broker when KAFKA_BROKERS is set, else the in-process queue;
//   3. embedded, every role (in-process queue, PGlite in memory, recorder and projector in the
//      same process): accepted/s, and recorded/s from the first receipt to the last record.
// INTAKE_BENCH_PROFILE=<dir> profiles the intake-alone and the embedded servers over their measured
// requests (V8's CPU profiler, as `node --cpu-prof`; the embedded one until its last record) into
// <dir>/*.cpuprofile. INTAKE_BENCH_SKIP_EMBEDDED=1 skips run 3, INTAKE_BENCH_SKIP_ALONE=1 runs 1 and 2.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { generateProtocols } from '@tally/domain';
import { signedProtocolBody } from '../test/e2e/support/signing';
import type { BenchResult } from './bench.types';
import { mainThreadCpuMicros } from './process-cpu';
import { intakeBenchElection, type ParentMessage, type ServerMessage } from './intake-server';

const PRECINCTS = Number(process.env.INTAKE_BENCH_PRECINCTS ?? 10000); // × 2 contests = 20,000 distinct protocols
/** Requests before each measured run (their own bodies): JIT, pools and the producer warmed. */
const WARMUP = 2000;
/** The embedded run records everything through PGlite: fewer requests keep it within a minute. */
const EMBEDDED = Number(process.env.INTAKE_BENCH_EMBEDDED ?? 6000);
/**
 * Concurrent clients. Each waits for its 202, which waits for the broker's ack: with 16, intake
 * alone sat idle a third of the time (profiled) waiting on Kafka round trips, measuring latency
 * rather than what the process can take. Election night has thousands of precincts posting at once.
 */
const CONNECTIONS = 64;
/** Turns the baseline and the intake take, each on its share of the measured bodies. */
const ROUNDS = 4;

export interface AutocannonResult {
  readonly duration: number;
  readonly requests: { readonly average: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly non2xx: number;
  readonly '2xx': number;
  readonly errors: number;
}
export type AutocannonRequest = {
  readonly method: string;
  readonly setupRequest: (req: Record<string, unknown>) => Record<string, unknown>;
  readonly onResponse: (status: number, body: string) => void;
};
export type Autocannon = (options: {
  url: string;
  connections: number;
  amount: number;
  headers: Record<string, string>;
  requests: AutocannonRequest[];
}) => Promise<AutocannonResult>;

export const autocannon = require('autocannon') as Autocannon;
const log = (line: string) => process.stderr.write(`intake.bench: ${line}\n`);

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

type Body = { readonly path: string; readonly body: string };

export default async function run(): Promise<BenchResult[]> {
  const definition = intakeBenchElection(PRECINCTS);
  const bodies: Body[] = [];
  for (const s of generateProtocols(definition, 55)) {
    if (s.kind !== 'protocol') continue;
    bodies.push({
      path: `/v1/elections/${definition.id}/precincts/${s.precinctId}/protocols`,
      body: JSON.stringify(signedProtocolBody(definition.id, s.precinctId, s.protocol)),
    });
  }
  log(`${bodies.length} signed protocols prepared`);
  const warmup = bodies.slice(0, WARMUP);
  const measured = bodies.slice(WARMUP);

  if (process.env.INTAKE_BENCH_SKIP_ALONE) return embeddedResults(await embedded(warmup, measured.slice(0, EMBEDDED)));
  const kafka = process.env.KAFKA_BROKERS;
  const queueEnv: Record<string, string> = kafka ? { KAFKA_BROKERS: kafka, KAFKA_TOPIC: `tally.bench-intake.${randomBytes(4).toString('hex')}`, KAFKA_PARTITIONS: '6' } : { KAFKA_BROKERS: '' };
  // Both servers stay up and take turns, round after round, on the same bodies: the machine is
  // shared, so its load drifts, and a ratio of two runs minutes apart would measure the drift.
  const base = await startServer('baseline', {});
  const alone = await startServer('tally', { TALLY_ROLES: 'intake', LOG_LEVEL: 'info', ...queueEnv });
  let aloneLoad: Load;
  let baseLoad: Load;
  try {
    await fire(base.url, warmup);
    await fire(alone.url, warmup);
    const profile = process.env.INTAKE_BENCH_PROFILE;
    if (profile) await alone.request({ type: 'profile', dir: profile }, 'profiling');
    const cpu = cpuOf;
    const cpuBefore = { base: await cpu(base), alone: await cpu(alone) };
    const rounds: Array<{ base: AutocannonResult; alone: AutocannonResult }> = [];
    for (let r = 0; r < ROUNDS; r++) {
      const chunk = measured.slice(Math.floor((r * measured.length) / ROUNDS), Math.floor(((r + 1) * measured.length) / ROUNDS));
      const b = await fire(base.url, chunk);
      const t = await fire(alone.url, chunk);
      for (const [kind, x] of [['baseline', b], ['intake', t]] as const) if (x.non2xx > 0 || x.errors > 0) log(`${kind}: ${x.non2xx} non-2xx, ${x.errors} errors`);
      log(`round ${r + 1}: baseline ${(b['2xx'] / b.duration).toFixed(0)}/s, intake alone ${(t['2xx'] / t.duration).toFixed(0)}/s`);
      rounds.push({ base: b, alone: t });
    }
    baseLoad = { ...summed(rounds.map((x) => x.base)), cpuMicros: (await cpu(base)) - cpuBefore.base };
    aloneLoad = { ...summed(rounds.map((x) => x.alone)), cpuMicros: (await cpu(alone)) - cpuBefore.alone, signatureThreads: alone.signatureThreads };
  } finally {
    await base.stop();
    await alone.stop();
  }
  const aloneRows = aloneResults(aloneLoad, baseLoad, kafka, measured.length);
  if (process.env.INTAKE_BENCH_SKIP_EMBEDDED) return aloneRows;

  return [...aloneRows, ...embeddedResults(await embedded(warmup, measured.slice(0, EMBEDDED)))];
}

function embeddedResults(full: Load): BenchResult[] {
  log(`embedded, all roles: ${full.accepted} accepted in ${full.seconds.toFixed(1)} s`);
  const latencies = full.latencies;
  const recorded = latencies.length;
  // The server's store (intake-server.ts): `npm start`'s unless the environment names another.
  const store = process.env.EVENT_STORE ? `EVENT_STORE=${process.env.EVENT_STORE}` : "PGlite on disk in a directory of the run's, as npm start keeps it";
  const note = `${CONNECTIONS} connections, ${EMBEDDED} protocols after ${WARMUP} warm-up requests, LOG_LEVEL=info, ${store}`;
  return [
    { name: 'accepted submissions/s, embedded (all roles)', value: full.accepted / full.seconds, unit: 'req/s', note: `recorder, projector and PGlite in the same event loop; ${note}` },
    {
      id: 'e2e.embedded.rps',
      name: 'recorded submissions/s, embedded (all roles)',
      value: full.recordedPerSecond,
      unit: 'protocols/s',
      // One event loop does everything: its CPU per protocol is what bounds the rate; where it goes, the profile (INTAKE_BENCH_PROFILE).
      note: `first receipt to last record, ${recorded} of ${full.accepted} recorded; bounded by the one process's CPU, ${((full.cpuMicros ?? NaN) / recorded).toFixed(0)} µs per protocol, ${((full.loopMicros ?? NaN) / recorded).toFixed(0)} of them on its event loop (that one core's ceiling ≈ ${(1e6 / ((full.loopMicros ?? NaN) / recorded)).toFixed(0)}/s), the rest on its other threads (signature checks, GC, compiler); where it goes: INTAKE_BENCH_PROFILE); ${note}`,
    },
    {
      name: 'server CPU per recorded protocol, embedded (all roles)',
      value: (full.cpuMicros ?? NaN) / recorded,
      unit: 'µs',
      note: `user + system of the one process from the first request to the last record: its ceiling is the inverse (on a shared machine steadier than the wall-clock rate); ${note}`,
    },
    { name: 'HTTP 202 latency p99, embedded (all roles)', value: full.p99, unit: 'ms', note },
    { name: '202 → recorded p50, embedded', value: recorded ? percentile(latencies, 50) : NaN, unit: 'ms', note: `${recorded} of ${full.accepted} recorded, under the full load` },
    { name: '202 → recorded p99, embedded', value: recorded ? percentile(latencies, 99) : NaN, unit: 'ms', note: `${recorded} of ${full.accepted} recorded, under the full load` },
  ];
}

function aloneResults(alone: Load, base: Load, kafka: string | undefined, requests: number): BenchResult[] {
  // As the intake-alone server reported it started (apps/tally-server/src/config/app.config.ts decides).
  const signatureThreads = alone.signatureThreads;
  const queue = kafka ? `Kafka at ${kafka} (acks -1, 6 partitions)` : 'in-process queue (KAFKA_BROKERS unset)';
  const note = `${CONNECTIONS} connections, ${requests} distinct signed protocols in ${ROUNDS} rounds taken in turn with the baseline, after ${WARMUP} warm-up requests; server and autocannon in separate processes`;
  const aloneRps = alone.accepted / alone.seconds;
  const baseRps = base.accepted / base.seconds;
  return [
    {
      id: 'intake.http.alone.rps',
      name: 'accepted submissions/s, intake role alone',
      value: aloneRps,
      unit: 'req/s',
      // What bounds it is the server's CPU per request against the baseline's (measured here); where it goes, the profile (INTAKE_BENCH_PROFILE; apps/tally-server/README.md).
      note: `server CPU ${cpuPer(alone).toFixed(0)} µs per request against the baseline's ${cpuPer(base).toFixed(0)} µs (Ed25519 verify included in both, intake's ${signatureThreads === 0 ? 'on its event loop' : `on ${signatureThreads ?? '?'} signature thread(s)`} (TALLY_SIGNATURE_THREADS); the rest is Fastify/Nest, the queue, the checks: profile with INTAKE_BENCH_PROFILE); LOG_LEVEL=info, ${queue}, 202 after the queue's ack, no recorder; ${note}`,
    },
    { name: 'bare node:http + JSON.parse + Ed25519 verify, same bodies', value: baseRps, unit: 'req/s', note: `the box's floor (one server process, raw keys, libsodium's check as Tally's); ${note}` },
    {
      id: 'intake.http.baseline.ratio',
      name: 'intake role alone / bare node:http baseline',
      value: aloneRps / baseRps,
      unit: 'ratio',
      note: `same run, same bodies, rounds interleaved; by CPU per request ${(cpuPer(base) / cpuPer(alone)).toFixed(2)} (the wall-clock ratio also counts the load generator's share of the cores)`,
    },
    // CPU per request counts only the time the process ran: on a shared machine it says what the
    // wall-clock rates cannot, what each request costs (a CPU-bound server's ceiling is its inverse).
    { name: 'server CPU per accepted request, intake role alone', value: cpuPer(alone), unit: 'µs', note: `user + system of the server process over the measured rounds; ${queue}` },
    { name: 'server CPU per accepted request, bare node:http baseline', value: cpuPer(base), unit: 'µs', note: 'user + system of the baseline process over the same rounds' },
    { name: 'baseline CPU / intake CPU per request', value: cpuPer(base) / cpuPer(alone), unit: 'ratio', note: 'the baseline ratio by CPU cost: what it tends to on a machine with a core to spare for each' },
    { name: 'HTTP 202 latency p50, intake role alone', value: alone.p50, unit: 'ms', note: `median of the rounds' p50; ${note}` },
    { name: 'HTTP 202 latency p99, intake role alone', value: alone.p99, unit: 'ms', note: `highest of the rounds' p99; ${note}` },
  ];
}

interface Load {
  readonly accepted: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  /** 202 → recorded per recorded submission, ms, sorted (empty without a recorder). */
  readonly latencies: readonly number[];
  readonly recordedPerSecond: number;
  /** CPU time the server process spent over the measured requests, µs (user + system). */
  readonly cpuMicros?: number;
  /** Of it, the main thread's: the event loop (the rest: signature checks, GC, compiler threads). */
  readonly loopMicros?: number;
  /** Signature threads the server started with (0: checks on its event loop). */
  readonly signatureThreads?: number;
}

function summed(results: readonly AutocannonResult[]): Load {
  const p50s = results.map((r) => r.latency.p50).sort((a, b) => a - b);
  return {
    accepted: results.reduce((n, r) => n + r['2xx'], 0),
    seconds: results.reduce((n, r) => n + r.duration, 0),
    p50: p50s[Math.floor(p50s.length / 2)],
    p99: Math.max(...results.map((r) => r.latency.p99)),
    latencies: [],
    recordedPerSecond: NaN,
  };
}

const cpuPer = (load: Load): number => (load.cpuMicros ?? NaN) / load.accepted;

/** CPU time the server process used so far, µs (user + system). */
const cpuOf = async (server: RunningServer): Promise<number> => ((await server.request({ type: 'cpu' }, 'cpu')) as Extract<ServerMessage, { type: 'cpu' }>).micros;

interface RunningServer {
  readonly url: string;
  readonly signatureThreads: number | undefined;
  readonly pid: number | undefined;
  request(message: ParentMessage, answer: ServerMessage['type']): Promise<ServerMessage>;
  stop(): Promise<void>;
}

async function startServer(kind: 'baseline' | 'tally', env: Record<string, string>): Promise<RunningServer> {
  const server = fork(join(__dirname, 'intake-server.js'), [kind], {
    env: { ...process.env, ...env, INTAKE_BENCH_PRECINCTS: String(PRECINCTS), TALLY_RATE_LIMIT: '100000000' },
    // The service's log goes nowhere, but it is still written: what it costs is measured.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const stop = async () => {
    server.send({ type: 'stop' } satisfies ParentMessage);
    await exited;
  };
  try {
    const { port, signatureThreads } = (await next(server, 'listening')) as Extract<ServerMessage, { type: 'listening' }>;
    return {
      url: `http://127.0.0.1:${port}`,
      signatureThreads,
      pid: server.pid,
      request: (message, answer) => {
        const answered = next(server, answer);
        server.send(message);
        return answered;
      },
      stop,
    };
  } catch (e) {
    server.kill();
    throw e;
  }
}

/** Every role in one process: accepted/s, then each submission's 202 → recorded as its status service reports it. */
async function embedded(warmup: readonly Body[], measured: readonly Body[]): Promise<Load> {
  const server = await startServer('tally', { TALLY_ROLES: 'intake,recorder,projector', LOG_LEVEL: 'info', KAFKA_BROKERS: '' });
  try {
    await fire(server.url, warmup);
    const profile = process.env.INTAKE_BENCH_PROFILE;
    if (profile) await server.request({ type: 'profile', dir: profile }, 'profiling');
    const cpuBefore = await cpuOf(server);
    const loopBefore = mainThreadCpuMicros(server.pid);
    const ids: string[] = [];
    const result = await fire(server.url, measured, ids);
    if (result.non2xx > 0 || result.errors > 0) log(`embedded: ${result.non2xx} non-2xx, ${result.errors} errors`);
    const { latencies, recordedPerSecond } = (await server.request({ type: 'outcomes', ids }, 'outcomes')) as Extract<ServerMessage, { type: 'outcomes' }>;
    const cpuMicros = (await cpuOf(server)) - cpuBefore;
    const loopMicros = mainThreadCpuMicros(server.pid) - loopBefore;
    return { accepted: result['2xx'], seconds: result.duration, p50: result.latency.p50, p99: result.latency.p99, latencies, recordedPerSecond, cpuMicros, loopMicros };
  } finally {
    await server.stop();
  }
}

function next(server: ChildProcess, type: ServerMessage['type']): Promise<ServerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: ServerMessage) => {
      if (m.type !== type) return;
      server.off('exit', onExit);
      server.off('message', onMessage);
      resolve(m);
    };
    const onExit = (code: number | null) => reject(new Error(`intake-server exited (${code}) before '${type}'`));
    server.on('message', onMessage);
    server.once('exit', onExit);
  });
}

/**
 * One autocannon run; `duration` is the seconds from its first request to its last response
 * (autocannon's own, and its promise, move in whole-second ticks: 2,000 requests done in 1.1 s
 * would count as 2 s).
 */
async function fire(url: string, bodies: readonly Body[], ids?: string[]): Promise<AutocannonResult> {
  let i = 0;
  let started = 0;
  let last = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    amount: bodies.length,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          if (i === 0) started = performance.now();
          const b = bodies[i++ % bodies.length];
          return { ...req, path: b.path, body: b.body };
        },
        onResponse: (code, body) => {
          last = performance.now();
          if (ids && code === 202) ids.push((JSON.parse(body) as { submissionId: string }).submissionId);
        },
      },
    ],
  });
  return { ...result, duration: (last - started) / 1000 };
}
