// The projector's hot paths:
// 1. submission → SSE frame latency: the whole service in one process (embedded store, in-process
//    queue), 1,000 SSE subscribers on loopback, signed protocols posted at a steady rate; the time
//    from the POST to the first frame at each subscriber that includes it (coalescing included);
// 2. cold rebuild: events/s of ResultsProjector.rebuild() over a 10k-precinct night in the store
//    (embedded PGlite: rebuild.eps; and the same on the PostgreSQL server, when there is one);
// 3. heap bytes per precinct of a results view at 100k precincts, every protocol in.
// Figures are reported, never asserted.
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  almatyCity2023Protocols,
  applyEvent,
  createResultsView,
  generateProtocols,
  generateSyntheticElection,
  indexElection,
  type RecordedPrecinctEvent,
  type ResultsView,
} from '@tally/domain';
import { createPgliteEventStore, createPostgresEventStore, type EventStore } from '@tally/event-store';
import { PROJECTED_CATEGORIES, ResultsProjector } from '@tally/projection';
import { createApp } from '../apps/tally-server/src/bootstrap';
import { loadAppConfig } from '../apps/tally-server/src/config/app.config';
import { CommissionClient } from '../apps/tally-server/src/demo/commission-client';
import { ElectionRegistry } from '../apps/tally-server/src/elections/election-registry.service';
import { connectSse, type SseConnection } from '../apps/tally-server/src/live/testing/sse-client';
import { appendAll, syntheticAppends } from '../apps/tally-server/src/projector/testing/synthetic-history';
import { createTestDatabase } from '../test/support/postgres';
import type { BenchResult } from './bench.types';

const SUBSCRIBERS = 1000;
const SUBMISSIONS = 200;
const RATE_PER_S = 20;

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function sseLatency(): Promise<BenchResult[]> {
  // One address submits for all precincts here; lift the per-address limit for the measurement.
  process.env.TALLY_RATE_LIMIT = '10000000';
  const config = { ...loadAppConfig({ TALLY_DEMO: 'true', LOG_LEVEL: 'silent' }), eventStore: { kind: 'embedded' as const } };
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const election = app.get(ElectionRegistry).get('almaty-city-2023')!;
  const protocols = almatyCity2023Protocols(election.definition).filter((p) => p.contestId === 'almaty-city-list').slice(0, SUBMISSIONS);

  // Every subscriber watches the city-wide commission: every submission reaches all of them.
  const url = `${base}/v1/elections/almaty-city-2023/commissions/cec/events`;
  const connections: SseConnection[] = [];
  for (let i = 0; i < SUBSCRIBERS; i += 50) {
    connections.push(...(await Promise.all(Array.from({ length: Math.min(50, SUBSCRIBERS - i) }, () => connectSse(url)))));
  }
  await Promise.all(connections.map((c) => c.waitFor((f) => f.event === 'snapshot')));

  // A frame's progress.protocols.reported says how many submissions it includes (they are recorded in order).
  const sentAt: bigint[] = [];
  const samples: number[] = [];
  let framesReceived = 0;
  const reportedOf = (data: string): number => Number(/"protocols":\{"reported":(\d+)/.exec(data)?.[1] ?? -1);
  let allSeen: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allSeen = resolve));
  let complete = 0;
  for (const c of connections) {
    let seen = 0;
    c.onFrame((f) => {
      framesReceived++;
      const reported = reportedOf(f.data);
      for (; seen < reported && seen < sentAt.length; seen++) samples.push(Number(f.receivedAt - sentAt[seen]) / 1e6);
      if (seen === SUBMISSIONS && ++complete === SUBSCRIBERS) allSeen();
    });
  }

  const client = new CommissionClient(base, 'almaty-city-2023');
  const started = performance.now();
  for (let i = 0; i < protocols.length; i++) {
    const due = started + (i * 1000) / RATE_PER_S;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sentAt.push(process.hrtime.bigint());
    const r = await client.submitProtocol(protocols[i].precinctId, protocols[i].protocol);
    if (r.kind !== 'accepted') throw new Error(`submission ${i} not accepted: ${JSON.stringify(r)}`);
  }
  const submitSeconds = (performance.now() - started) / 1000;
  await Promise.race([done, new Promise((r) => setTimeout(r, 60_000))]);
  for (const c of connections) c.close();
  await app.close();
  samples.sort((a, b) => a - b);
  const note = `${SUBSCRIBERS} subscribers on the city commission, ${SUBMISSIONS} signed protocols at ${RATE_PER_S}/s (achieved ${(SUBMISSIONS / submitSeconds).toFixed(1)}/s, one POST at a time) through intake → queue → recorder → store → projector; ${config.live.windowMs} ms coalescing window; ${samples.length} samples, ${framesReceived} frames`;
  return [
    { name: 'submission → SSE frame p50', value: quantile(samples, 0.5), unit: 'ms', note },
    { name: 'submission → SSE frame p99', value: quantile(samples, 0.99), unit: 'ms', note },
    { name: 'SSE frames per subscriber per submission', value: framesReceived / SUBSCRIBERS / SUBMISSIONS, unit: 'frames', note: `below 1: coalescing; ${(framesReceived / SUBSCRIBERS / submitSeconds).toFixed(1)} frames/s per subscriber (snapshot included)` },
  ];
}

/** A cold rebuild over a 10k-precinct night in `store`: its report, and the same read alone (what bounds it). */
async function rebuildOn(store: EventStore): Promise<{ events: number; report: Awaited<ReturnType<ResultsProjector['rebuild']>>; readMs: number; read: number }> {
  const definition = generateSyntheticElection({ seed: 11, precincts: 10_000 });
  const election = indexElection(definition);
  const { position, events } = await appendAll(store, syntheticAppends(election, 11, { turnoutReportShare: 0.5, correctionShare: 0.05, refusalShare: 0.01 }), 1000);
  const projector = new ResultsProjector({ store, elections: { get: (id) => (id === definition.id ? election : undefined), list: () => [election] } });
  await projector.start();
  await projector.waitForPosition(position as string);
  const report = await projector.rebuild();
  await projector.stop();
  // What bounds it: the same read as the rebuild's (filter, batches, no metadata), with nothing folded.
  const readStarted = performance.now();
  let read = 0;
  for (let from: string | undefined; ; ) {
    const page = await store.readAllWithoutMetadata({ from, filter: PROJECTED_CATEGORIES, batchSize: 5000 });
    read += page.events.length;
    from = page.checkpoint;
    if (page.isEnd) break;
  }
  const readMs = performance.now() - readStarted;
  if (!report.elections.every((e) => e.identical)) throw new Error('rebuild differs from the live state');
  return { events, report, readMs, read };
}

const rebuildNote = (engine: string, r: Awaited<ReturnType<typeof rebuildOn>>) =>
  `${r.events} events of a 10k-precinct night (turnout, protocols, corrections, refusals) read from ${engine} and folded; ${r.report.durationMs.toFixed(0)} ms. Bound: reading the store — the same read alone, nothing folded, takes ${r.readMs.toFixed(0)} ms (${Math.round(r.read / (r.readMs / 1000)).toLocaleString('en-US')} events/s), ${Math.round((100 * r.readMs) / r.report.durationMs)}% of the rebuild`;

async function coldRebuild(): Promise<BenchResult[]> {
  const store = await createPgliteEventStore({});
  let embedded: Awaited<ReturnType<typeof rebuildOn>>;
  try {
    embedded = await rebuildOn(store);
  } finally {
    await store.close();
  }
  const results: BenchResult[] = [
    { id: 'rebuild.eps', name: 'cold rebuild', value: embedded.report.eventsRead / (embedded.report.durationMs / 1000), unit: 'events/s', note: rebuildNote('embedded PGlite', embedded) },
  ];
  // The same against the machine's PostgreSQL server (DATABASE_URL's), a database of its own.
  const db = await createTestDatabase(process.env.BENCH_DB_PREFIX ?? 'tally_bench').catch((error: unknown) => error as Error);
  if (db instanceof Error) {
    results.push({ name: 'cold rebuild (PostgreSQL server, pg)', value: NaN, unit: 'events/s', note: `skipped: no PostgreSQL server (${db.message})` });
    return results;
  }
  try {
    const pg = await createPostgresEventStore({ connectionString: db.url });
    try {
      const server = await rebuildOn(pg);
      results.push({ name: 'cold rebuild (PostgreSQL server, pg)', value: server.report.eventsRead / (server.report.durationMs / 1000), unit: 'events/s', note: rebuildNote('the PostgreSQL server over loopback (pg)', server) });
    } finally {
      await pg.close();
    }
  } finally {
    await db.drop();
  }
  return results;
}

function heapPerPrecinct(): BenchResult[] {
  const gc = (globalThis as { gc?: () => void }).gc;
  const precincts = 100_000;
  const definition = generateSyntheticElection({ seed: 5, precincts });
  const election = indexElection(definition);
  gc?.();
  const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const view: ResultsView = createResultsView(election);
  let n = 0;
  const started = performance.now();
  for (const s of generateProtocols(definition, 5, { turnoutReportShare: 1 })) {
    n++;
    const meta = { submissionId: `s${n}`, electionId: definition.id, precinctId: s.precinctId, submittedBy: s.precinctId, receivedAt: '2026-03-15T18:00:00.000Z', signature: null };
    const stamp = { position: `1:${n}`, recordedAt: '2026-03-15T18:00:00.000Z' };
    const event: RecordedPrecinctEvent =
      s.kind === 'turnout'
        ? { type: 'TurnoutReported', data: { ...meta, time: s.time, ballotsIssued: s.ballotsIssued }, ...stamp }
        : { type: 'ProtocolRecorded', data: { ...meta, contestId: s.contestId, protocol: s.protocol, version: 1 }, ...stamp };
    applyEvent(view, event);
  }
  const foldMs = performance.now() - started;
  gc?.();
  const after = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const note = `${precincts} precincts, 2 contests each, every protocol and 6 turnout reports in; heap + array buffers after GC, view only (definition and index excluded)${gc ? '' : '; no --expose-gc: approximate'}`;
  // Keep the view alive until measured.
  if (view.cursor.eventsApplied === 0) throw new Error('nothing applied');
  return [
    { id: 'projection.bytes_per_precinct', name: 'heap per precinct (100k)', value: (after - before) / precincts, unit: 'bytes', note },
    { name: 'in-memory fold', value: n / (foldMs / 1000), unit: 'events/s', note: `${n} events, no store, generation included` },
  ];
}

export default async function run(): Promise<BenchResult[]> {
  return [...heapPerPrecinct(), ...(await coldRebuild()), ...(await sseLatency())];
}
