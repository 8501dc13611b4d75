// A precinct's current versions: the place each signed subject holds in its history (scheme
// tally-submission-v2), so a commission signs the next one, current + 1 (`tally sign --server`
// asks here). Read from the store on every request, never from a cache (a version one behind
// signs a body the recorder refuses STALE_VERSION), and folded by the recorder's own precinct
// stream decider (recorder-streams.ts: the domain codec, then evolvePrecinct): one fold, not two.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PrecinctState } from '@tally/domain';
import { streams, type EventStore } from '@tally/event-store';
import { ElectionRegistry } from '../elections/election-registry.service';
import { problem, ProblemException } from '../http/problem';
import { EVENT_STORE } from '../infrastructure/tokens';
import { recorderStreams } from '../recorder/recorder-streams';

export interface PrecinctVersions {
  /** By contest id: the current version of its protocol (1, then 2, … per correction) and the submission that made it. */
  readonly contests: Readonly<Record<string, { readonly version: number; readonly submissionId: string }>>;
  /** By reporting time ("HH:MM"): the version of its running figure and the figure. */
  readonly turnout: Readonly<Record<string, { readonly version: number; readonly ballotsIssued: number }>>;
}

/** The state's versions as the API answers them, in key order. */
export function precinctVersions(state: PrecinctState): PrecinctVersions {
  const sorted = <T>(m: ReadonlyMap<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    contests: Object.fromEntries(sorted(state.contests).map(([id, c]) => [id, { version: c.version, submissionId: c.submissionId }])),
    turnout: Object.fromEntries(sorted(state.turnout).map(([time, t]) => [time, { version: t.version, ballotsIssued: t.ballotsIssued }])),
  };
}

@Injectable()
export class PrecinctVersionsService {
  private readonly fold = recorderStreams(new Logger('PrecinctVersions')).precinct;

  constructor(
    private readonly registry: ElectionRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async versions(electionId: string, precinctId: string): Promise<PrecinctVersions> {
    const election = this.registry.get(electionId);
    if (!election) throw new ProblemException([problem('UNKNOWN_ELECTION', 'electionId', `no election ${electionId} is defined`, { electionId })]);
    if (!election.precinct(precinctId)) {
      throw new ProblemException([problem('UNKNOWN_PRECINCT', 'precinctId', `no precinct ${precinctId} in election ${electionId}`, { electionId, precinctId })]);
    }
    const records = await this.store.readStream(streams.precinct(electionId, precinctId));
    return precinctVersions(records.reduce((state, record) => this.fold.evolve(state, record), this.fold.initialState()));
  }
}
