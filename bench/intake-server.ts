// The server side of the intake bench, in its own process (forked by intake.bench.ts) so the load
// generator never shares an event loop with it. Two kinds:
//   baseline — a bare node:http server that reads a body, JSON.parses it, verifies its Ed25519
//              signature (raw keys by key id; the signed bytes are the canonical encoding, without
//              which nothing can be verified) and answers 202: the floor of the box itself. Its
//              check is Tally's own (verifyBytes: libsodium, the fastest this box has), so the
//              ratio compares everything but the check.
//   tally    — the service (createApp), with the roles, queue, log level and store from the
//              environment; without EVENT_STORE, the embedded store as `npm start` runs it (PGlite
//              on disk, the log's and the snapshots' files beside it) in a directory of its own,
//              removed at the end. The SSE bench runs it too.
// It reports over IPC: { port, signatureThreads } once listening; on { type: 'outcomes', ids }
// (embedded runs) the 202 → recorded latencies and the recorded rate; on { type: 'positions',
// ids } each submission's recorded store position; on { type: 'memory' } its memory after a GC
// and the live streams' counts; on { type: 'stop' } it closes and exits.
// { type: 'profile', dir } starts V8's CPU profiler (what `node --cpu-prof` runs, but only over
// the measured requests, not start-up and warm-up); 'stop' writes it to dir as a .cpuprofile.
import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { generateSyntheticElection, type ElectionDefinition, type Protocol } from '@tally/domain';
import { encodeSignedSubject, normalizeProtocol, verifyBytes, withDemoKeys } from '@tally/signatures';
import { createApp } from '../apps/tally-server/src/bootstrap';
import { loadAppConfig } from '../apps/tally-server/src/config/app.config';
import { ElectionRegistry } from '../apps/tally-server/src/elections/election-registry.service';
import { LiveResultsService } from '../apps/tally-server/src/live/live-results.service';
import { SubmissionStatusService } from '../apps/tally-server/src/submissions/submission-status.service';

export const INTAKE_BENCH_SEED = 55;
export const intakeBenchElection = (precincts: number): ElectionDefinition => withDemoKeys(generateSyntheticElection({ seed: INTAKE_BENCH_SEED, precincts }));

export type ServerMessage =
  | { readonly type: 'listening'; readonly port: number; /** Signature threads the service started with (0: inline); undefined for the baseline. */ readonly signatureThreads?: number }
  | { readonly type: 'profiling' }
  /** CPU time this process used so far, µs (user + system): immune to the machine's other load, unlike wall time. */
  | { readonly type: 'cpu'; readonly micros: number }
  | { readonly type: 'outcomes'; readonly latencies: readonly number[]; readonly recordedPerSecond: number }
  /** The store position of each submission's outcome (null: none within the wait), in the order asked. */
  | {
      readonly type: 'positions';
      readonly positions: readonly (string | null)[];
      /** When each was recorded, ms since the epoch (the store's clock; NaN when not recorded), in the order asked. */
      readonly recordedAtMs: readonly number[];
      readonly receivedToRecordedMs: readonly number[];
    }
  /** process.memoryUsage() after a full GC (when --expose-gc), and the live service's counts. */
  | { readonly type: 'memory'; readonly rss: number; readonly heapUsed: number; readonly external: number; readonly live: { readonly channels: number; readonly subscribers: number; readonly framesSent: number; readonly windowMs: number } | null };
export type ParentMessage =
  | { readonly type: 'profile'; readonly dir: string }
  | { readonly type: 'outcomes'; readonly ids: readonly string[] }
  | { readonly type: 'positions'; readonly ids: readonly string[] }
  | { readonly type: 'memory' }
  | { readonly type: 'cpu' }
  | { readonly type: 'stop' };


const PROTOCOL_PATH = /^\/v1\/elections\/([^/]+)\/precincts\/([^/]+)\/protocols$/;

function baseline(definition: ElectionDefinition): Server {
  const keys = new Map<string, string>();
  for (const c of definition.commissions) for (const k of c.keys) keys.set(k.keyId, k.publicKey);
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = PROTOCOL_PATH.exec(req.url ?? '');
      let ok = false;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { protocol: Protocol; version: number; signature: { keyId: string; value: string } };
        const key = keys.get(body.signature.keyId);
        const protocol = normalizeProtocol(body.protocol);
        if (match && key && protocol) {
          const message = encodeSignedSubject({ kind: 'protocol', electionId: match[1], precinctId: match[2], contestId: protocol.contestId, protocol, version: body.version });
          ok = verifyBytes(key, message, body.signature.value);
        }
      } catch {
        ok = false;
      }
      res.writeHead(ok ? 202 : 400, { 'content-type': 'application/json' });
      res.end(ok ? '{"state":"queued"}' : '{"code":"BAD_SIGNATURE"}');
    });
  });
}

async function waitUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1200 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!done()) throw new Error('intake-server: the election did not reach this process within a minute');
}

async function main(): Promise<void> {
  const kind = process.argv[2];
  const precincts = Number(process.env.INTAKE_BENCH_PRECINCTS ?? 4000);
  const definition = intakeBenchElection(precincts);
  const send = (m: ServerMessage): void => {
    process.send?.(m);
  };
  let close: () => Promise<void>;
  let onOutcomes: (ids: readonly string[]) => Promise<void> = async () => send({ type: 'outcomes', latencies: [], recordedPerSecond: NaN });
  let onPositions: (ids: readonly string[]) => Promise<void> = async (ids) => send({ type: 'positions', positions: ids.map(() => null), recordedAtMs: ids.map(() => NaN), receivedToRecordedMs: [] });
  let liveStats: () => Extract<ServerMessage, { type: 'memory' }>['live'] = () => null;
  if (kind === 'baseline') {
    const server = baseline(definition);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    send({ type: 'listening', port: (server.address() as AddressInfo).port });
  } else {
    // The service refuses intake without a recorder on the in-process queue (nobody would read
    // it); the bench wants exactly that without KAFKA_BROKERS. Every default the roles decide
    // (signature threads, the log) is the service's own.
    const env = process.env;
    // No store named: `npm start`'s (the embedded engine on disk, in a directory of this run's).
    const dataDir = env.EVENT_STORE ? undefined : mkdtempSync(join(tmpdir(), 'tally-bench-'));
    const store = dataDir ? { EVENT_STORE: 'embedded', TALLY_DATA_DIR: dataDir } : {};
    const config = loadAppConfig({ TALLY_ROLES: 'intake,recorder,projector', ...env, ...store, TALLY_DEMO: 'false', PORT: '0' }, { intakeWithoutRecorder: true });
    const app = await createApp(config, { logger: false });
    // The process taking submissions defines the election; a projector alone follows it from the store.
    const registry = app.get(ElectionRegistry);
    if (config.roles.includes('intake')) await registry.define(definition);
    else await waitUntil(() => registry.get(definition.id) !== undefined);
    await app.listen(0, '127.0.0.1');
    close = async () => {
      await app.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    };
    const status = app.get(SubmissionStatusService);
    onOutcomes = async (ids) => {
      // Every accepted submission's outcome; the latency is the status service's own figure.
      const outcomes = await Promise.all(ids.map((id) => status.waitForOutcome(id, 300_000)));
      const recorded = outcomes.filter((s) => s?.state === 'recorded' && s.recordedAt && s.receivedAt);
      const received = recorded.map((s) => Date.parse(s!.receivedAt!));
      const done = recorded.map((s) => Date.parse(s!.recordedAt!));
      const latencies = recorded.map((_, i) => done[i] - received[i]).sort((a, b) => a - b);
      // From the first request received to the last one recorded: what the whole process kept up with.
      const span = recorded.length > 0 ? (Math.max(...done) - Math.min(...received)) / 1000 : NaN;
      send({ type: 'outcomes', latencies, recordedPerSecond: recorded.length / span });
    };
    onPositions = async (ids) => {
      const outcomes = await Promise.all(ids.map((id) => status.waitForOutcome(id, 60_000)));
      const recorded = outcomes.filter((s) => s?.state === 'recorded' && s.recordedAt && s.receivedAt);
      send({
        type: 'positions',
        positions: outcomes.map((s) => (s?.state === 'recorded' ? (s.position ?? null) : null)),
        recordedAtMs: outcomes.map((s) => (s?.state === 'recorded' && s.recordedAt ? Date.parse(s.recordedAt) : NaN)),
        receivedToRecordedMs: recorded.map((s) => Date.parse(s!.recordedAt!) - Date.parse(s!.receivedAt!)).sort((a, b) => a - b),
      });
    };
    if (config.roles.includes('projector')) liveStats = () => app.get(LiveResultsService).stats();
    send({ type: 'listening', port: (app.getHttpServer().address() as AddressInfo).port, signatureThreads: config.signatureThreads });
  }
  let profiling: { session: Session; dir: string } | undefined;
  const post = (session: Session, method: string) =>
    new Promise<unknown>((resolve, reject) => session.post(method, (e, result) => (e ? reject(e) : resolve(result))));
  const stop = async () => {
    if (profiling) {
      const { profile } = (await post(profiling.session, 'Profiler.stop')) as { profile: object };
      writeFileSync(join(profiling.dir, `intake-${kind}-${(process.env.TALLY_ROLES ?? 'all').replace(/,/g, '+')}-${process.pid}.cpuprofile`), JSON.stringify(profile));
    }
    await close();
  };
  process.on('message', (m: ParentMessage) => {
    if (m.type === 'profile') {
      const session = new Session();
      session.connect();
      profiling = { session, dir: m.dir };
      void post(session, 'Profiler.enable')
        .then(() => post(session, 'Profiler.start'))
        .then(() => send({ type: 'profiling' }));
    } else if (m.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ type: 'cpu', micros: user + system });
    } else if (m.type === 'outcomes') void onOutcomes(m.ids);
    else if (m.type === 'positions') void onPositions(m.ids);
    else if (m.type === 'memory') {
      (globalThis as { gc?: () => void }).gc?.();
      const { rss, heapUsed, external } = process.memoryUsage();
      send({ type: 'memory', rss, heapUsed, external, live: liveStats() });
    }
    else void stop().finally(() => process.exit(0));
  });
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`intake-server: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
