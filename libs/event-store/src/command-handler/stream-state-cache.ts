// A small LRU of folded stream states, kept by the command handler between calls, so a hot stream
// (a precinct's turnout reports, then protocols, then corrections) is not re-read for every
// command. The store stays the truth: an entry is only a guess checked by the expected revision of
// the next append, and it is dropped when that check fails.
export interface CachedStream<S> {
  readonly state: S;
  /** The revision `state` was folded up to: the next append's expected revision. */
  readonly revision: bigint | 'no-stream';
}

export class StreamStateCache<S> {
  // A Map iterates in insertion order: re-inserting on access keeps the least recent first.
  private readonly entries = new Map<string, CachedStream<S>>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be a non-negative integer, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(streamName: string): CachedStream<S> | undefined {
    const entry = this.entries.get(streamName);
    if (entry === undefined) return undefined;
    this.entries.delete(streamName);
    this.entries.set(streamName, entry);
    return entry;
  }

  /** Keeps the newer of the known and the given entry (two batches may finish out of order). */
  set(streamName: string, entry: CachedStream<S>): void {
    if (this.capacity === 0) return;
    const known = this.entries.get(streamName);
    if (known !== undefined && isNewer(known.revision, entry.revision)) return;
    this.entries.delete(streamName);
    this.entries.set(streamName, entry);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(streamName: string): void {
    this.entries.delete(streamName);
  }

  clear(): void {
    this.entries.clear();
  }
}

function isNewer(a: bigint | 'no-stream', b: bigint | 'no-stream'): boolean {
  if (a === 'no-stream') return false;
  return b === 'no-stream' || a > b;
}
