// The right edge of a growing Merkle tree (RFC 9162 hashing): one subtree root per set bit of the
// size, so appending is O(log n) time and the state is O(log n) hashes. For recomputing a root
// from a stream of leaves (an auditor walking the store) without keeping the leaves.
import { EMPTY_ROOT, nodeHash } from './merkle-tree';

export class CompactRange {
  /** Roots of the complete subtrees along the right edge, largest (leftmost) first. */
  private readonly peaks: Buffer[] = [];
  /** Their sizes (powers of two, strictly decreasing). */
  private readonly sizes: number[] = [];
  size = 0;

  appendLeafHash(hash: Buffer): void {
    let node = hash;
    let width = 1;
    // Two equal neighbours on the right edge merge into their parent, as binary addition carries.
    while (this.sizes.length > 0 && this.sizes[this.sizes.length - 1] === width) {
      node = nodeHash(this.peaks.pop()!, node);
      this.sizes.pop();
      width *= 2;
    }
    this.peaks.push(node);
    this.sizes.push(width);
    this.size += 1;
  }

  /** MTH of the leaves appended so far: the peaks folded from the right (RFC 9162's split). */
  root(): Buffer {
    if (this.peaks.length === 0) return Buffer.from(EMPTY_ROOT);
    let root = this.peaks[this.peaks.length - 1];
    for (let i = this.peaks.length - 2; i >= 0; i--) root = nodeHash(this.peaks[i], root);
    return root;
  }
}
