// Results-view speed and size over a synthetic election (100k precincts by default;
// BENCH_VIEW_PRECINCTS overrides): events folded per second, the cost of the first queries
// after a burst (seats re-allocated only where events landed), heap per precinct, snapshot and
// digest. Events are generated before timing, so the generator's cost is not counted.
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import {
  applyEvent,
  canonicalViewState,
  commissionResults,
  createResultsView,
  generateProtocols,
  generateSyntheticElection,
  indexElection,
  restoreView,
  snapshot,
  type RecordedPrecinctEvent,
} from '@tally/domain';
import type { BenchResult } from './bench.types';

const PRECINCTS = Number(process.env.BENCH_VIEW_PRECINCTS ?? 100_000);
const SEED = 2026;

function recordedEvents(precincts: number): { index: ReturnType<typeof indexElection>; events: RecordedPrecinctEvent[] } {
  const definition = generateSyntheticElection({ seed: SEED, precincts });
  const index = indexElection(definition);
  const events: RecordedPrecinctEvent[] = [];
  let n = 0;
  const meta = (precinctId: string, key: string) => ({
    submissionId: key,
    electionId: definition.id,
    precinctId,
    submittedBy: precinctId,
    receivedAt: '2026-03-15T15:00:00.000Z',
    signature: null,
  });
  const stamp = () => ({ position: `1:${++n}`, recordedAt: '2026-03-15T15:00:00.000Z' });
  for (const s of generateProtocols(definition, SEED, { turnoutReportShare: 0.5, correctionShare: 0.05, missingShare: 0.01 })) {
    switch (s.kind) {
      case 'turnout':
        events.push({ type: 'TurnoutReported', data: { ...meta(s.precinctId, s.key), time: s.time, ballotsIssued: s.ballotsIssued }, ...stamp() });
        break;
      case 'protocol':
        events.push({ type: 'ProtocolRecorded', data: { ...meta(s.precinctId, s.key), contestId: s.contestId, protocol: s.protocol, version: 1 }, ...stamp() });
        break;
      case 'correction':
        events.push({
          type: 'ProtocolCorrected',
          data: { ...meta(s.precinctId, s.key), contestId: s.contestId, protocol: s.protocol, version: 2, supersedes: s.supersedes, reason: s.reason },
          ...stamp(),
        });
        break;
    }
  }
  return { index, events };
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const memory = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  // Typed arrays live outside the JS heap: count their buffers too.
  return m.heapUsed + m.arrayBuffers;
};

export default async function run(): Promise<BenchResult[]> {
  const { index, events } = recordedEvents(PRECINCTS);
  for (const c of index.definition.contests) index.precinctsInContest(c.id); // the index's own lazy cache, not the view's
  const territorial = index.definition.commissions.filter((c) => c.level !== 'precinct').map((c) => c.id);
  const scale = `${PRECINCTS.toLocaleString('en-US')} precincts, ${index.definition.contests.length} contests, ${territorial.length} territorial commissions`;

  // Warm the JIT on a throwaway view.
  const warm = createResultsView(index);
  for (let i = 0; i < Math.min(events.length, 50_000); i++) applyEvent(warm, events[i]);

  const before = memory();
  const view = createResultsView(index);
  const t0 = performance.now();
  for (const e of events) applyEvent(view, e);
  const applyMs = performance.now() - t0;

  // First queries after the burst: every territorial commission × its contests, seats allocated once each.
  const t1 = performance.now();
  let queries = 0;
  for (const id of territorial) {
    for (const contest of index.contestsAt(id)) {
      commissionResults(view, id, contest.id);
      queries++;
    }
  }
  const coldMs = performance.now() - t1;
  const t2 = performance.now();
  for (const id of territorial) for (const contest of index.contestsAt(id)) commissionResults(view, id, contest.id);
  const warmMs = performance.now() - t2;
  const after = memory();

  const t3 = performance.now();
  const snap = snapshot(view);
  const snapshotMs = performance.now() - t3;
  const snapshotChars = JSON.stringify(snap).length;
  const t4 = performance.now();
  const restored = restoreView(index, snap);
  const restoreMs = performance.now() - t4;
  if (!restored.ok) throw new Error(`restore failed: ${JSON.stringify(restored.error)}`);
  const t5 = performance.now();
  const hash = createHash('sha256');
  for (const chunk of canonicalViewState(view)) hash.update(chunk);
  const liveDigest = hash.digest('hex');
  const digestMs = performance.now() - t5;
  const restoredHash = createHash('sha256');
  for (const chunk of canonicalViewState(restored.value)) restoredHash.update(chunk);
  const same = restoredHash.digest('hex') === liveDigest;

  return [
    { name: 'view apply throughput', value: events.length / (applyMs / 1000), unit: 'events/s', note: `${events.length.toLocaleString('en-US')} events (protocols, corrections, running turnout) over ${scale}` },
    { name: 'view heap per precinct', value: (after - before) / PRECINCTS, unit: 'bytes', note: 'typed arrays + subtotals + the cached results of every territorial commission, JS heap + array buffers' },
    { name: 'view first query after burst', value: (coldMs * 1000) / queries, unit: 'µs/query', note: `${queries} (commission, contest) results, each allocating seats once` },
    { name: 'view cached query', value: (warmMs * 1000) / queries, unit: 'µs/query' },
    { name: 'view snapshot', value: snapshotMs, unit: 'ms', note: `${(snapshotChars / 2 ** 20).toFixed(1)} MiB of JSON` },
    { name: 'view restore', value: restoreMs, unit: 'ms', note: 'subtotals recomputed from rows' },
    { name: 'view canonical digest (sha256)', value: digestMs, unit: 'ms', note: same ? 'restored digest equals live' : 'RESTORED DIGEST DIFFERS' },
  ];
}
