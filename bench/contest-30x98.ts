// The contest the allocation and analysis benches measure: 30 lists, a Mäjilis-sized 98 seats,
// deterministic Zipf-like totals (a few big lists, a long tail), no randomness.
import type { AllocationInput, AllocationMethod } from '@tally/domain';

export const LISTS = 30;
export const SEATS = 98;
export const METHODS = ['hare', 'droop', 'dhondt', 'sainte-lague'] as const;

export function contest30x98(method: AllocationMethod): AllocationInput {
  return {
    seats: SEATS,
    method,
    thresholdPercent: 0.5,
    thresholdBase: 'list-votes-plus-against-all',
    lists: Array.from({ length: LISTS }, (_, i) => ({ id: `list-${i + 1}`, votes: Math.floor(3_000_000 / (i + 1)) + ((i * 7919) % 1000) })),
    againstAll: 250_000,
    ballotsCast: 0,
    minimumAdmittedLists: 2,
    tieRule: 'registration-order',
  };
}
