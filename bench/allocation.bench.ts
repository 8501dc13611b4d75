// Seat-allocation speed: 30 lists under each method, many iterations, µs per allocation.
// The projector re-allocates on every protocol, so this is on the hot path.
import { performance } from 'node:perf_hooks';
import { allocate } from '@tally/domain';
import type { BenchResult } from './bench.types';
import { contest30x98, LISTS, METHODS, SEATS } from './contest-30x98';

const ITERATIONS = 20_000;
const WARMUP = 2_000;

export default async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const method of METHODS) {
    const input = contest30x98(method);
    let seats = 0;
    for (let i = 0; i < WARMUP; i++) seats += allocate(input).kind === 'allocated' ? 1 : 0;
    const start = performance.now();
    for (let i = 0; i < ITERATIONS; i++) {
      const r = allocate(input);
      // Use the result so the call cannot be optimised away.
      if (r.kind === 'allocated') seats += r.lists[0].seats;
    }
    const elapsedMs = performance.now() - start;
    results.push({
      name: `allocate ${method}, ${LISTS} lists, ${SEATS} seats`,
      value: (elapsedMs * 1000) / ITERATIONS,
      unit: 'µs/allocation',
      note: `${ITERATIONS} iterations${seats === 0 ? ' (no allocation!)' : ''}`,
    });
  }
  return results;
}
