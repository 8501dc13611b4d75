// The tree recomputed from the store alone, for an auditor holding a head saved earlier: the
// store's events in global order, the same leaves, and the root at the head's size.
import { START_POSITION, type EventStore, type RecordedEvent } from '@tally/event-store';
import { CompactRange } from './compact-range';
import { eventLeafHash } from './log-leaf';
import { HASH_BYTES } from './merkle-tree';

export interface StoreTreeResult {
  /** Events read (at most treeSize). */
  readonly leaves: number;
  /** The root over those leaves (hex), when the store held treeSize events. */
  readonly rootHash: string | undefined;
}

/**
 * Walks the first `treeSize` events of the store, handing each with its leaf hash to `onLeaf`
 * (to compare with a mirror of the leaves), and returns the root at that size.
 */
export async function storeTree(
  store: EventStore,
  treeSize: number,
  onLeaf?: (index: number, leafHash: Buffer, event: RecordedEvent) => void,
  /** Asked between pages: true ends the walk early (the result is then short). */
  stopped: () => boolean = () => false,
): Promise<StoreTreeResult> {
  const range = new CompactRange();
  for (let from = START_POSITION; range.size < treeSize && !stopped(); ) {
    const page = await store.readAll({ from, batchSize: 5000 });
    for (const event of page.events) {
      if (range.size >= treeSize) break;
      const hash = eventLeafHash(event);
      onLeaf?.(range.size, hash, event);
      range.appendLeafHash(hash);
    }
    from = page.checkpoint;
    if (page.isEnd) break;
  }
  return { leaves: range.size, rootHash: range.size === treeSize ? range.root().toString('hex') : undefined };
}

/** The first leaf whose hash is not what a mirror of the log holds. */
export interface BadLeaf {
  readonly index: number;
  readonly streamName: string;
  readonly revision: string;
  readonly position: string;
  readonly eventId: string;
  readonly expected: string;
  readonly found: string;
}

export type HeadCheck =
  | { readonly ok: true; readonly treeSize: number; readonly rootHash: string }
  | { readonly ok: false; readonly problem: 'store-too-short'; readonly treeSize: number; readonly leaves: number; readonly firstBadLeaf?: BadLeaf }
  | { readonly ok: false; readonly problem: 'root-differs'; readonly treeSize: number; readonly expected: string; readonly found: string; readonly firstBadLeaf?: BadLeaf };

/**
 * The store against a head saved earlier: the root of its first `treeSize` events must be the
 * head's. With a mirror of the leaf hashes (a monitor's, verified against that head) the first
 * leaf that differs is named; the root alone can only say that one does.
 */
export async function checkStoreAgainstHead(store: EventStore, head: { readonly treeSize: number; readonly rootHash: string }, mirror?: LeafMirror): Promise<HeadCheck> {
  let firstBadLeaf: BadLeaf | undefined;
  const result = await storeTree(store, head.treeSize, (index, hash, event) => {
    if (firstBadLeaf || !mirror || index >= mirror.size) return;
    const expected = mirror.at(index);
    if (!expected.equals(hash)) {
      firstBadLeaf = { index, streamName: event.streamName, revision: event.revision.toString(), position: event.position, eventId: event.id, expected: expected.toString('hex'), found: hash.toString('hex') };
    }
  });
  const bad = firstBadLeaf ? { firstBadLeaf } : {};
  if (result.rootHash === undefined) return { ok: false, problem: 'store-too-short', treeSize: head.treeSize, leaves: result.leaves, ...bad };
  if (result.rootHash !== head.rootHash) return { ok: false, problem: 'root-differs', treeSize: head.treeSize, expected: head.rootHash, found: result.rootHash, ...bad };
  return { ok: true, treeSize: head.treeSize, rootHash: result.rootHash };
}

/** A monitor's copy of the leaf hashes: a file of 32-byte hashes in leaf order (`tally log watch --state DIR` keeps DIR/leaves.bin). */
export class LeafMirror {
  constructor(private readonly bytes: Buffer) {
    if (bytes.length % HASH_BYTES !== 0) throw new RangeError(`a leaf mirror is a whole number of ${HASH_BYTES}-byte hashes (${bytes.length} bytes)`);
  }

  get size(): number {
    return this.bytes.length / HASH_BYTES;
  }

  at(index: number): Buffer {
    return this.bytes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
  }
}
