// The two kinds of stream the recorder writes, as the event store's command handler sees them:
// how a stream's records fold into a state, and what a queue message appends to it.
// - a precinct's stream: the domain's precinct decider, its records decoded by the domain codec;
// - an election's intake-rejections stream (a verified submission for a precinct the election
//   does not have): the recorder only needs to know which of its own event ids are already
//   there, so a redelivered message appends nothing twice.
// Both refuse, as a value, an event the store could not keep (Unstorable): that message is
// dead-lettered instead of failing its whole batch. Each recorder has its own pair (own caches).
import type { LoggerService } from '@nestjs/common';
import { decodePrecinctEvent, decidePrecinct, err, evolvePrecinct, initialPrecinctState, ok, type ElectionIndex, type PrecinctCommand, type PrecinctState } from '@tally/domain';
import { eventToAppend, InvalidAppendError, StreamStateCache, unstorableEvent, type Decision, type EventToAppend, type JsonObject, type StreamDecider } from '@tally/event-store';
import { submissionEventId } from './recorder-event-ids';
import { DEFAULT_CACHED_STREAMS } from './recorder-policy';

const REJECTION_CACHE_SIZE = 256;

/** One submission for a precinct's stream: the command, the election it is judged under, and the metadata its events carry. */
export interface PrecinctWrite {
  readonly command: PrecinctCommand;
  readonly election: ElectionIndex;
  /** The bodies whose seats are certified (the registry's, when the batch is decided): a correction under one is refused. */
  readonly certifiedBodies?: ReadonlySet<string>;
  readonly metadata: JsonObject;
}

/** The event ids already in an intake-rejections stream: enough to skip a redelivered message. */
export type RejectionState = ReadonlySet<string>;

/** Why the store would refuse an event decided for a message (eventToAppend, unstorableEvent). */
export interface Unstorable {
  readonly reason: string;
}

export interface RecorderStreams {
  readonly precinct: StreamDecider<PrecinctState, PrecinctWrite, Unstorable>;
  /** The command is the event to keep, its id derived from the message. */
  readonly rejection: StreamDecider<RejectionState, EventToAppend, Unstorable>;
}

/** The events, or why the store could not keep one of them: checked before the batch's appendMany. */
export function storable(events: () => readonly EventToAppend[]): Decision<Unstorable> {
  let built: readonly EventToAppend[];
  try {
    built = events();
  } catch (error) {
    if (error instanceof InvalidAppendError) return err({ reason: error.message });
    throw error;
  }
  for (const event of built) {
    const why = unstorableEvent(event);
    if (why !== undefined) return err({ reason: `${event.type}: ${why}` });
  }
  return ok(built);
}

export function recorderStreams(logger: Pick<LoggerService, 'warn'>, cachedStreams = DEFAULT_CACHED_STREAMS): RecorderStreams {
  return {
    precinct: {
      cache: new StreamStateCache<PrecinctState>(cachedStreams),
      initialState: initialPrecinctState,
      evolve(state, record) {
        const decoded = decodePrecinctEvent(record);
        if (decoded.ok) return evolvePrecinct(state, decoded.value);
        const what = decoded.error.kind === 'unknown-type' ? `unknown event type ${record.type}` : `malformed ${record.type} (${decoded.error.message})`;
        logger.warn(`${what} in ${record.streamName} at revision ${record.revision}; ignored by the recorder`);
        return state;
      },
      decide({ command, election, certifiedBodies, metadata }, state) {
        const events = decidePrecinct(command, state, { election, certifiedBodies });
        return storable(() => events.map((event, i) => eventToAppend(submissionEventId(command.meta.submissionId, i), event, metadata)));
      },
    },
    rejection: {
      cache: new StreamStateCache<RejectionState>(REJECTION_CACHE_SIZE),
      initialState: () => new Set<string>(),
      evolve: (seen, record) => (seen.has(record.id) ? seen : new Set(seen).add(record.id)),
      // Intake's refusals share these streams (a flood of bad requests is many records): one pass.
      fold: (records) => new Set(records.map((r) => r.id)),
      decide: (event, seen) => (seen.has(event.id) ? ok([]) : storable(() => [event])),
    },
  };
}
