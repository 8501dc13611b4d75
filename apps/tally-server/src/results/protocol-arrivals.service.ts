// When each precinct's first protocol of a contest was recorded: the store's record time of its
// ProtocolRecorded event, the forensic late-arrival test's input. The results view keeps counts,
// not times, so this follows the precinct streams itself, incrementally from its own checkpoint,
// when asked (one reader at a time; nothing runs between requests).
import { Inject, Injectable } from '@nestjs/common';
import type { ArrivalLookup } from '@tally/domain';
import { categories, categoryFilter, START_POSITION, type EventStore } from '@tally/event-store';
import { toViewEvent } from '@tally/projection';
import { EVENT_STORE } from '../infrastructure/tokens';

const PRECINCTS = categoryFilter(categories.precinct);

@Injectable()
export class ProtocolArrivalsService {
  private checkpoint = START_POSITION;
  /** election → contest → precinct → ms since the epoch. About 100 bytes an entry: 10 MB per 100,000 protocols. */
  private readonly arrivals = new Map<string, Map<string, Map<string, number>>>();
  private reading: Promise<void> | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The arrival times of one contest's first protocols, as far as the store has them now. */
  async of(electionId: string, contestId: string): Promise<ArrivalLookup> {
    await this.catchUp();
    const times = this.arrivals.get(electionId)?.get(contestId);
    return (precinctId) => times?.get(precinctId);
  }

  private catchUp(): Promise<void> {
    // Requests that arrive while a read runs share it (and the next one reads what came since).
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<void> {
    for (;;) {
      const batch = await this.store.readAll({ from: this.checkpoint, filter: PRECINCTS, batchSize: 5000 });
      for (const e of batch.events) {
        if (e.type !== 'ProtocolRecorded') continue;
        const event = toViewEvent(e);
        // Test facts (an election's test mode) are no arrivals of the count.
        if (event?.type !== 'ProtocolRecorded' || event.data.test === true) continue;
        const { electionId, contestId, precinctId } = event.data;
        let byContest = this.arrivals.get(electionId);
        if (!byContest) this.arrivals.set(electionId, (byContest = new Map()));
        let times = byContest.get(contestId);
        if (!times) byContest.set(contestId, (times = new Map()));
        // The first record wins: a redelivered protocol appends nothing, but be sure.
        if (!times.has(precinctId)) times.set(precinctId, e.recordedAt.getTime());
      }
      this.checkpoint = batch.checkpoint;
      if (batch.isEnd) return;
    }
  }
}
