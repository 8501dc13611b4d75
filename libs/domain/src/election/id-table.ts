// A string → position table for a million ids. A `Map` pays about 1 µs per insert at that
// size (rehashing as it grows); one open-addressing Int32Array sized up front pays a tenth.
// The ids stay in the caller's array; the table stores positions only.

const { clz32, imul } = Math;

function hashOf(s: string): number {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < s.length; i++) h = imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

export class IdTable {
  private readonly slots: Int32Array;
  private readonly mask: number;

  /** `idAt(position)` reads an id back; positions are 0..capacity-1. */
  constructor(
    capacity: number,
    private readonly idAt: (position: number) => string,
  ) {
    // At most half full keeps probe runs short.
    const size = 1 << (32 - clz32(Math.max(2, capacity * 2) - 1));
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }

  /** The position stored for `id`, or -1. */
  get(id: string): number {
    let k = hashOf(id) & this.mask;
    for (let p = this.slots[k]; p !== -1; p = this.slots[k]) {
      if (this.idAt(p) === id) return p;
      k = (k + 1) & this.mask;
    }
    return -1;
  }

  /** Stores `position` under its id unless the id is present; returns the earlier position or -1. */
  add(position: number): number {
    const id = this.idAt(position);
    let k = hashOf(id) & this.mask;
    for (let p = this.slots[k]; p !== -1; p = this.slots[k]) {
      if (this.idAt(p) === id) return p;
      k = (k + 1) & this.mask;
    }
    this.slots[k] = position;
    return -1;
  }
}
