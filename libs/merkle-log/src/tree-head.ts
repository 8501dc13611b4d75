// Signed tree heads. The signed bytes, version 1, are length-prefixed fields (@tally/encoding, the
// encoding commissions sign submissions with):
//   "tally-log-head-v1", tree size (decimal), root hash (lowercase hex), timestamp (RFC 3339 UTC,
//   as Date.toISOString writes it: "2026-03-15T14:00:00.000Z").
// The signature is Ed25519 (@tally/signatures' key formats: raw 32-byte public key in base64),
// base64 of the 64 bytes.
import { createHash, type KeyObject } from 'node:crypto';
import { encodeLengthPrefixed } from '@tally/encoding';
import { signBytes, verifyBytes } from '@tally/signatures';

export const HEAD_SCHEME = 'tally-log-head-v1';

export interface TreeHead {
  readonly treeSize: number;
  /** Lowercase hex of the 32-byte root. */
  readonly rootHash: string;
  /** RFC 3339, UTC. */
  readonly timestamp: string;
}

export interface SignedTreeHead extends TreeHead {
  /** Base64 of the Ed25519 signature over `encodeTreeHead`. */
  readonly signature: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export function encodeTreeHead(head: TreeHead): Buffer {
  return encodeLengthPrefixed([HEAD_SCHEME, head.treeSize.toString(10), head.rootHash, head.timestamp]);
}

export function signTreeHead(head: TreeHead, privateKey: KeyObject): SignedTreeHead {
  return { treeSize: head.treeSize, rootHash: head.rootHash, timestamp: head.timestamp, signature: signBytes(privateKey, encodeTreeHead(head)) };
}

export function verifyTreeHead(head: SignedTreeHead, publicKey: string): boolean {
  return verifyBytes(publicKey, encodeTreeHead(head), head.signature);
}

/** A log key's id: lowercase hex SHA-256 of the raw public key (as RFC 9162's log ID hashes the key). */
export const logKeyId = (publicKey: string): string => createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex');

/** A signed head read from JSON (a file, an answer), or the reason it is not one. */
export function parseSignedTreeHead(value: unknown): { ok: true; head: SignedTreeHead } | { ok: false; reason: string } {
  if (typeof value !== 'object' || value === null) return { ok: false, reason: 'a signed tree head is a JSON object' };
  const v = value as Record<string, unknown>;
  if (!Number.isSafeInteger(v.treeSize) || (v.treeSize as number) < 0) return { ok: false, reason: 'treeSize: a non-negative integer' };
  if (typeof v.rootHash !== 'string' || !HEX64.test(v.rootHash)) return { ok: false, reason: 'rootHash: 64 lowercase hex digits' };
  if (typeof v.timestamp !== 'string' || !RFC3339_UTC.test(v.timestamp)) return { ok: false, reason: 'timestamp: RFC 3339 in UTC (…Z)' };
  if (typeof v.signature !== 'string' || Buffer.from(v.signature, 'base64').length !== 64) return { ok: false, reason: 'signature: base64 of 64 bytes' };
  return { ok: true, head: { treeSize: v.treeSize as number, rootHash: v.rootHash, timestamp: v.timestamp, signature: v.signature } };
}
