// Seat sensitivity speed: gainOne and loseOne for every list of a 30-list, 98-seat contest (the
// inputs of allocation.bench.ts), µs per whole contest. Each list costs O(log V) real allocations
// (D'Hondt, Sainte-Laguë), more where the search goes piece by piece (Hare, Droop).
// The forensic pass: every signal of the central commission over 100k precincts' list protocols
// (the view's rows read, the fingerprint, the five tests), ms per pass; the view is filled before timing.
import { performance } from 'node:perf_hooks';
import {
  applyEvent,
  commissionForensics,
  createResultsView,
  generateProtocols,
  generateSyntheticElection,
  indexElection,
  SYNTHETIC_LIST_CONTEST,
  seatSensitivity,
  type ResultsView,
} from '@tally/domain';
import type { BenchResult } from './bench.types';
import { contest30x98, LISTS, METHODS } from './contest-30x98';

const ITERATIONS = 20;
const WARMUP = 3;

const FORENSIC_PRECINCTS = 100_000;
const FORENSIC_ITERATIONS = 5;
const SEED = 2026;

/** 100k precincts' list protocols, 2% corrected, 5% stuffed (so the flagged paths, which name precincts, are timed too), with arrival times. */
function forensicView(): { view: ResultsView; arrivals: Map<string, number> } {
  const definition = generateSyntheticElection({ seed: SEED, precincts: FORENSIC_PRECINCTS });
  const view = createResultsView(indexElection(definition));
  const arrivals = new Map<string, number>();
  let n = 0;
  for (const s of generateProtocols(definition, SEED, { correctionShare: 0.02, stuffedShare: 0.05 })) {
    if (s.kind === 'turnout' || s.contestId !== SYNTHETIC_LIST_CONTEST) continue;
    const data = { submissionId: s.key, electionId: definition.id, precinctId: s.precinctId, submittedBy: s.precinctId, receivedAt: '2026-03-15T15:00:00.000Z', signature: null };
    const stamp = { position: `1:${++n}`, recordedAt: '2026-03-15T15:00:00.000Z' };
    if (s.kind === 'protocol') {
      arrivals.set(s.precinctId, Date.UTC(2026, 2, 15, 15) + ((n * 7919) % 7_200_000));
      applyEvent(view, { type: 'ProtocolRecorded', data: { ...data, contestId: s.contestId, protocol: s.protocol, version: 1 }, ...stamp });
    } else {
      applyEvent(view, { type: 'ProtocolCorrected', data: { ...data, contestId: s.contestId, protocol: s.protocol, version: 2, supersedes: s.supersedes, reason: s.reason }, ...stamp });
    }
  }
  return { view, arrivals };
}

function forensicPass(): BenchResult {
  const { view, arrivals } = forensicView();
  const lookup = (id: string) => arrivals.get(id);
  const root = view.election.root.id;
  let flagged = 0;
  commissionForensics(view, root, SYNTHETIC_LIST_CONTEST, lookup); // warm-up
  const start = performance.now();
  for (let i = 0; i < FORENSIC_ITERATIONS; i++) {
    const r = commissionForensics(view, root, SYNTHETIC_LIST_CONTEST, lookup);
    if (r.kind === 'forensics') flagged += r.report.signals.filter((s) => s.status === 'flagged').length;
  }
  const elapsedMs = performance.now() - start;
  return {
    name: 'analysis.forensics.100k.ms',
    value: elapsedMs / FORENSIC_ITERATIONS,
    unit: 'ms/pass',
    note: `central commission, ${FORENSIC_PRECINCTS.toLocaleString('en-US')} precincts (5% stuffed, 2% corrected), fingerprint + 5 tests, ${flagged / FORENSIC_ITERATIONS} flagged, ${FORENSIC_ITERATIONS} iterations`,
  };
}

export default async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const method of METHODS) {
    // The same contest as allocation.bench.ts.
    const input = contest30x98(method);
    let found = 0;
    for (let i = 0; i < WARMUP; i++) found += seatSensitivity(input).kind === 'sensitivity' ? 1 : 0;
    const start = performance.now();
    for (let i = 0; i < ITERATIONS; i++) {
      const s = seatSensitivity(input);
      // Use the result so the call cannot be optimised away.
      if (s.kind === 'sensitivity') found += s.lists[0].gainOne ?? 0;
    }
    const elapsedMs = performance.now() - start;
    results.push({
      // Hare (the Kazakh rule) is the headline figure; the other methods beside it.
      name: method === 'hare' ? 'analysis.sensitivity-30x98-us' : `analysis.sensitivity-30x98-us.${method}`,
      value: (elapsedMs * 1000) / ITERATIONS,
      unit: 'µs/contest',
      note: `${method}, gainOne + loseOne for ${LISTS} lists, ${ITERATIONS} iterations${found === 0 ? ' (no sensitivity!)' : ''}`,
    });
  }
  results.push(forensicPass());
  return results;
}
