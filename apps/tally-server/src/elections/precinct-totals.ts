// The sums a commission's act is judged against: the current protocol of each precinct under the
// commission that votes in the contest, read from its stream and folded by the recorder's own
// precinct fold (the domain codec, then evolvePrecinct), then summed line by line
// (lifecycle.ts sumProtocols). Read fresh for every act: acts are rare, a stale sum would refuse
// a correct summary or admit a wrong one.
import { Logger } from '@nestjs/common';
import { sumProtocols, type ContestTotals, type ElectionIndex, type Protocol } from '@tally/domain';
import { streams, type EventStore } from '@tally/event-store';
import { recorderStreams } from '../recorder/recorder-streams';

const fold = recorderStreams(new Logger('ActTotals')).precinct;
/** Streams read at once: enough to hide the round trips, few enough to leave the pool to the recorder. */
const PARALLEL = 16;

export async function precinctTotals(store: EventStore, election: ElectionIndex, commissionId: string, contestId: string): Promise<ContestTotals> {
  const voting = new Set(election.precinctsInContest(contestId));
  const precincts = election.precinctsUnder(commissionId).filter((id) => voting.has(election.precinctIndex(id) as number));
  const protocols: Protocol[] = [];
  for (let i = 0; i < precincts.length; i += PARALLEL) {
    const states = await Promise.all(
      precincts.slice(i, i + PARALLEL).map(async (precinctId) => {
        const records = await store.readStream(streams.precinct(election.definition.id, precinctId));
        return records.reduce((state, record) => fold.evolve(state, record), fold.initialState());
      }),
    );
    for (const state of states) {
      const current = state.contests.get(contestId);
      if (current) protocols.push(current.protocol);
    }
  }
  return sumProtocols(contestId, precincts.length, protocols);
}
