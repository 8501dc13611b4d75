// Tamper evidence. On append every event's metadata gets two links:
//   contentHash  = hex SHA-256 of the event's canonical encoding (below);
//   previousHash = the contentHash of the previous event in the same stream (GENESIS_HASH for revision 0).
// Because the encoding includes previousHash, each contentHash commits to the whole stream before it:
// changing any byte of any event breaks every later link unless all of them are recomputed.
//
// Canonical encoding, version 1 (fields in this order, each as a 4-byte big-endian byte length
// followed by its UTF-8 bytes — lengths, never separators, so no two field lists collide):
//   "tally-event-v1", streamName, revision (decimal), event id (lower-case), type,
//   canonicalJson(data), canonicalJson(metadata without contentHash/previousHash), previousHash.
// canonicalJson and the length-prefixed fields are @tally/encoding's (the same bytes commissions sign).
// Limits: truncating a stream's LAST events leaves a valid shorter chain; anchor the head hashes
// elsewhere (an export, a published digest) to detect that.
import { hash } from 'node:crypto';
import { canonicalJson, encodeLengthPrefixed } from '@tally/encoding';
import type { EventFilter, EventStore, JsonObject, JsonValue, RecordedEvent } from './event-store.port';
import { START_POSITION } from './position';

export const GENESIS_HASH = '0'.repeat(64);
const ENCODING_TAG = 'tally-event-v1';
const HASH_KEYS = new Set(['contentHash', 'previousHash']);

export function withoutHashes(metadata: JsonObject): JsonObject {
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(metadata)) if (!HASH_KEYS.has(k)) out[k] = v;
  return out;
}

export interface HashableEvent {
  readonly streamName: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

/** `canonicalData`: canonicalJson(event.data) when the caller has it already (the store writes that text). */
export function contentHash(event: HashableEvent, previousHash: string, canonicalData = canonicalJson(event.data)): string {
  const fields = [
    ENCODING_TAG,
    event.streamName,
    event.revision.toString(10),
    event.id.toLowerCase(),
    event.type,
    canonicalData,
    canonicalJson(withoutHashes(event.metadata)),
    previousHash,
  ];
  return hash('sha256', encodeLengthPrefixed(fields), 'hex');
}

/** The metadata to store for an event at `revision` following `previousHash`. */
export function chainMetadata(event: HashableEvent, previousHash: string, canonicalData?: string): JsonObject & { contentHash: string; previousHash: string } {
  const base = withoutHashes(event.metadata);
  return { ...base, contentHash: contentHash(event, previousHash, canonicalData), previousHash };
}

export type ChainBreakKind =
  /** The recomputed hash differs from the stored contentHash: the event's content was changed. */
  | 'content-mismatch'
  /** previousHash is not the previous event's contentHash: an event was removed, reordered or replaced. */
  | 'chain-broken'
  /** Revisions are not 0, 1, 2, ... in order: an event is missing or moved. */
  | 'revision-gap'
  /** The event carries no (well-formed) hashes at all. */
  | 'missing-hash';

export interface ChainBreak {
  readonly streamName: string;
  readonly revision: bigint;
  readonly position: string;
  readonly eventId: string;
  readonly kind: ChainBreakKind;
  readonly expected: string;
  readonly actual: string;
}

export type VerifyResult =
  | { readonly ok: true; readonly streams: number; readonly events: number; readonly heads: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly streams: number; readonly events: number; readonly firstBreak: ChainBreak };

export interface VerifyOptions {
  /** Verify this one stream only. */
  readonly streamName?: string;
  /** Verify the streams of these categories only (ignored when streamName is set). */
  readonly filter?: EventFilter;
  readonly batchSize?: number;
}

interface StreamState {
  revision: bigint;
  hash: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Checks one event against the state of its stream so far; returns the break or the new state. */
function checkEvent(event: RecordedEvent, state: StreamState | undefined): ChainBreak | StreamState {
  const at = { streamName: event.streamName, revision: event.revision, position: event.position, eventId: event.id };
  const expectedRevision = state ? state.revision + 1n : 0n;
  if (event.revision !== expectedRevision) {
    return { ...at, kind: 'revision-gap', expected: expectedRevision.toString(), actual: event.revision.toString() };
  }
  const { contentHash: stored, previousHash } = event.metadata as { contentHash?: unknown; previousHash?: unknown };
  if (typeof stored !== 'string' || typeof previousHash !== 'string' || !HEX64.test(stored) || !HEX64.test(previousHash)) {
    return { ...at, kind: 'missing-hash', expected: 'contentHash and previousHash', actual: JSON.stringify({ contentHash: stored, previousHash }) };
  }
  const expectedPrevious = state ? state.hash : GENESIS_HASH;
  if (previousHash !== expectedPrevious) return { ...at, kind: 'chain-broken', expected: expectedPrevious, actual: previousHash };
  const recomputed = contentHash(event, previousHash);
  if (recomputed !== stored) return { ...at, kind: 'content-mismatch', expected: recomputed, actual: stored };
  return { revision: event.revision, hash: stored };
}

/**
 * Walks one stream (by revision) or the store (in global order) and returns either the counts and
 * each stream's head hash, or the first break found. Memory: one small entry per stream.
 */
export async function verifyStore(store: EventStore, options: VerifyOptions = {}): Promise<VerifyResult> {
  const chain = new ChainCheck();
  if (options.streamName !== undefined) {
    for (const event of await store.readStream(options.streamName)) if (!chain.visit(event)) break;
  } else {
    let from = START_POSITION;
    for (;;) {
      const batch = await store.readAll({ from, filter: options.filter, batchSize: options.batchSize ?? 1000 });
      if (!batch.events.every((event) => chain.visit(event))) break;
      from = batch.checkpoint;
      if (batch.isEnd) break;
    }
  }
  return chain.result();
}

/**
 * The same check fed one event at a time, in the store's order (per stream: by revision), for a
 * walk that reads the store for other checks too and should not read it twice. It stops at the
 * first break: the result names it, with the counts up to it.
 */
export class ChainCheck {
  private readonly states = new Map<string, StreamState>();
  private events = 0;
  private broken: ChainBreak | undefined;

  /** Checks the next event; false once the chain is broken (this event or an earlier one). */
  visit(event: RecordedEvent): boolean {
    if (this.broken) return false;
    const result = checkEvent(event, this.states.get(event.streamName));
    if ('kind' in result) {
      this.broken = result;
      return false;
    }
    this.states.set(event.streamName, result);
    this.events += 1;
    return true;
  }

  result(): VerifyResult {
    if (this.broken) return { ok: false, streams: this.states.size, events: this.events, firstBreak: this.broken };
    const heads = new Map<string, string>();
    for (const [name, state] of this.states) heads.set(name, state.hash);
    return { ok: true, streams: this.states.size, events: this.events, heads };
  }
}
