// The tree recomputed from the store alone, for an auditor holding a head saved earlier: the
// store's events in global order, the same leaves, and the root at the head's size.
import { START_POSITION, type EventStore, type RecordedEvent } from '@tally/event-store';
import { CompactRange } from './compact-range';
import { eventLeafHash } from './log-leaf';

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
export async function storeTree(store: EventStore, treeSize: number, onLeaf?: (index: number, leafHash: Buffer, event: RecordedEvent) => void): Promise<StoreTreeResult> {
  const range = new CompactRange();
  for (let from = START_POSITION; range.size < treeSize; ) {
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
