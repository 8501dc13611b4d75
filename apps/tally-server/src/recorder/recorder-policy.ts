// How long the recorder waits for an election it does not know, the clock it reads, and how many
// precinct states it keeps folded: from the configuration, injectable so a spec can move time
// instead of sleeping.
import type { RecorderConfig } from '../config/app.config';

export const RECORDER_POLICY = Symbol('RECORDER_POLICY');

export interface RecorderPolicy {
  /** Total wait for an election the registry does not know, before UNKNOWN_ELECTION (ms). */
  readonly electionWaitMs: number;
  /** The first back-off step of that wait (ms); each next step is twice as long. */
  readonly electionRetryMs: number;
  /** Milliseconds since the epoch: the back-off's clock and the dead letters' instants. */
  readonly now: () => number;
  /** Precinct streams whose folded state the recorder keeps (recorder-streams.ts); unset: its default. */
  readonly cachedStreams?: number;
}

export function recorderPolicy(config: Pick<RecorderConfig, 'electionWaitMs' | 'electionRetryMs' | 'cachedStreams'>): RecorderPolicy {
  return { electionWaitMs: config.electionWaitMs, electionRetryMs: config.electionRetryMs, now: Date.now, cachedStreams: config.cachedStreams };
}
