// Seat sensitivity speed: gainOne and loseOne for every list of a 30-list, 98-seat contest (the
// inputs of allocation.bench.ts), µs per whole contest. Each list costs O(log V) real allocations
// (D'Hondt, Sainte-Laguë), more where the search goes piece by piece (Hare, Droop).
import { performance } from 'node:perf_hooks';
import { seatSensitivity } from '@tally/domain';
import type { BenchResult } from './bench.types';
import { contest30x98, LISTS, METHODS } from './contest-30x98';

const ITERATIONS = 20;
const WARMUP = 3;

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
  return results;
}
