// How long the recorder waits for an election it does not know, and the clock it reads: from
// the configuration, injectable so a spec can move time instead of sleeping.
import type { RecorderConfig } from '../config/app.config';

export const RECORDER_POLICY = Symbol('RECORDER_POLICY');

export interface RecorderPolicy {
  /** Total wait for an election the registry does not know, before UNKNOWN_ELECTION (ms). */
  readonly electionWaitMs: number;
  /** The first back-off step of that wait (ms); each next step is twice as long. */
  readonly electionRetryMs: number;
  /** Milliseconds since the epoch: the back-off's clock and the dead letters' instants. */
  readonly now: () => number;
}

export function recorderPolicy(config: Pick<RecorderConfig, 'electionWaitMs' | 'electionRetryMs'>): RecorderPolicy {
  return { electionWaitMs: config.electionWaitMs, electionRetryMs: config.electionRetryMs, now: Date.now };
}
