// The public API of @tally/merkle-log: the RFC 9162 log over every recorded event, its signed
// tree heads, proofs and receipts.
export { EMPTY_ROOT, HASH_BYTES, leafHash, MerkleTree, nodeHash, splitPoint } from './merkle-tree';
export { CompactRange } from './compact-range';
export { verifyConsistency, verifyInclusion, type ConsistencyClaim, type InclusionClaim } from './proof-verify';
export { eventLeafHash, LEAF_SCHEME, leafBytes, type LeafEvent } from './log-leaf';
export { encodeTreeHead, HEAD_SCHEME, logKeyId, parseSignedTreeHead, signTreeHead, verifyTreeHead, type SignedTreeHead, type TreeHead } from './tree-head';
export { RECEIPT_SCHEME, verifyReceipt, type Receipt, type ReceiptCheck } from './receipt';
export { LEAF_RECORD_BYTES, LogStateFiles } from './log-state-files';
export { loadLogKey, type LogKey } from './log-key';
export { TransparencyLog, type LeafInfo, type LogLogger, type ReceiptAnswer, type StoreCheck, type TransparencyLogOptions } from './transparency-log';
export { checkStoreAgainstHead, LeafMirror, storeTree, type BadLeaf, type HeadCheck, type StoreTreeResult } from './store-tree';
