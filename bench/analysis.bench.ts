// Seat sensitivity speed: gainOne and loseOne for every list of a 30-list, 98-seat contest (the
// inputs of allocation.bench.ts), µs per whole contest. Each list costs O(log V) real allocations
// (D'Hondt, Sainte-Laguë), more where the search goes piece by piece (Hare, Droop).
import { performance } from 'node:perf_hooks';
import { seatSensitivity, type AllocationInput } from '@tally/domain';
import type { BenchResult } from './bench.types';

const LISTS = 30;
const SEATS = 98;
const ITERATIONS = 20;
const WARMUP = 3;
const methods = ['hare', 'droop', 'dhondt', 'sainte-lague'] as const;

/** The same deterministic Zipf-like totals as allocation.bench.ts. */
function lists(): AllocationInput['lists'] {
  return Array.from({ length: LISTS }, (_, i) => ({ id: `list-${i + 1}`, votes: Math.floor(3_000_000 / (i + 1)) + ((i * 7919) % 1000) }));
}

export default async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const method of methods) {
    const input: AllocationInput = {
      seats: SEATS,
      method,
      thresholdPercent: 0.5,
      thresholdBase: 'list-votes-plus-against-all',
      lists: lists(),
      againstAll: 250_000,
      ballotsCast: 0,
      minimumAdmittedLists: 2,
      tieRule: 'registration-order',
    };
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
  return results;
}
