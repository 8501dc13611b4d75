// A stored record the domain's codec (`decodePrecinctEvent`) will not take as an event: where it
// is, and why. Verify counts it a failure; explain and export, which only read, list it beside
// what they show instead of guessing at its fields.
import { decodePrecinctEvent, type DecodeFailure, type PrecinctEvent } from '@tally/domain';
import type { RecordedEvent } from '@tally/event-store';

/** Where a record is in the store, as every audit finding names it. */
export const recordedAt = (e: RecordedEvent) => ({ streamName: e.streamName, revision: e.revision.toString(), position: e.position, eventId: e.id });

export interface UnreadableRecord extends ReturnType<typeof recordedAt> {
  readonly type: string;
  readonly reason: string;
}

/** Why the codec refused a record, in words. */
export const decodeFailureReason = (f: DecodeFailure): string => (f.kind === 'unknown-type' ? `a precinct stream holds no ${f.type} events` : f.message);

/** The record as a precinct event; undefined once it is listed in `unreadable`. */
export function readPrecinctEvent(e: RecordedEvent, unreadable: UnreadableRecord[]): PrecinctEvent | undefined {
  const decoded = decodePrecinctEvent(e);
  if (decoded.ok) return decoded.value;
  unreadable.push({ ...recordedAt(e), type: e.type, reason: decodeFailureReason(decoded.error) });
  return undefined;
}
