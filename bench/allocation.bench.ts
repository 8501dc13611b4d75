// Seat-allocation speed: 30 lists under each method, many iterations, µs per allocation.
// The projector re-allocates on every protocol, so this is on the hot path.
import { performance } from 'node:perf_hooks';
import { allocate, type AllocationInput } from '@tally/domain';
import type { BenchResult } from './bench.types';

const LISTS = 30;
const SEATS = 98; // Mäjilis-sized house
const ITERATIONS = 20_000;
const WARMUP = 2_000;
const methods = ['hare', 'droop', 'dhondt', 'sainte-lague'] as const;

/** Deterministic, Zipf-like vote totals (a few big lists, a long tail), no randomness. */
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
