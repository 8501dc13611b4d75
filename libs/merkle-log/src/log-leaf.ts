// A recorded event as a leaf of the log. The leaf bytes, version 1, are length-prefixed fields
// (@tally/encoding: 4-byte big-endian length, then the UTF-8 bytes), in this order:
//   "tally-log-leaf-v1", stream name, revision (decimal), type, canonical JSON of data,
//   the event's chain hash (metadata.contentHash, lowercase hex; "" when it has none).
// The data is in the leaf itself, not only behind the chain hash: a superuser who rewrites an event
// and recomputes its stream's chain changes both, and either changes the leaf. The chain hash
// brings in what the data does not hold (event id, metadata, the previous link). The global
// position is not a field: it is the store's bookkeeping (it differs between engines), while the
// leaf's index in the log is its place in the global order.
import { canonicalJson, encodeLengthPrefixed } from '@tally/encoding';
import type { JsonObject, RecordedEvent } from '@tally/event-store';
import { leafHash } from './merkle-tree';

export const LEAF_SCHEME = 'tally-log-leaf-v1';

export type LeafEvent = Pick<RecordedEvent, 'streamName' | 'revision' | 'type' | 'data'> & { readonly metadata: JsonObject };

export function leafBytes(event: LeafEvent): Buffer {
  const chainHash = typeof event.metadata.contentHash === 'string' ? event.metadata.contentHash : '';
  return encodeLengthPrefixed([LEAF_SCHEME, event.streamName, event.revision.toString(10), event.type, canonicalJson(event.data), chainHash]);
}

export const eventLeafHash = (event: LeafEvent): Buffer => leafHash(leafBytes(event));
