// How long the recorder waits for an election it does not know, the clock it reads, how many
// precinct states it keeps folded, and how far a receivedAt may stand from the queue's clock: from
// the configuration, injectable so a spec can move time instead of sleeping.
import type { ReceivedAtBound } from '@tally/domain';
import type { AppConfig, RecorderConfig } from '../config/app.config';

export const RECORDER_POLICY = Symbol('RECORDER_POLICY');

/**
 * Precinct states kept folded. A night touches every precinct again at each turnout time and with
 * each protocol, in rounds across the whole election: an LRU smaller than the precincts then hits
 * nothing, and every submission reads its stream again. 25,000-precinct nights, in turn: 1,691
 * submissions/s with 20,000 states kept, the recorder 66 ms a batch of 130 messages; 1,998/s with
 * all of them kept, 22 ms a batch of 63 (2026-12-05). A state of 8 events is about 2.4 KiB of heap,
 * so the default's 100,000 cost up to about 240 MB (TALLY_RECORDER_CACHED_STREAMS).
 */
export const DEFAULT_CACHED_STREAMS = 100_000;

export interface RecorderPolicy {
  /** Total wait for an election the registry does not know, before UNKNOWN_ELECTION (ms). */
  readonly electionWaitMs: number;
  /** The first back-off step of that wait (ms); each next step is twice as long. */
  readonly electionRetryMs: number;
  /** Milliseconds since the epoch: the back-off's clock and the dead letters' instants. */
  readonly now: () => number;
  /** Precinct streams whose folded state the recorder keeps (recorder-streams.ts); unset: DEFAULT_CACHED_STREAMS. */
  readonly cachedStreams?: number;
  /** How far an envelope's receivedAt may stand from the queue's append time (MISDATED past it). */
  readonly receivedAt: ReceivedAtBound;
}

export function recorderPolicy(config: Pick<RecorderConfig, 'electionWaitMs' | 'electionRetryMs' | 'cachedStreams'>, receivedAt: AppConfig['receivedAt']): RecorderPolicy {
  return { electionWaitMs: config.electionWaitMs, electionRetryMs: config.electionRetryMs, now: Date.now, cachedStreams: config.cachedStreams, receivedAt };
}
