// A receipt: proof that one recorded event is in the log, checkable offline with the log's public
// key — the event's leaf fields (so the holder sees what was recorded, and the leaf hash is
// recomputed from them), the leaf's index and hash, a signed head that covers it, and the RFC 9162
// inclusion path from the leaf up to that head's root.
import type { JsonObject } from '@tally/event-store';
import { eventLeafHash } from './log-leaf';
import { verifyInclusion } from './proof-verify';
import { logKeyId, parseSignedTreeHead, verifyTreeHead, type SignedTreeHead } from './tree-head';

export const RECEIPT_SCHEME = 'tally-receipt-v1';

export interface Receipt {
  readonly scheme: typeof RECEIPT_SCHEME;
  readonly leafIndex: number;
  /** Lowercase hex: SHA-256(0x00 || leaf bytes). */
  readonly leafHash: string;
  /** The leaf's fields (log-leaf.ts) and where the store keeps the event. */
  readonly event: {
    readonly streamName: string;
    readonly revision: string;
    readonly position: string;
    readonly type: string;
    readonly data: JsonObject;
    /** The event's chain hash (metadata.contentHash). */
    readonly chainHash: string;
  };
  readonly treeHead: SignedTreeHead;
  /** Lowercase hex hashes, from the leaf upward. */
  readonly inclusionPath: readonly string[];
  /** The log's public key (raw, base64) as the server stated it; verify with a key obtained elsewhere. */
  readonly logPublicKey: string;
}

export type ReceiptCheck =
  | { readonly ok: true; readonly keyId: string }
  | { readonly ok: false; readonly problem: 'malformed' | 'leaf-mismatch' | 'bad-head-signature' | 'not-included'; readonly reason: string };

const HEX64 = /^[0-9a-f]{64}$/;

export function verifyReceipt(value: unknown, publicKey: string): ReceiptCheck {
  if (typeof value !== 'object' || value === null) return { ok: false, problem: 'malformed', reason: 'a receipt is a JSON object' };
  const r = value as Record<string, unknown>;
  if (!Number.isSafeInteger(r.leafIndex) || (r.leafIndex as number) < 0) return { ok: false, problem: 'malformed', reason: 'leafIndex: a non-negative integer' };
  if (typeof r.leafHash !== 'string' || !HEX64.test(r.leafHash)) return { ok: false, problem: 'malformed', reason: 'leafHash: 64 lowercase hex digits' };
  const proof = r.inclusionPath;
  if (!Array.isArray(proof) || !proof.every((h) => typeof h === 'string' && HEX64.test(h))) {
    return { ok: false, problem: 'malformed', reason: 'inclusionPath: an array of 64-hex-digit hashes' };
  }
  const event = r.event as Partial<Receipt['event']> | undefined;
  if (
    typeof event !== 'object' || event === null || typeof event.streamName !== 'string' || typeof event.revision !== 'string' || !/^\d+$/.test(event.revision) ||
    typeof event.type !== 'string' || typeof event.data !== 'object' || event.data === null || typeof event.chainHash !== 'string'
  ) {
    return { ok: false, problem: 'malformed', reason: 'event: { streamName, revision (decimal), type, data, chainHash }' };
  }
  const recomputed = eventLeafHash({ streamName: event.streamName, revision: BigInt(event.revision), type: event.type, data: event.data, metadata: { contentHash: event.chainHash } }).toString('hex');
  if (recomputed !== r.leafHash) return { ok: false, problem: 'leaf-mismatch', reason: `the event's fields hash to leaf ${recomputed}, not ${r.leafHash}` };
  const head = parseSignedTreeHead(r.treeHead);
  if (!head.ok) return { ok: false, problem: 'malformed', reason: `treeHead.${head.reason}` };
  if (!verifyTreeHead(head.head, publicKey)) return { ok: false, problem: 'bad-head-signature', reason: `the tree head's signature does not verify under key ${logKeyId(publicKey)}` };
  const included = verifyInclusion({
    leafIndex: r.leafIndex as number,
    treeSize: head.head.treeSize,
    leafHash: Buffer.from(r.leafHash, 'hex'),
    path: proof.map((h: string) => Buffer.from(h, 'hex')),
    rootHash: Buffer.from(head.head.rootHash, 'hex'),
  });
  if (!included) return { ok: false, problem: 'not-included', reason: `leaf ${String(r.leafIndex)} with hash ${r.leafHash} is not proven in the tree of size ${head.head.treeSize} and root ${head.head.rootHash}` };
  return { ok: true, keyId: logKeyId(publicKey) };
}
