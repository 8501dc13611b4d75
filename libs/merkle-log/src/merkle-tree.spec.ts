// RFC 9162's algorithms on every tree of 1–64 leaves: the tree's proofs checked by a small
// verifier written here from sections 2.1.3.2 and 2.1.4.2 (BigInt shifts, not the library's), and
// every byte of every proof, leaf hash and root flipped must fail it.
import { hash } from 'node:crypto';
import { CompactRange, MerkleTree, verifyConsistency, verifyInclusion } from './index';

const H = (...parts: Buffer[]): Buffer => hash('sha256', Buffer.concat(parts), 'buffer');
const leafOf = (i: number): Buffer => H(Buffer.from([0]), Buffer.from(`leaf ${i}`));
const node = (l: Buffer, r: Buffer): Buffer => H(Buffer.from([1]), l, r);

/** MTH straight from the RFC's recursive definition. */
function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return H();
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return node(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

// RFC 9162 2.1.3.2, on BigInt.
function rfcVerifyInclusion(index: number, size: number, leaf: Buffer, path: readonly Buffer[], root: Buffer): boolean {
  if (index >= size) return false;
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leaf;
  for (const p of path) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = node(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = node(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(root);
}

// RFC 9162 2.1.4.2, on BigInt (first < second; equal sizes compare roots).
function rfcVerifyConsistency(first: number, second: number, firstHash: Buffer, secondHash: Buffer, proof: readonly Buffer[]): boolean {
  if (first === second) return proof.length === 0 && firstHash.equals(secondHash);
  if (proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstHash, ...proof] : [...proof];
  let fn = BigInt(first - 1);
  let sn = BigInt(second - 1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = node(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0n;
}

/** The hashes with one bit of one byte changed, for every byte of every hash (copies, changed in place between yields). */
function* flips(hashes: readonly Buffer[]): Generator<Buffer[]> {
  const copy = hashes.map((x) => Buffer.from(x));
  for (const hash of copy) {
    for (let i = 0; i < hash.length; i++) {
      hash[i] ^= 0x01;
      yield copy;
      hash[i] ^= 0x01;
    }
  }
}

const leaves = Array.from({ length: 64 }, (_, i) => leafOf(i));
const tree = new MerkleTree();
for (const l of leaves) tree.appendLeafHash(l);
const sizes = Array.from({ length: 64 }, (_, i) => i + 1);

describe('MerkleTree (RFC 9162 2.1) on every size 1–64', () => {
  it('roots: the recursive definition, at every size, also by the compact range', () => {
    const range = new CompactRange();
    for (const n of sizes) {
      range.appendLeafHash(leaves[n - 1]);
      expect(tree.root(n).toString('hex')).toBe(mth(leaves.slice(0, n)).toString('hex'));
      expect(range.root().toString('hex')).toBe(mth(leaves.slice(0, n)).toString('hex'));
    }
    expect(tree.root(0).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it.each(sizes)('inclusion proofs in the tree of %i: every leaf verifies; any byte flipped fails', (n) => {
    const root = tree.root(n);
    for (let m = 0; m < n; m++) {
      const path = tree.inclusionProof(m, n);
      expect(rfcVerifyInclusion(m, n, leaves[m], path, root)).toBe(true);
      expect(verifyInclusion({ leafIndex: m, treeSize: n, leafHash: leaves[m], path, rootHash: root })).toBe(true);
      let accepted = 0;
      for (const [leaf, r, ...p] of flips([leaves[m], root, ...path])) {
        if (rfcVerifyInclusion(m, n, leaf, p, r)) accepted += 1;
        if (verifyInclusion({ leafIndex: m, treeSize: n, leafHash: leaf, path: p, rootHash: r })) accepted += 1;
      }
      expect(accepted).toBe(0);
      // Another leaf's place, a hash left out or added: no proof.
      if (n > 1) expect(rfcVerifyInclusion((m + 1) % n, n, leaves[m], path, root)).toBe(false);
      if (path.length > 0) expect(verifyInclusion({ leafIndex: m, treeSize: n, leafHash: leaves[m], path: path.slice(1), rootHash: root })).toBe(false);
      expect(verifyInclusion({ leafIndex: m, treeSize: n, leafHash: leaves[m], path: [...path, root], rootHash: root })).toBe(false);
    }
  });

  it.each(sizes)('consistency proofs from every size to %i: verify; any byte flipped fails', (n) => {
    const second = tree.root(n);
    for (let m = 1; m <= n; m++) {
      const first = tree.root(m);
      const proof = tree.consistencyProof(m, n);
      expect(rfcVerifyConsistency(m, n, first, second, proof)).toBe(true);
      expect(verifyConsistency({ first: m, second: n, firstHash: first, secondHash: second, path: proof })).toBe(true);
      let accepted = 0;
      for (const [f, s, ...p] of flips([first, second, ...proof])) {
        if (rfcVerifyConsistency(m, n, f, s, p)) accepted += 1;
        if (verifyConsistency({ first: m, second: n, firstHash: f, secondHash: s, path: p })) accepted += 1;
      }
      expect(accepted).toBe(0);
      if (proof.length > 0) expect(verifyConsistency({ first: m, second: n, firstHash: first, secondHash: second, path: proof.slice(0, -1) })).toBe(false);
    }
  });

  it('a history rewritten at any leaf: no consistency proof from the old root', () => {
    for (let bad = 0; bad < 16; bad++) {
      const other = new MerkleTree();
      leaves.slice(0, 32).forEach((l, i) => other.appendLeafHash(i === bad ? leafOf(1000) : l));
      expect(verifyConsistency({ first: 16, second: 32, firstHash: tree.root(16), secondHash: other.root(32), path: other.consistencyProof(16, 32) })).toBe(false);
    }
  });

  it('refuses sizes and indexes outside the tree, naming them', () => {
    expect(() => tree.inclusionProof(5, 5)).toThrow(/leafIndex 5/);
    expect(() => tree.inclusionProof(0, 65)).toThrow(/treeSize 65/);
    expect(() => tree.consistencyProof(0, 4)).toThrow(/first 0/);
    expect(() => tree.consistencyProof(5, 4)).toThrow(/first 5/);
  });
});
