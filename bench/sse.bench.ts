// Live results at scale: 202 → SSE frame latency and how many subscribers one projector holds.
// Three kinds of process, so none shares an event loop with what it measures:
//   - the server (bench/intake-server.ts, kind tally), a synthetic election with the demo keys.
//     SSE_BENCH_MODE=split (the default): intake and recorder in one process (in-process queue)
//     and the projector alone in another, serving the streams, both on a PostgreSQL database of
//     their own (DATABASE_URL's server; NOTIFY wakes the projector); =embedded: every role in one
//     process, PGlite in memory (npm start's mode: it took about 50 protocols/s with 1,000
//     subscribers here, the recorder's PGlite work sharing the loop with the streams);
//   - the subscriber fleet (bench/sse-fleet.ts): node:http EventSource-like connections, all on
//     the central commission (every protocol moves its figures: each frame reaches everyone);
//   - the load generator (bench/sse-load.ts): signed protocols posted at a fixed rate, open loop.
// Latency: from the 202 arriving at the load generator to the arrival, at each subscriber, of the
// first frame whose id (a store position) is at or past the submission's recorded position —
// one sample per (subscriber, submission). Clock: hrtime, CLOCK_MONOTONIC, shared by the processes.
// 1. `sse.p99.ms`: SUBSCRIBERS subscribers, RATE protocols/s for SECONDS s (after a warm-up). When
//    the server did not take the rate asked (< 95% achieved, or not every one recorded), the id
//    still carries the p99 at the rate achieved, its name and note saying so and what bounded it.
// What bounds a figure is measured, not guessed: each process's CPU over the load (from
// /proc/<pid>/stat: the servers, the load generator, the fleet; PostgreSQL's processes, every
// database), the machine's busy share (/proc/stat: the other helpers' work shows there), and each
// stage's share of the latency (received → recorded: intake + recorder; recorded → frame: projector).
// 2. `sse.subscribers.max`: subscribers ramped step by step (RAMP), each step with RAMP_RATE
//    protocols/s for RAMP_SECONDS s; the largest count with frames reaching every subscriber and
//    p99 ≤ 1 s; memory per subscriber = (server RSS after GC with them − before) ÷ subscribers.
// SSE_BENCH_PROFILE=<dir> writes a CPU profile of each server process over step 1 (V8's, as --cpu-prof),
// and stops there.
// Figures are reported, never asserted.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { comparePositions } from '@tally/event-store';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { createTestDatabase, type TestDatabase } from '../test/support/postgres';
import type { BenchResult } from './bench.types';
import type { ParentMessage, ServerMessage } from './intake-server';
import { mainThreadCpuMicros, processCpuMicros, TICK_MICROS } from './process-cpu';
import type { FleetMessage, FleetParent } from './sse-fleet';
import type { LoadMessage, LoadParent } from './sse-load';
import { recorderBatchesFrom, recorderBatchesNote, type RecorderBatches } from './recorder-batches';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const SUBSCRIBERS = env('SSE_BENCH_SUBSCRIBERS', 1000);
const RATE = env('SSE_BENCH_RATE', 1000);
const SECONDS = env('SSE_BENCH_SECONDS', 10);
const WARMUP = env('SSE_BENCH_WARMUP', 2000);
const RAMP = (process.env.SSE_BENCH_RAMP ?? '1000,2000,5000,10000,15000,19000').split(',').filter(Boolean).map(Number);
const RAMP_RATE = env('SSE_BENCH_RAMP_RATE', 200);
const RAMP_SECONDS = env('SSE_BENCH_RAMP_SECONDS', 8);
/** One process holds at most ulimit -n descriptors (20,000 here): a fleet process takes at most this many connections. */
const PER_FLEET = 9500;
const ELECTION_COMMISSION = 'central';
const MODE = process.env.SSE_BENCH_MODE === 'embedded' ? 'embedded' : 'split';
/** Its PostgreSQL database's name prefix (helpers sharing a server keep apart by it). */
const DATABASE_PREFIX = process.env.SSE_BENCH_DATABASE_PREFIX ?? 'tally_sse_scale';

const log = (line: string) => process.stderr.write(`sse.bench: ${line}\n`);

/** Every PostgreSQL process's CPU so far, µs, by pid: the server the recorder and the projector share, whoever else uses it. */
function postgresCpuMicros(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') byPid.set(Number(pid), processCpuMicros(Number(pid)) || 0);
    } catch {
      // Ended meanwhile.
    }
  }
  return byPid;
}

/** CPU used between two samples by the processes alive at both (a backend that ended takes its time with it). */
function postgresDelta(before: Map<number, number>, after: Map<number, number>): number {
  let micros = 0;
  for (const [pid, t] of after) micros += t - (before.get(pid) ?? t);
  return micros;
}

/** The machine's CPU time so far, busy and all, µs over every core. */
function machineCpuMicros(): { busy: number; total: number } {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = ticks[3] + ticks[4];
  return { busy: (total - idle) * TICK_MICROS, total: total * TICK_MICROS };
}

/** Where the CPU went over a step's load, in cores (1 = one core busy for the whole time). */
interface CpuShares {
  /** The process that takes submissions (intake + recorder; every role in embedded mode). */
  readonly writer: number;
  /** The writer's main thread alone: its event loop (the rest: signature checks, GC, compiler threads). */
  readonly writerLoop: number;
  /** The projector serving the streams (split mode; the writer itself in embedded mode). */
  readonly projector: number;
  readonly load: number;
  readonly fleet: number;
  readonly postgres: number;
  /** The machine: every core's busy time ÷ wall time; what is not ours is the other work on the shared machine. */
  readonly machine: number;
  readonly cores: number;
  readonly loadAverage: number;
  readonly wallSeconds: number;
}

function cpuSampler(pids: { writer: number | undefined; projector: number | undefined; load: number | undefined; fleet: readonly (number | undefined)[] }): () => CpuShares {
  const sample = () => ({
    at: performance.now(),
    writer: processCpuMicros(pids.writer),
    writerLoop: mainThreadCpuMicros(pids.writer),
    projector: pids.projector === pids.writer ? 0 : processCpuMicros(pids.projector),
    load: processCpuMicros(pids.load),
    fleet: pids.fleet.reduce<number>((n, pid) => n + processCpuMicros(pid), 0),
    postgres: postgresCpuMicros(),
    machine: machineCpuMicros(),
  });
  const before = sample();
  return () => {
    const after = sample();
    const wallMicros = (after.at - before.at) * 1000;
    const share = (k: 'writer' | 'writerLoop' | 'projector' | 'load' | 'fleet') => (after[k] - before[k]) / wallMicros;
    return {
      writer: share('writer'),
      writerLoop: share('writerLoop'),
      projector: pids.projector === pids.writer ? share('writer') : share('projector'),
      load: share('load'),
      fleet: share('fleet'),
      postgres: postgresDelta(before.postgres, after.postgres) / wallMicros,
      machine: (after.machine.busy - before.machine.busy) / wallMicros,
      cores: cpus().length,
      loadAverage: loadavg()[0],
      wallSeconds: wallMicros / 1e6,
    };
  };
}

const pct = (cores: number): string => `${Math.round(100 * cores)}%`;

interface Child<Out, In> {
  readonly process: ChildProcess;
  ask(message: Out, answer: string): Promise<In>;
  stop(): Promise<void>;
}

function child<Out extends object, In extends { type: string }>(file: string, args: string[], envExtra: Record<string, string>, execArgv: string[] = []): Child<Out, In> {
  const p = fork(join(__dirname, file), args, { env: { ...process.env, ...envExtra }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv });
  const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  return {
    process: p,
    ask: (message, answer) =>
      new Promise<In>((resolve, reject) => {
        const onMessage = (m: In) => {
          if (m.type !== answer) return;
          p.off('message', onMessage);
          p.off('exit', onExit);
          resolve(m);
        };
        const onExit = (code: number | null) => reject(new Error(`${file} exited (${code}) before '${answer}'`));
        p.on('message', onMessage);
        p.once('exit', onExit);
        p.send(message);
      }),
    stop: async () => {
      if (p.exitCode === null && p.connected) p.send({ type: 'stop' });
      await exited;
    },
  };
}

const waitFor = <In extends { type: string }>(c: ChildProcess, type: string): Promise<In> =>
  new Promise((resolve, reject) => {
    const onMessage = (m: In) => m.type === type && (c.off('message', onMessage), resolve(m));
    c.on('message', onMessage);
    c.once('exit', (code) => reject(new Error(`child exited (${code}) before '${type}'`)));
  });

type Server = Child<ParentMessage, ServerMessage>;
type Fleet = Child<FleetParent, FleetMessage>;
type Load = Child<LoadParent, LoadMessage>;

/** Where submissions go and where the streams come from: one process (embedded) or two (split). */
interface Servers {
  readonly intake: Server;
  readonly intakeUrl: string;
  readonly projector: Server;
  readonly projectorUrl: string;
}

function quantileOf(histogram: readonly number[], samples: number, q: number): number {
  const target = Math.ceil(q * samples);
  let seen = 0;
  for (let ms = 0; ms < histogram.length; ms++) {
    seen += histogram[ms];
    if (seen >= target) return ms;
  }
  return NaN;
}

interface Step {
  readonly subscribers: number;
  readonly open: number;
  readonly refused: number;
  readonly statuses: Record<string, number>;
  readonly asked: number;
  readonly achieved: number;
  readonly accepted: number;
  readonly recorded: number;
  readonly p50: number;
  readonly p99: number;
  /** From the store's record time to the frame: the projector's and the streams' share of the latency. */
  readonly recordedP50: number;
  readonly recordedP99: number;
  readonly receivedToRecordedP99: number;
  /** Frames the projector process wrote, and its CPU per frame written (immune to the machine's other load, unlike latencies). */
  readonly framesSent: number;
  readonly cpuPerFrameMicros: number;
  /** The coalescing window the projector kept with these subscribers (TALLY_SSE_WINDOW_MS, stretched by the write budget). */
  readonly windowMs: number | undefined;
  /** Projector CPU over the load ÷ its wall time (1 = one core busy). */
  readonly cpuShare: number;
  readonly max: number;
  readonly samples: number;
  readonly flowing: number;
  readonly closed: number;
  readonly frames: number;
  /** Bytes a frame, as the subscribers received them. */
  readonly frameBytes: number;
  readonly rssPerSubscriber: number;
  readonly heapPerSubscriber: number;
  /** `results` frames (deltas) alone: bytes a frame, as received. */
  readonly resultsFrameBytes: number;
  readonly cpu: CpuShares;
  /** The writer's CPU per protocol accepted, µs (intake + recorder, the in-process queue between them). */
  readonly writerCpuPerProtocolMicros: number;
  /** The writer's recorder over the load: its batches, from its /metrics. */
  readonly recorderBatches: RecorderBatches;
  /** How long the load took, s. */
  readonly loadSeconds: number;
}

/** One run: `subscribers` connect, `count` protocols at `rate`/s, every latency measured. */
async function step(servers: Servers, electionId: string, load: Load, from: number, subscribers: number, rate: number, count: number, stepNo: number): Promise<Step> {
  const server = servers.projector;
  const before = (await server.ask({ type: 'memory' }, 'memory')) as Extract<ServerMessage, { type: 'memory' }>;
  const fleets: Fleet[] = [];
  try {
    const sizes: number[] = [];
    for (let left = subscribers; left > 0; left -= PER_FLEET) sizes.push(Math.min(PER_FLEET, left));
    for (const _ of sizes) fleets.push(child<FleetParent, FleetMessage>('sse-fleet.js', [], {}));
    const eventsUrl = `${servers.projectorUrl}/v1/elections/${electionId}/commissions/${ELECTION_COMMISSION}/events`;
    const connected = (await Promise.all(
      fleets.map((f, i) => f.ask({ type: 'connect', url: eventsUrl, count: sizes[i], localAddress: `127.0.${1 + ((stepNo * 4 + i) % 250)}.1` }, 'connected')),
    )) as Extract<FleetMessage, { type: 'connected' }>[];
    const statuses: Record<string, number> = {};
    for (const c of connected) for (const [s, n] of Object.entries(c.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
    const open = connected.reduce((n, c) => n + c.open, 0);
    const refused = connected.reduce((n, c) => n + c.refused, 0);
    const withThem = (await server.ask({ type: 'memory' }, 'memory')) as Extract<ServerMessage, { type: 'memory' }>;
    log(`${subscribers} subscribers: ${open} open, statuses ${JSON.stringify(statuses)}; server RSS +${((withThem.rss - before.rss) / 2 ** 20).toFixed(1)} MiB, live ${JSON.stringify(withThem.live)}`);

    const cpuBefore = ((await server.ask({ type: 'cpu' }, 'cpu')) as Extract<ServerMessage, { type: 'cpu' }>).micros;
    const framesBefore = withThem.live?.framesSent ?? 0;
    const cpuShares = cpuSampler({ writer: servers.intake.process.pid, projector: servers.projector.process.pid, load: load.process.pid, fleet: fleets.map((f) => f.process.pid) });
    const batchesOver = await recorderBatchesFrom([servers.intakeUrl]);
    const done = (await load.ask({ type: 'go', url: servers.intakeUrl, from, count, rate }, 'done')) as Extract<LoadMessage, { type: 'done' }>;
    const { positions, recordedAtMs, receivedToRecordedMs: recording } = (await servers.intake.ask({ type: 'positions', ids: done.accepted.map(([id]) => id) }, 'positions')) as Extract<ServerMessage, { type: 'positions' }>;
    const recorderBatches = await batchesOver();
    const submissions = done.accepted
      .map(([, ackMs], i) => [positions[i], ackMs, recordedAtMs[i]] as const)
      .filter((s): s is readonly [string, number, number] => s[0] !== null)
      .sort((a, b) => comparePositions(a[0], b[0]));
    // Frames still on their way: a second for the last window to close and reach everyone.
    // CPU up to the last one recorded: the writer's work; the projector's is counted by itself below.
    const cpu = cpuShares();
    await new Promise((r) => setTimeout(r, 1500));
    const cpuMicros = ((await server.ask({ type: 'cpu' }, 'cpu')) as Extract<ServerMessage, { type: 'cpu' }>).micros - cpuBefore;
    const framesSent = (((await server.ask({ type: 'memory' }, 'memory')) as Extract<ServerMessage, { type: 'memory' }>).live?.framesSent ?? 0) - framesBefore;
    const measured = (await Promise.all(fleets.map((f) => f.ask({ type: 'measure', fromMs: done.startedMs, submissions }, 'measured')))) as Extract<FleetMessage, { type: 'measured' }>[];
    const histogram = new Array<number>(measured[0].histogram.length).fill(0);
    for (const m of measured) m.histogram.forEach((n, ms) => (histogram[ms] += n));
    const samples = measured.reduce((n, m) => n + m.samples, 0);
    const fromRecorded = new Array<number>(histogram.length).fill(0);
    for (const m of measured) m.fromRecorded.forEach((n, ms) => (fromRecorded[ms] += n));
    let max = 0;
    histogram.forEach((n, ms) => n > 0 && (max = ms));
    const s: Step = {
      subscribers,
      open,
      refused,
      statuses,
      asked: rate,
      achieved: count / done.seconds,
      accepted: done.accepted.length,
      recorded: submissions.length,
      p50: quantileOf(histogram, samples, 0.5),
      p99: quantileOf(histogram, samples, 0.99),
      recordedP50: quantileOf(fromRecorded, samples, 0.5),
      recordedP99: quantileOf(fromRecorded, samples, 0.99),
      receivedToRecordedP99: recording[Math.floor(recording.length * 0.99)],
      framesSent,
      cpuPerFrameMicros: cpuMicros / Math.max(1, framesSent),
      windowMs: withThem.live?.windowMs,
      cpuShare: cpuMicros / 1e3 / (done.seconds * 1000),
      max,
      samples,
      flowing: measured.reduce((n, m) => n + m.flowing, 0),
      closed: measured.reduce((n, m) => n + m.closed, 0),
      frames: measured.reduce((n, m) => n + m.frames, 0),
      frameBytes: measured.reduce((n, m) => n + m.bytes, 0) / Math.max(1, measured.reduce((n, m) => n + m.frames, 0)),
      rssPerSubscriber: (withThem.rss - before.rss) / Math.max(1, open),
      heapPerSubscriber: (withThem.heapUsed + withThem.external - before.heapUsed - before.external) / Math.max(1, open),
      resultsFrameBytes: measured.reduce((n, m) => n + m.resultsBytes, 0) / Math.max(1, measured.reduce((n, m) => n + m.resultsFrames, 0)),
      cpu,
      writerCpuPerProtocolMicros: (cpu.writer * cpu.wallSeconds * 1e6) / Math.max(1, done.accepted.length),
      recorderBatches,
      loadSeconds: done.seconds,
    };
    log(
      `  ${count} protocols at ${rate}/s (achieved ${s.achieved.toFixed(0)}/s, ${s.accepted} accepted ${JSON.stringify(done.statuses)}, ${s.recorded} recorded): ` +
        `p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms over ${s.samples} samples; ${s.flowing}/${open} subscribers got frames, ${s.closed} closed; ` +
        `${(s.frames / Math.max(1, open)).toFixed(1)} frames each, ${(measured.reduce((n, m) => n + m.bytes, 0) / Math.max(1, s.frames)).toFixed(0)} B a frame; ` +
        `received → recorded p50 ${recording[Math.floor(recording.length / 2)]} ms, p99 ${s.receivedToRecordedP99} ms; recorded → frame p50 ${s.recordedP50} ms, p99 ${s.recordedP99} ms; ` +
        `projector ${s.framesSent} frames written, ${s.cpuPerFrameMicros.toFixed(1)} µs CPU a frame, ${(100 * s.cpuShare).toFixed(0)}% of a core; ${(s.rssPerSubscriber / 1024).toFixed(1)} KiB RSS, ${(s.heapPerSubscriber / 1024).toFixed(1)} KiB heap per subscriber; ` +
        `results frames ${s.resultsFrameBytes.toFixed(0)} B; ${recorderBatchesNote(recorderBatches, done.seconds, 'its recorder')}; ${boundOf(s)}`,
    );
    return s;
  } finally {
    await Promise.all(fleets.map((f) => f.stop()));
  }
}

async function startServer(roles: string, precincts: number, store: Record<string, string>): Promise<{ server: Server; url: string }> {
  const server = child<ParentMessage, ServerMessage>(
    'intake-server.js',
    ['tally'],
    // The subscriber fleet connects from one address: no per-address cap on its streams.
    { TALLY_ROLES: roles, KAFKA_BROKERS: '', LOG_LEVEL: 'warn', INTAKE_BENCH_PRECINCTS: String(precincts), TALLY_RATE_LIMIT: '100000000', TALLY_SSE_MAX_PER_ADDRESS: '1000000', ...store },
    ['--expose-gc', '--max-old-space-size=4096'],
  );
  const { port } = (await waitFor(server.process, 'listening')) as Extract<ServerMessage, { type: 'listening' }>;
  return { server, url: `http://127.0.0.1:${port}` };
}

export default async function run(): Promise<BenchResult[]> {
  const total = WARMUP + RATE * SECONDS + RAMP.length * RAMP_RATE * RAMP_SECONDS;
  const precincts = Math.ceil(total / 2) + 100;
  const cleanups: (() => Promise<void> | void)[] = [];
  const load: Load = child<LoadParent, LoadMessage>('sse-load.js', [], {});
  cleanups.push(() => load.stop());
  try {
    let servers: Servers;
    if (MODE === 'embedded') {
      const one = await startServer('intake,recorder,projector', precincts, {});
      cleanups.push(() => one.server.stop());
      servers = { intake: one.server, intakeUrl: one.url, projector: one.server, projectorUrl: one.url };
    } else {
      const database: TestDatabase = await createTestDatabase(DATABASE_PREFIX);
      cleanups.push(() => database.drop());
      const dataDir = mkdtempSync(join(tmpdir(), 'tally-sse-bench-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const store = { EVENT_STORE: 'postgres', DATABASE_URL: database.url };
      const writer = await startServer('intake,recorder', precincts, { ...store, TALLY_DATA_DIR: join(dataDir, 'intake') });
      cleanups.push(() => writer.server.stop());
      const projector = await startServer('projector', precincts, { ...store, TALLY_DATA_DIR: join(dataDir, 'projector') });
      cleanups.push(() => projector.server.stop());
      servers = { intake: writer.server, intakeUrl: writer.url, projector: projector.server, projectorUrl: projector.url };
    }
    const { bodies, electionId } = (await load.ask({ type: 'prepare', precincts }, 'prepared')) as Extract<LoadMessage, { type: 'prepared' }>;
    log(`${MODE}: ${precincts} precincts, ${bodies} signed protocols ready`);
    let from = 0;
    // Warm-up: JIT, the store, the views; a few subscribers so the live path is warm too.
    await step(servers, electionId, load, from, 100, Math.min(RATE, 500), WARMUP, 0);
    from += WARMUP;

    const profile = process.env.SSE_BENCH_PROFILE;
    if (profile) for (const server of new Set([servers.intake, servers.projector])) await server.ask({ type: 'profile', dir: profile }, 'profiling');
    const main = await step(servers, electionId, load, from, SUBSCRIBERS, RATE, RATE * SECONDS, 1);
    from += RATE * SECONDS;
    if (profile) return [];

    const ramp: Step[] = [];
    for (const [i, n] of RAMP.entries()) {
      const s = await step(servers, electionId, load, from, n, RAMP_RATE, RAMP_RATE * RAMP_SECONDS, 2 + i);
      from += RAMP_RATE * RAMP_SECONDS;
      ramp.push(s);
      // On with the ramp while the projector's own share holds: a writer starved by the machine's other load says nothing of how many streams one projector holds.
      if (!holds(s) && !projectorHolds(s)) break;
    }
    return results(main, ramp);
  } finally {
    // Processes first (they hold the database), then the database and the files.
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

/** What bounded a step, from its measures: the slower stage, each process's CPU, the machine's. */
function boundOf(s: Step): string {
  const stage =
    s.receivedToRecordedP99 >= s.recordedP99
      ? `received → recorded (intake + recorder) p99 ${s.receivedToRecordedP99} ms`
      : `recorded → frame (projector, coalescing window, streams) p99 ${s.recordedP99} ms`;
  const embedded = MODE === 'embedded';
  const processes: [string, number][] = [
    [embedded ? 'the server (every role)' : 'intake + recorder', s.cpu.writer],
    ...(embedded ? [] : ([['projector', s.cpu.projector]] as [string, number][])),
    ['load generator', s.cpu.load],
    ['subscriber fleet', s.cpu.fleet],
    ['PostgreSQL (every process, any database)', s.cpu.postgres],
  ];
  const ours = processes.reduce((n, [, c]) => n + c, 0);
  const [busiest, busiestCores] = processes.reduce((a, b) => (b[1] > a[1] ? b : a));
  const writer = processes[0][0];
  const loopMicros = s.writerCpuPerProtocolMicros * (s.cpu.writer > 0 ? s.cpu.writerLoop / s.cpu.writer : 1);
  return (
    `the slower stage: ${stage} of the ${s.p99} ms; CPU over the load, in cores: ${processes.map(([n, c]) => `${n} ${c.toFixed(2)}`).join(', ')}` +
    ` (${writer} ${Math.round(s.writerCpuPerProtocolMicros)} µs a protocol, ${Math.round(loopMicros)} of them on its event loop: at most ${Math.round(1e6 / loopMicros)}/s on the loop's one core, the rest on its other threads: signature checks, GC, compiler); ` +
    `the machine's ${s.cpu.cores} cores ${pct(s.cpu.machine / s.cpu.cores)} busy, ${Math.max(0, s.cpu.machine - ours).toFixed(2)} cores of it not this bench's (other work on the shared machine; load average ${s.cpu.loadAverage.toFixed(1)})` +
    (s.cpu.writerLoop >= 0.85 ? `; ${writer}'s event loop at ${pct(s.cpu.writerLoop)} of a core: its one core is the ceiling` : '') +
    (busiest !== writer && busiestCores >= 0.85 ? `; ${busiest} at ${pct(busiestCores)} of a core: its one core is the ceiling` : '') +
    (s.cpu.machine >= 0.9 * s.cpu.cores ? '; the machine was saturated' : '')
  );
}

/** Held: every subscriber connected and got frames while the load ran, none dropped, p99 ≤ 1 s. */
const holds = (s: Step): boolean => s.open === s.subscribers && s.flowing === s.subscribers && s.closed === 0 && s.p99 <= 1000;
/** The projector's share alone held: every subscriber connected and got frames, none dropped, recorded → frame p99 ≤ 1 s. */
const projectorHolds = (s: Step): boolean => s.open === s.subscribers && s.flowing === s.subscribers && s.closed === 0 && s.recordedP99 <= 1000;
/** The server took the rate asked: ≥ 95% of it sent and answered, every accepted one recorded. */
const tookRate = (s: Step): boolean => s.achieved >= 0.95 * s.asked && s.recorded === s.accepted;

function results(main: Step, ramp: readonly Step[]): BenchResult[] {
  const server =
    MODE === 'embedded'
      ? 'server: every role in one process (embedded: in-process queue, PGlite in memory)'
      : 'servers: intake + recorder in one process (in-process queue), the projector serving the streams alone in another, PostgreSQL between them';
  const setup = `${server}; subscriber fleet and load generator in processes of their own, all on the 2 shared cores; subscribers all on the central commission (every protocol reaches every one)`;
  const mainNote =
    `${main.subscribers} subscribers, ${main.accepted} protocols asked at ${main.asked}/s, achieved ${main.achieved.toFixed(0)}/s, ${main.recorded} recorded; p50 ${main.p50} ms, max ${main.max} ms, ` +
    `${main.samples} samples (subscriber × submission), ${(main.frames / Math.max(1, main.open)).toFixed(1)} frames per subscriber of ${(main.frameBytes / 1024).toFixed(1)} KiB on average (a snapshot, then deltas of ${(main.resultsFrameBytes / 1024).toFixed(2)} KiB); ` +
    `the share of each stage: received → recorded p99 ${main.receivedToRecordedP99} ms (intake + recorder; ${recorderBatchesNote(main.recorderBatches, main.loadSeconds, 'its recorder')}), recorded → frame p99 ${main.recordedP99} ms (projector, coalescing window, streams); what bounds it: ${boundOf(main)}; ${setup}`;
  const took = tookRate(main);
  const best = [...ramp].filter(holds).pop();
  const bestProjector = [...ramp].filter(projectorHolds).pop();
  // Memory per subscriber is measured best where the most are connected (the noise of a GC spread over more).
  const most = [...ramp].filter((s) => s.open === s.subscribers).pop();
  const last = ramp[ramp.length - 1];
  const rampNote = ramp
    .map(
      (s) =>
        `${s.subscribers}: p99 ${s.p99} ms (received → recorded ${s.receivedToRecordedP99} ms, recorded → frame ${s.recordedP99} ms), window ${s.windowMs ?? '?'} ms, ${(s.frameBytes / 1024).toFixed(1)} KiB frames on average (deltas ${(s.resultsFrameBytes / 1024).toFixed(2)} KiB), ` +
        `projector ${pct(s.cpuShare)} of a core, ${s.flowing}/${s.subscribers} flowing, ${s.closed} closed${s.refused ? `, ${s.refused} refused ${JSON.stringify(s.statuses)}` : ''}`,
    )
    .join('; ');
  const stoppedAt = last && !holds(last) ? `; what bounded the step that did not hold (${last.subscribers}): ${boundOf(last)}` : '';
  return [
    {
      id: 'sse.p99.ms',
      name: took ? 'submission 202 → SSE frame p99' : `submission 202 → SSE frame p99 at ${main.achieved.toFixed(0)} protocols/s, not the ${main.asked}/s asked`,
      value: main.p99,
      unit: 'ms',
      note: took
        ? mainNote
        : `RATE NOT TAKEN: the server took ${main.achieved.toFixed(0)} protocols/s of the ${main.asked}/s asked (${main.accepted} accepted, ${main.recorded} recorded), so this is the p99 at ${main.achieved.toFixed(0)}/s. ${mainNote}`,
    },
    { name: `submission 202 → SSE frame p50 (${main.subscribers} subscribers, ${main.asked}/s asked)`, value: main.p50, unit: 'ms', note: mainNote },
    {
      name: `recorded → SSE frame p99 (${main.subscribers} subscribers, ${main.asked}/s asked)`,
      value: main.recordedP99,
      unit: 'ms',
      note: `from the store's record time (its clock, ms) to the frame at each subscriber: the projector's fold, the coalescing window and the streams, without intake and recorder; p50 ${main.recordedP50} ms`,
    },
    {
      name: 'projector CPU per SSE frame written',
      value: main.cpuPerFrameMicros,
      unit: 'µs',
      note: `user + system CPU of the projector process over the load ÷ frames it wrote (${main.framesSent}), the fold and the query API's share included; ${(100 * main.cpuShare).toFixed(0)}% of a core; not skewed by the machine's other load as latencies are`,
    },
    {
      id: 'sse.subscribers.max',
      name: 'SSE subscribers held with frames flowing and p99 ≤ 1 s',
      value: best?.subscribers ?? 0,
      unit: 'subscribers',
      note: `ramp at ${RAMP_RATE} protocols/s for ${RAMP_SECONDS} s a step: ${rampNote}${last && holds(last) && last.subscribers === RAMP[RAMP.length - 1] ? ' (the last step asked held: the ramp stops there, at one process\'s descriptor limit, ulimit -n 20000)' : ''}${stoppedAt}; ${setup}`,
    },
    {
      name: 'SSE subscribers held with frames flowing and recorded → frame p99 ≤ 1 s (the projector\'s share)',
      value: bestProjector?.subscribers ?? 0,
      unit: 'subscribers',
      note: `the same ramp judged on the projector's share alone (from the store's record time to the frame: fold, coalescing window, streams), without the writer's (intake + recorder), which the machine's other load starves first; steps: ${ramp.map((s) => `${s.subscribers}: ${s.recordedP99} ms`).join(', ')}`,
    },
    ...(most
      ? [
          { name: 'server memory per SSE subscriber (RSS)', value: most.rssPerSubscriber, unit: 'bytes', note: `RSS after GC with ${most.subscribers} subscribers connected (the most the ramp connected) minus before, ÷ subscribers` },
          { name: 'server memory per SSE subscriber (JS heap + external)', value: most.heapPerSubscriber, unit: 'bytes', note: `same, heapUsed + external` },
        ]
      : []),
  ];
}
