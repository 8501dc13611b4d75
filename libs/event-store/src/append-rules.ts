// The expected-revision rules and input checks, in one place for every engine.
import { InvalidAppendError, type ActualRevision } from './event-store.errors';
import type { EventToAppend, ExpectedRevision, StreamAppend } from './event-store.port';

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
    const unstorable = unstorableEvent(event);
    if (unstorable !== undefined) throw new InvalidAppendError(`Event ${id}: ${unstorable}`);
  }
}

/** Text every engine keeps alike: jsonb refuses NUL, and an unpaired surrogate has no UTF-8 form. */
const SUSPECT_TEXT = /[\u0000\ud800-\udfff]/;
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textProblem(text: string): string | undefined {
  if (!SUSPECT_TEXT.test(text)) return undefined;
  if (text.includes('\u0000')) return 'a NUL character';
  return UNPAIRED_SURROGATE.test(text) ? 'an unpaired surrogate' : undefined;
}

/**
 * Why a value cannot be stored as JSON by every engine alike, naming where, or undefined: a number
 * that is not finite (JSON has none; the hash chain's canonical JSON refuses it), text or a key
 * holding NUL or an unpaired surrogate (PostgreSQL's jsonb refuses both). Iterative, so hostile
 * nesting cannot overflow the stack. Writers of untrusted text call it before they append.
 */
export function unstorableJson(value: unknown, path: string): string | undefined {
  // Nearly every value is storable: walked once without naming each place (a path string per
  // value was a sixth of what a recorder allocated), and walked again to name the place only
  // when something is wrong.
  return storableJson(value) ? undefined : whereUnstorable(value, path);
}

/** Whether nothing in the value is unstorable (unstorableJson's rules); allocates only its stack. */
function storableJson(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (textProblem(v) !== undefined) return false;
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else if (typeof v === 'object' && v !== null) {
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        if (textProblem(key) !== undefined) return false;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return true;
}

/** unstorableJson's answer, the place named, for a value storableJson refused. */
function whereUnstorable(value: unknown, path: string): string | undefined {
  const pending: [unknown, string][] = [[value, path]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [v, at] = next;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem !== undefined) return `${at} holds ${problem}, which the store cannot keep`;
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return `${at} is ${v}, which JSON cannot hold`;
    } else if (Array.isArray(v)) {
      v.forEach((item: unknown, i) => pending.push([item, `${at}[${i}]`]));
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, item] of Object.entries(v)) {
        const problem = textProblem(key);
        if (problem !== undefined) return `a key of ${at} holds ${problem}, which the store cannot keep`;
        pending.push([item, `${at}.${key}`]);
      }
    }
  }
  return undefined;
}

/** Why the store would refuse the event's data or metadata (unstorableJson), or undefined: what validateAppend checks. */
export function unstorableEvent(event: Pick<EventToAppend, 'data' | 'metadata'>): string | undefined {
  return unstorableJson(event.data, 'data') ?? (event.metadata === undefined ? undefined : unstorableJson(event.metadata, 'metadata'));
}
