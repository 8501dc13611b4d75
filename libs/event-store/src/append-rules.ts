// The expected-revision rules and input checks, in one place for every engine.
import { InvalidAppendError, type ActualRevision } from './event-store.errors';
import type { ExpectedRevision, StreamAppend } from './event-store.port';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESERVED_METADATA = ['contentHash', 'previousHash'];

export type NormalizedExpected = 'no-stream' | 'stream-exists' | bigint;

export function normalizeExpected(expected: ExpectedRevision): NormalizedExpected {
  if (expected === 'no-stream' || expected === 'stream-exists') return expected;
  if (typeof expected === 'number') {
    if (!Number.isSafeInteger(expected) || expected < 0) throw new InvalidAppendError(`Invalid expected revision: ${expected}`);
    return BigInt(expected);
  }
  if (typeof expected === 'bigint' && expected >= 0n) return expected;
  throw new InvalidAppendError(`Invalid expected revision: ${String(expected)}`);
}

/** Does the stream's actual state satisfy the expectation? */
export function expectationHolds(expected: NormalizedExpected, actual: ActualRevision): boolean {
  if (expected === 'no-stream') return actual === 'no-stream';
  if (expected === 'stream-exists') return actual !== 'no-stream';
  return actual === expected;
}

/**
 * Could an append with this expectation have written its first event at `firstRevision`?
 * Used to recognise a retry of an append that already succeeded.
 */
export function firstRevisionFits(expected: NormalizedExpected, firstRevision: bigint): boolean {
  if (expected === 'no-stream') return firstRevision === 0n;
  if (expected === 'stream-exists') return firstRevision >= 1n;
  return firstRevision === expected + 1n;
}

export function validateAppend(item: StreamAppend): void {
  if (typeof item.streamName !== 'string' || item.streamName.length === 0) throw new InvalidAppendError('A stream name is required');
  if (item.events.length === 0) throw new InvalidAppendError(`No events to append to stream "${item.streamName}"`);
  normalizeExpected(item.expectedRevision);
  const seen = new Set<string>();
  for (const event of item.events) {
    if (!UUID.test(event.id)) throw new InvalidAppendError(`Event id is not a UUID: ${JSON.stringify(event.id)}`);
    const id = event.id.toLowerCase();
    if (seen.has(id)) throw new InvalidAppendError(`Event id ${id} appears twice in one append`);
    seen.add(id);
    if (typeof event.type !== 'string' || event.type.length === 0) throw new InvalidAppendError('An event type is required');
    if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
      throw new InvalidAppendError(`Event ${id}: data must be a JSON object`);
    }
    for (const key of RESERVED_METADATA) {
      if (event.metadata && key in event.metadata) throw new InvalidAppendError(`Event ${id}: metadata key "${key}" is set by the store`);
    }
  }
}
