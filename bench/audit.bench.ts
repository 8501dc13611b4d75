// Audit throughput on a synthetic national-scale election (100k precincts by default,
// AUDIT_BENCH_PRECINCTS to change): the store is the embedded engine (PGlite in memory), filled
// as the service would fill it — every submission signed by its commission's (demo) key, decided
// by the precinct decider, appended in batches with hash links. Then measured, each on its own:
// the hash-chain walk alone, the full `verify` (chain + signatures + control relations + decider
// re-run + recomputation), and a replay to the end.
import { performance } from 'node:perf_hooks';
import { replay, verifyAudit } from '@tally/audit';
import { generateSyntheticElection } from '@tally/domain';
import { createPgliteEventStore, verifyStore } from '@tally/event-store';
import { recordSignedElection } from '../libs/audit/src/testing/audit-fixture';
import type { BenchResult } from './bench.types';

export default async function run(): Promise<BenchResult[]> {
  const precincts = Number(process.env.AUDIT_BENCH_PRECINCTS ?? 100_000);
  const store = await createPgliteEventStore();
  try {
    let t = performance.now();
    const definition = generateSyntheticElection({ seed: 2026, precincts });
    const recorded = await recordSignedElection(store, definition, { seed: 7, correctionShare: 0.02, batch: 1000 });
    const fillSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    const chain = await verifyStore(store, { batchSize: 5000 });
    const chainSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    const report = await verifyAudit(store);
    const verifySeconds = (performance.now() - t) / 1000;
    if (!report.ok) throw new Error(`the bench store does not verify: ${report.firstFailure?.message}`);

    t = performance.now();
    const replayed = await replay(store);
    const replaySeconds = (performance.now() - t) / 1000;

    const events = report.events;
    const what = `${precincts.toLocaleString('en-US')} precincts, ${events.toLocaleString('en-US')} events (${recorded.submissions.toLocaleString('en-US')} signed submissions, 2% corrected), PGlite in memory`;
    return [
      { id: 'verify.eps', name: 'audit verify (full: chain, signatures, control relations, decider, recomputation)', value: Math.round(events / verifySeconds), unit: 'events/s', note: `${what}; ${verifySeconds.toFixed(1)} s` },
      { name: 'audit verify: hash chain walk alone (verifyStore)', value: Math.round(chain.events / chainSeconds), unit: 'events/s', note: `${chain.events.toLocaleString('en-US')} events; ${chainSeconds.toFixed(1)} s` },
      { name: 'audit replay to the end (results views)', value: Math.round(replayed.eventsRead / replaySeconds), unit: 'events/s', note: `${replaySeconds.toFixed(1)} s` },
      { name: 'audit bench setup: sign, decide and append', value: Math.round(recorded.submissions / fillSeconds), unit: 'submissions/s', note: `${fillSeconds.toFixed(1)} s (setup, for scale)` },
    ];
  } finally {
    await store.close();
  }
}
