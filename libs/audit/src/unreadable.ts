// A stored record the domain's codec (`decodePrecinctEvent`) will not take as an event: where it
// is, and why. Verify counts it a failure; explain and export, which only read, list it beside
// what they show instead of guessing at its fields.
import type { DecodeFailure } from '@tally/domain';
import type { RecordedEvent } from '@tally/event-store';

export interface UnreadableRecord {
  readonly streamName: string;
  readonly revision: string;
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly reason: string;
}

/** Why the codec refused a record, in words. */
export const decodeFailureReason = (f: DecodeFailure): string => (f.kind === 'unknown-type' ? `a precinct stream holds no ${f.type} events` : f.message);

export const unreadableRecord = (e: RecordedEvent, f: DecodeFailure): UnreadableRecord => ({
  streamName: e.streamName,
  revision: e.revision.toString(),
  position: e.position,
  eventId: e.id,
  type: e.type,
  reason: decodeFailureReason(f),
});
