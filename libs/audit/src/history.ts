// The auditor's paged history: the store's events in global order, or one stream's by revision,
// with everything recorded (data, metadata with the hash links, record time) and the cursor of
// the next page.
import { START_POSITION, type EventStore, type JsonObject, type RecordedEvent } from '@tally/event-store';

export interface HistoryEvent {
  readonly position: string;
  readonly streamName: string;
  /** Decimal string: revisions are 64-bit. */
  readonly revision: string;
  readonly id: string;
  readonly type: string;
  readonly recordedAt: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

export interface HistoryPage {
  readonly events: readonly HistoryEvent[];
  /** Pass as `from` for the next page; null at the end of the store (as of this read). */
  readonly next: string | null;
}

export interface StreamPage {
  readonly streamName: string;
  readonly events: readonly HistoryEvent[];
  /** Pass as `fromRevision` for the next page; null when the stream has no more events. */
  readonly nextRevision: string | null;
}

export const toHistoryEvent = (e: RecordedEvent): HistoryEvent => ({
  position: e.position,
  streamName: e.streamName,
  revision: e.revision.toString(),
  id: e.id,
  type: e.type,
  recordedAt: e.recordedAt.toISOString(),
  data: e.data,
  metadata: e.metadata,
});

/** Up to `limit` events after `from` (exclusive), every category. */
export async function historyPage(store: EventStore, from: string = START_POSITION, limit = 100): Promise<HistoryPage> {
  const page = await store.readAll({ from, batchSize: limit });
  return { events: page.events.map(toHistoryEvent), next: page.isEnd ? null : page.checkpoint };
}

/** Up to `limit` events of one stream from `fromRevision` (inclusive). */
export async function streamPage(store: EventStore, streamName: string, fromRevision: bigint = 0n, limit = 100): Promise<StreamPage> {
  const events = await store.readStream(streamName, { fromRevision, maxCount: limit + 1 });
  const page = events.slice(0, limit);
  return {
    streamName,
    events: page.map(toHistoryEvent),
    nextRevision: events.length > limit ? (fromRevision + BigInt(limit)).toString() : null,
  };
}
