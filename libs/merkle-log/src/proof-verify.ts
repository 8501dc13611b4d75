// RFC 9162 verification: section 2.1.3.2 (inclusion) and 2.1.4.2 (consistency), step by step.
// What a receipt holder and a monitor run; the server never needs them. Sizes are JavaScript
// integers below 2^53, shifted by arithmetic (bit operators would cut them to 32 bits).
import { nodeHash } from './merkle-tree';

const odd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

export interface InclusionClaim {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: Buffer;
  readonly path: readonly Buffer[];
  readonly rootHash: Buffer;
}

export function verifyInclusion(claim: InclusionClaim): boolean {
  const { leafIndex, treeSize, path } = claim;
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = claim.leafHash;
  for (const p of path) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(claim.rootHash);
}

export interface ConsistencyClaim {
  readonly first: number;
  readonly second: number;
  readonly firstHash: Buffer;
  readonly secondHash: Buffer;
  readonly path: readonly Buffer[];
}

export function verifyConsistency(claim: ConsistencyClaim): boolean {
  const { first, second } = claim;
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 1 || first > second) return false;
  // Equal sizes: RFC 9162's proof is empty and the two roots must be the same.
  if (first === second) return claim.path.length === 0 && claim.firstHash.equals(claim.secondHash);
  if (claim.path.length === 0) return false;
  const path = first === 2 ** Math.round(Math.log2(first)) ? [claim.firstHash, ...claim.path] : [...claim.path];
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return fr.equals(claim.firstHash) && sr.equals(claim.secondHash) && sn === 0;
}
