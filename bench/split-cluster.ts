// The service split over processes on one machine, for the end-to-end benches (split.bench.ts,
// night.bench.ts): intake, recorder(s) and a projector, each its own `node dist/.../main.js` with
// its TALLY_ROLES, on a real Kafka (KAFKA_BROKERS, else a broker of its own started on KAFKA_PORT
// by tools/kafka/broker.js and stopped after) and the machine's PostgreSQL (DATABASE_URL: a
// database of its own, created and dropped). The load generator (tools/cluster/load.js: signs
// ahead, then drives the intakes at most 64 in flight) runs in its own process too.
//
// What is measured: from the first 202 to the moment the projector has taken in every event of
// the precinct streams — everything acknowledged recorded AND projected. The projector's count of
// applied events is polled (cheap, in memory) until it covers the acknowledged submissions, then
// its position until it reaches the store's last projected event; afterwards the store is asked,
// once, whether every acknowledged submission id is there exactly once. CPU per process
// (/proc/<pid>/stat, user + system) over the same span, PostgreSQL's backends for the run's database
// included (the load generator's from its own count), says what bounds the rate. SPLIT_BENCH_PROFILE=<dir> runs the roles under `node --cpu-prof`.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { comparePositions, formatPosition } from '@tally/event-store';
import { createTestDatabase, type TestDatabase } from '../test/support/postgres';
import { processCpuMicros } from './process-cpu';
import { recorderBatchesFrom, type RecorderBatches } from './recorder-batches';

const ROOT = join(__dirname, '..', '..');
const SERVER = join(ROOT, 'dist', 'apps', 'tally-server', 'src', 'main.js');
const LOAD = join(ROOT, 'tools', 'cluster', 'load.js');
// A service process as tools/cluster runs one: its environment and readiness (plain CommonJS, typed by its .d.ts).
const service: typeof import('../tools/cluster/service') = require(join(ROOT, 'tools', 'cluster', 'service.js'));

interface BrokerTool {
  defaultPort(): number;
  startBroker(options: { port: number; fresh: boolean; log: (line: string) => void }): Promise<{ brokers: string; port: number; pid: number; alreadyRunning: boolean }>;
  stopBroker(options: { port: number; log: (line: string) => void }): Promise<unknown>;
  brokerStatus(options: { port: number }): { running: boolean; pid?: number };
}
// Plain CommonJS beside the TypeScript (tools/ has no build step).
const broker = require(join(ROOT, 'tools', 'kafka', 'broker.js')) as BrokerTool;

export interface SplitRunOptions {
  readonly name: string;
  readonly precincts: number;
  /** Precincts of another election sent, recorded and projected before the measured run (0: none). */
  readonly warmupPrecincts?: number;
  /** Chance a precinct reports turnout at each of the election's 6 times (1: every time). */
  readonly turnoutShare: number;
  readonly intakes: number;
  readonly recorders: number;
  /** Base of the HTTP ports: intake i at base + i, recorder i at base + 20 + i, the projector at base + 10. */
  readonly httpPort: number;
  readonly partitions: number;
  readonly concurrency: number;
  readonly log: (line: string) => void;
}

/** CPU seconds (user + system) one process spent over the measured span. */
export interface ProcessCpu {
  readonly name: string;
  readonly seconds: number;
}

export interface SplitRunResult {
  readonly acknowledged: number;
  readonly refusedByIntake: number;
  readonly retries: number;
  /** From the first 202 to the projector caught up with every acknowledged submission. */
  readonly seconds: number;
  /** From the first 202 to the last event recorded (the store's clock). */
  readonly recordedSeconds: number;
  /** From the first 202 to the last 202. */
  readonly acceptSeconds: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Acknowledged submission ids found in the precinct streams (each once). */
  readonly recordedOnce: number;
  readonly cpu: readonly ProcessCpu[];
  readonly kafka: string;
  /** Submissions of the warm-up (another election), recorded and projected before the clock. */
  readonly warmupAcknowledged: number;
  /** The recorders' batches over the measured span, from their /metrics (summed over the recorders). */
  readonly recorderBatches: RecorderBatches;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The warm-up's election (the load generator's seed): not the measured one's (seed 1). */
const WARMUP_SEED = 2;

/** The load generator's last line. */
interface LoadSummary {
  readonly electionId: string;
  readonly acknowledged: number;
  readonly refused: number;
  readonly retries: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly firstAckAt: number | null;
  readonly lastAckAt: number | null;
  readonly cpuSeconds: number;
}

interface Role {
  readonly name: string;
  readonly roles: string;
  readonly port: number;
  readonly child: ChildProcess;
}

export async function runSplit(options: SplitRunOptions): Promise<SplitRunResult> {
  const { log } = options;
  const tag = randomBytes(4).toString('hex');
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    // Kafka: the one given, or a broker of our own on KAFKA_PORT.
    let kafka = process.env.KAFKA_BROKERS;
    let brokerPid: number | undefined;
    let ownBroker = false;
    if (kafka) {
      // A broker of tools/kafka on KAFKA_PORT (with-broker.js): its pid, for its CPU.
      brokerPid = broker.brokerStatus({ port: broker.defaultPort() }).pid;
    } else {
      const port = broker.defaultPort();
      const started = await broker.startBroker({ port, fresh: true, log });
      kafka = started.brokers;
      brokerPid = started.pid;
      ownBroker = true;
      if (!started.alreadyRunning) cleanups.push(() => broker.stopBroker({ port, log }));
    }
    const db: TestDatabase = await createTestDatabase(process.env.SPLIT_BENCH_DB_PREFIX ?? 'tally_bench_split');
    cleanups.push(() => db.drop());
    log(`Kafka ${kafka}, database ${db.name}`);

    const adminToken = randomBytes(24).toString('base64url');
    const logDir = join(ROOT, '.tools', 'bench-split', options.name);
    mkdirSync(logDir, { recursive: true });
    const profile = process.env.SPLIT_BENCH_PROFILE;
    const spawnRole = (name: string, roles: string, port: number): Role => {
      const out = openSync(join(logDir, `${name}.log`), 'w');
      const args = profile ? [`--cpu-prof`, `--cpu-prof-dir=${profile}`, `--cpu-prof-name=${name}-${tag}.cpuprofile`, SERVER] : [SERVER];
      const child = spawn(process.execPath, args, {
        cwd: ROOT,
        env: service.serviceEnv({
          port,
          roles,
          databaseUrl: db.url,
          kafkaBrokers: kafka,
          topic: `tally.bench-split.${tag}`,
          partitions: options.partitions,
          clientId: `tally-bench-${name}`,
          dataDir: join(logDir, `${name}-data`),
          adminToken,
          instanceId: `bench-split-${tag}-${name}`,
        }),
        stdio: ['ignore', out, out],
      });
      closeSync(out);
      return { name, roles, port, child };
    };
    const processes: Role[] = [];
    cleanups.push(async () => {
      // SIGTERM: the service closes (and --cpu-prof writes its profile); SIGKILL if it hangs.
      await Promise.all(
        processes.map(async (p) => {
          if (p.child.exitCode !== null || p.child.signalCode !== null) return;
          const exited = new Promise((resolve) => p.child.once('exit', resolve));
          p.child.kill('SIGTERM');
          const timer = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
          await exited;
          clearTimeout(timer);
        }),
      );
    });
    // The projector first: it migrates the schema, and takes in everything from position zero.
    processes.push(spawnRole('projector', 'projector', options.httpPort + 10));
    await waitReady(processes, 120_000);
    for (let i = 1; i <= options.recorders; i++) processes.push(spawnRole(`recorder-${i}`, 'recorder', options.httpPort + 20 + i));
    for (let i = 1; i <= options.intakes; i++) processes.push(spawnRole(`intake-${i}`, 'intake', options.httpPort + i));
    await waitReady(processes, 120_000);
    log(`ready: ${processes.map((p) => `${p.name} :${p.port}`).join(', ')}`);
    const projector = processes[0];

    const intakes = processes.filter((p) => p.roles === 'intake');
    const pids = (load: ChildProcess): Array<{ name: string; pid: number }> => [
      ...processes.map((p) => ({ name: p.name, pid: p.child.pid! })),
      { name: 'load generator', pid: load.pid! },
      ...(brokerPid ? [{ name: 'kafka', pid: brokerPid }] : []),
    ];
    // The load generator in its own process; its clock starts once everything is signed.
    const startLoad = (precincts: number, seed: number) => {
      const load = spawn(
        process.execPath,
        [
          LOAD,
          ...intakes.flatMap((p) => ['--url', `http://127.0.0.1:${p.port}`]),
          ...['--precincts', String(precincts), '--rate', '1000000', '--concurrency', String(options.concurrency), '--token', adminToken],
          ...['--seed', String(seed), '--turnout-share', String(options.turnoutShare)],
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      cleanups.push(async () => {
        if (load.exitCode === null && load.signalCode === null) load.kill('SIGKILL');
      });
      let stdout = '';
      load.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const sending = new Promise<void>((resolve) => {
        let buffered = '';
        load.stderr.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            log(line);
            if (/signed protocols ready/.test(line)) resolve();
          }
        });
      });
      const exit = new Promise<number | null>((resolve) => load.once('exit', (code) => resolve(code)));
      const done = async (): Promise<LoadSummary & { readonly firstAckAt: number }> => {
        const code = await exit;
        const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as LoadSummary;
        if (code !== 0 || !summary.firstAckAt) throw new Error(`the load generator failed (exit ${code}): ${stdout.slice(-500)}`);
        log(`load: ${summary.acknowledged} acknowledged, ${summary.refused} refused, ${summary.retries} retries`);
        return { ...summary, firstAckAt: summary.firstAckAt };
      };
      return { load, ready: Promise.race([sending, exit]), done };
    };
    // PostgreSQL's backends of this database: its pool connections are open once the roles are ready.
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    pg.on('error', () => undefined); // the drop at the end ends it
    cleanups.push(() => pg.end());
    const backends = async () =>
      (await pg.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()', [])).rows.map((r) => ({ name: 'postgres', pid: r.pid }));

    // Recorded and projected: the projector's count of events applied (cheap, in memory) until it
    // covers one per acknowledged submission; then its position until it reaches the store's last
    // event of the projected categories (one indexed query a poll, only in the last moments).
    const projectorStatus = async () =>
      (await (await fetch(`http://127.0.0.1:${projector.port}/v1/admin/projections`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as {
        eventsSinceStart: number;
        position: string;
      };
    const storeHead = async () => {
      const row = (
        await pg.query<{ tx: string; gp: string }>(
          `SELECT transaction_id::text AS tx, global_position::text AS gp FROM tally_events
            WHERE stream_name LIKE 'precinct-%' OR stream_name LIKE 'election-%'
            ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
          [],
        )
      ).rows[0];
      return formatPosition(row.tx, row.gp);
    };
    /** Waits until the projector has applied `events` since it started and reached the store's head; when it did. */
    const projected = async (events: number, acknowledged: number): Promise<number> => {
      for (let last = '', stalledSince = Date.now(); ; ) {
        const status = await projectorStatus();
        if (status.eventsSinceStart >= events && comparePositions(status.position, await storeHead()) >= 0) return Date.now();
        const progress = `${status.eventsSinceStart} ${status.position}`;
        if (progress !== last) [last, stalledSince] = [progress, Date.now()];
        else if (Date.now() - stalledSince > 60_000) throw new Error(`the projector stalled at ${status.eventsSinceStart} events (position ${status.position}) of ${acknowledged} acknowledged`);
        await sleep(100);
      }
    };

    // Warm-up: another election's protocols through every process and the broker (their JIT,
    // pools and caches), recorded and projected before the clock starts; none of it is measured.
    let warmEvents = 0;
    let warmupAcknowledged = 0;
    const warmup = options.warmupPrecincts ?? 0;
    if (warmup > 0) {
      const summary = await startLoad(warmup, WARMUP_SEED).done();
      await projected(summary.acknowledged, summary.acknowledged);
      warmEvents = (await projectorStatus()).eventsSinceStart;
      warmupAcknowledged = summary.acknowledged;
      log(`warm-up: ${summary.acknowledged} protocols of ${summary.electionId} recorded and projected`);
    }

    const measured = startLoad(options.precincts, 1);
    const load = measured.load;
    await measured.ready;
    const snapshot = async () => {
      const all = [...pids(load), ...(await backends())];
      // A process gone by now counts as none.
      return new Map(all.map(({ name, pid }) => [`${name}\u0000${pid}`, (processCpuMicros(pid) || 0) / 1e6]));
    };
    const recorderUrls = processes.filter((p) => p.roles === 'recorder').map((p) => `http://127.0.0.1:${p.port}`);
    const cpuBefore = await snapshot();
    const batchesOver = await recorderBatchesFrom(recorderUrls);
    const summary = await measured.done();
    const projectedAt = await projected(warmEvents + summary.acknowledged, summary.acknowledged);
    const cpuAfter = await snapshot();
    const recorderBatches = await batchesOver();
    // The load generator has exited (its /proc entry with it): its own count, taken as it ended.
    for (const key of cpuBefore.keys()) if (key.startsWith('load generator\u0000')) cpuAfter.set(key, summary.cpuSeconds);
    const cpu = new Map<string, number>();
    for (const [key, after] of cpuAfter) {
      const name = key.slice(0, key.indexOf('\u0000'));
      cpu.set(name, (cpu.get(name) ?? 0) + after - (cpuBefore.get(key) ?? 0));
    }

    // Checked once, after the clock: every acknowledged submission recorded, once.
    const counts = (
      await pg.query<{ events: string; submissions: string; last: Date }>(
        `SELECT count(*)::text AS events, count(DISTINCT metadata->>'submissionId')::text AS submissions, max(recorded_at) AS last
           FROM tally_events WHERE stream_name ^@ $1`,
        [`precinct-${summary.electionId}.`],
      )
    ).rows[0];
    if (Number(counts.events) !== Number(counts.submissions)) log(`note: ${counts.events} precinct events for ${counts.submissions} submissions`);
    if (Number(counts.submissions) !== summary.acknowledged) throw new Error(`${summary.acknowledged} acknowledged, ${counts.submissions} recorded`);
    const first = summary.firstAckAt;
    return {
      acknowledged: summary.acknowledged,
      refusedByIntake: summary.refused,
      retries: summary.retries,
      seconds: (projectedAt - first) / 1000,
      recordedSeconds: (new Date(counts.last).getTime() - first) / 1000,
      acceptSeconds: ((summary.lastAckAt ?? first) - first) / 1000,
      p50Ms: summary.p50Ms,
      p99Ms: summary.p99Ms,
      recordedOnce: Number(counts.submissions),
      cpu: [...cpu].map(([name, seconds]) => ({ name, seconds })).sort((a, b) => b.seconds - a.seconds),
      kafka: ownBroker ? `a broker of its own (${kafka})` : `KAFKA_BROKERS ${kafka}`,
      warmupAcknowledged,
      recorderBatches,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e: unknown) => log(`cleanup: ${e instanceof Error ? e.message : String(e)}`));
  }
}

/** Resolves once every process answers /health/ready with 200; throws naming those that never did or exited. */
async function waitReady(processes: readonly Role[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = processes.filter((p) => p.child.exitCode !== null);
    if (dead.length > 0) throw new Error(`exited before ready: ${dead.map((p) => `${p.name} (${p.child.exitCode})`).join(', ')} (logs under .tools/bench-split/)`);
    const ready = await Promise.all(processes.map((p) => service.isReady(`http://127.0.0.1:${p.port}`)));
    if (ready.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms: ${processes.filter((_, i) => !ready[i]).map((p) => p.name).join(', ')}`);
    await sleep(250);
  }
}

/** `name 12.3 s (45%)` for each process, busiest first: what the span's CPU went to. */
export function cpuNote(result: SplitRunResult): string {
  const total = result.cpu.reduce((n, c) => n + c.seconds, 0);
  const parts = result.cpu.filter((c) => c.seconds >= 0.05).map((c) => `${c.name} ${c.seconds.toFixed(1)} s (${((100 * c.seconds) / result.seconds).toFixed(0)}% of a core)`);
  const cores = cpus().length;
  const perSubmission = (1e6 * total) / result.acknowledged;
  return (
    `CPU over the ${result.seconds.toFixed(1)} s: ${parts.join(', ')}; ${total.toFixed(1)} s in all of the ${(cores * result.seconds).toFixed(1)} s ${cores} cores had ` +
    `(the rest went to the machine's other work), ${perSubmission.toFixed(0)} µs per submission over every process: ${cores} cores' ceiling ≈ ${((cores * 1e6) / perSubmission).toFixed(0)}/s`
  );
}

/**
 * A run with the knobs both benches share (SPLIT_BENCH_INTAKES, _RECORDERS, _PARTITIONS; the HTTP
 * port base from `portVariable`), and the sentence that says how it was set up.
 */
export async function runSplitFromEnv(params: {
  readonly name: string;
  readonly precincts: number;
  readonly turnoutShare: number;
  readonly portVariable: string;
  readonly defaultPort: number;
  readonly log: (line: string) => void;
  /** Precincts of another election run through before the clock (SplitRunOptions.warmupPrecincts). */
  readonly warmupPrecincts?: number;
}): Promise<{ readonly result: SplitRunResult; readonly setup: string }> {
  const intakes = positiveEnv('SPLIT_BENCH_INTAKES', 1);
  const recorders = positiveEnv('SPLIT_BENCH_RECORDERS', 1);
  const partitions = positiveEnv('SPLIT_BENCH_PARTITIONS', 6);
  const concurrency = 64;
  const result = await runSplit({ ...params, intakes, recorders, partitions, concurrency, httpPort: positiveEnv(params.portVariable, params.defaultPort) });
  const setup =
    `intake ×${intakes}, recorder ×${recorders}, projector ×1, ${result.kafka} (${partitions} partitions), PostgreSQL (DATABASE_URL); ` +
    `load generator in its own process, ${concurrency} in flight; ${result.acknowledged} submissions acknowledged, ${result.recordedOnce} recorded once each` +
    (params.warmupPrecincts ? `; after a warm-up, not measured: ${result.warmupAcknowledged} protocols of another election recorded and projected first` : '');
  return { result, setup };
}

export const positiveEnv = (name: string, fallback: number): number => {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return n;
};
