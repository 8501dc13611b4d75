// A small hand-made election for the view specs, and builders for the recorded events they
// feed in. Two district commissions, five precincts, one list contest (6 seats, 7%, four lists)
// and two single-member districts of the same council.
import type { AllocationInput } from '../allocation/allocation.types';
import type { ElectionDefinition } from '../election/election-definition';
import { indexElection, type ElectionIndex } from '../election/election-index';
import { parseElectionDefinition } from '../election/parse-election-definition';
import type { Refusal } from '../protocol/refusal';
import type { Protocol } from '../protocol/protocol';
import type { RecordedPrecinctEvent } from './results.view';

const name = (en: string) => ({ kk: en, ru: en, en });

export const SMALL_ELECTION_INPUT = {
  id: 'small-2026',
  name: name('Small council election'),
  date: '2026-03-15',
  timeZone: 'Asia/Almaty',
  turnoutTimes: ['10:00', '14:00', '18:00'],
  bodies: [{ id: 'council', name: name('Council') }],
  lists: ['A', 'B', 'C', 'D'].map((id, i) => ({ id, name: name(`Party ${id}`), colour: '#336699', registrationOrder: i + 1 })),
  candidates: [
    { id: 'c1', name: name('Candidate One'), party: 'A' },
    { id: 'c2', name: name('Candidate Two'), party: 'B' },
    { id: 'c3', name: name('Candidate Three'), party: null },
    { id: 'c4', name: name('Candidate Four'), party: 'A' },
    { id: 'c5', name: name('Candidate Five'), party: 'C' },
  ],
  contests: [
    {
      kind: 'list',
      id: 'L',
      name: name('Council, party lists'),
      body: 'council',
      seats: 6,
      thresholdPercent: 7,
      thresholdBase: 'list-votes-plus-against-all',
      method: 'hare',
      lists: ['A', 'B', 'C', 'D'],
    },
    { kind: 'single-member', id: 'SM1', name: name('Council, North district'), body: 'council', district: 'north', candidates: ['c1', 'c2', 'c3'] },
    { kind: 'single-member', id: 'SM2', name: name('Council, South district'), body: 'council', district: 'south', candidates: ['c4', 'c5'] },
  ],
  commissions: [
    { id: 'cec', level: 'central', parent: null, name: name('Central') },
    { id: 'north', level: 'district', parent: 'cec', name: name('North') },
    { id: 'p1', level: 'precinct', parent: 'north', name: name('P1'), registeredVoters: 1000, contests: ['L', 'SM1'] },
    { id: 'p2', level: 'precinct', parent: 'north', name: name('P2'), registeredVoters: 800, contests: ['L', 'SM1'] },
    { id: 'p3', level: 'precinct', parent: 'north', name: name('P3'), registeredVoters: 1200, contests: ['L', 'SM1'] },
    { id: 'south', level: 'district', parent: 'cec', name: name('South') },
    { id: 'p4', level: 'precinct', parent: 'south', name: name('P4'), registeredVoters: 100, contests: ['L', 'SM2'] },
    { id: 'p5', level: 'precinct', parent: 'south', name: name('P5'), registeredVoters: 1500, contests: ['L', 'SM2'] },
  ],
};

export function parsedOrThrow(input: unknown): ElectionDefinition {
  const parsed = parseElectionDefinition(input);
  if (!parsed.ok) throw new Error(`fixture definition does not parse: ${JSON.stringify(parsed.error)}`);
  return parsed.value;
}

export const smallElection = (): ElectionIndex => indexElection(parsedOrThrow(SMALL_ELECTION_INPUT));

/** Contest L's settings (6 seats, Hare, 7% of list votes + against all) on the given figures: an expected allocation's input. */
export const contestLInput = (votes: Readonly<Record<string, number>>, againstAll: number, ballotsCast: number): AllocationInput => ({
  seats: 6,
  method: 'hare',
  thresholdPercent: 7,
  thresholdBase: 'list-votes-plus-against-all',
  lists: Object.entries(votes).map(([id, v]) => ({ id, votes: v })),
  againstAll,
  ballotsCast,
  minimumAdmittedLists: 2,
  tieRule: 'registration-order',
});

export interface ProtocolLines {
  readonly registered: number;
  readonly votes: Readonly<Record<string, number>>;
  readonly againstAll: number;
  readonly invalid: number;
  /** Issued but not found (taken away). */
  readonly missing?: number;
  readonly early?: number;
  readonly mobile?: number;
}

/** A protocol satisfying the control relations: found = votes + against all + invalid, received = registered. */
export function protocolOf(contestId: string, p: ProtocolLines): Protocol {
  const valid = Object.values(p.votes).reduce((s, v) => s + v, 0) + p.againstAll;
  const found = valid + p.invalid;
  const issued = found + (p.missing ?? 0);
  const early = p.early ?? 0;
  const mobile = p.mobile ?? 0;
  return {
    contestId,
    registeredVoters: p.registered,
    addedSameDay: 0,
    ballotsReceived: p.registered,
    ballotsIssued: { atStation: issued - early - mobile, early, mobile },
    ballotsCancelled: p.registered - issued,
    ballotsLost: 0,
    ballotsFound: found,
    invalid: p.invalid,
    votes: { ...p.votes },
    againstAll: p.againstAll,
  };
}

/** Numbers events as the store would: positions `1:n`, one second apart. */
export class History {
  private n = 0;
  private submissions = 0;

  constructor(private readonly electionId = 'small-2026') {}

  private stamp() {
    this.n++;
    const two = (x: number) => String(x).padStart(2, '0');
    // Time is an input, never the clock: one second per event from 15:00 UTC (up to an hour's worth).
    return { position: `1:${this.n}`, recordedAt: `2026-03-15T15:${two(Math.floor(this.n / 60) % 60)}:${two(this.n % 60)}.000Z` };
  }

  private meta(precinctId: string, submittedBy = precinctId) {
    this.submissions++;
    return {
      submissionId: `sub-${this.submissions}`,
      electionId: this.electionId,
      precinctId,
      submittedBy,
      receivedAt: '2026-03-15T15:00:00.000Z',
      signature: null,
    };
  }

  recorded(precinctId: string, protocol: Protocol): RecordedPrecinctEvent {
    return { type: 'ProtocolRecorded', data: { ...this.meta(precinctId), contestId: protocol.contestId, protocol, version: 1 }, ...this.stamp() };
  }

  corrected(precinctId: string, protocol: Protocol, version: number, by = 'cec'): RecordedPrecinctEvent {
    return {
      type: 'ProtocolCorrected',
      data: { ...this.meta(precinctId, by), contestId: protocol.contestId, protocol, version, supersedes: `earlier-${version - 1}`, reason: 'recount' },
      ...this.stamp(),
    };
  }

  turnout(precinctId: string, time: string, ballotsIssued: number): RecordedPrecinctEvent {
    return { type: 'TurnoutReported', data: { ...this.meta(precinctId), time, ballotsIssued }, ...this.stamp() };
  }

  refused(precinctId: string, kind: 'protocol' | 'correction' | 'turnout', codes: readonly Refusal['code'][]): RecordedPrecinctEvent {
    return {
      type: 'SubmissionRefused',
      data: { ...this.meta(precinctId), kind, reasons: codes.map((code) => ({ code, field: 'protocol', message: code })), payload: {} },
      ...this.stamp(),
    };
  }
}
