// Given recorded events, then these results: the small council election of results.test-helper.ts.
import { allocate } from '../allocation/allocate';
import { decodePrecinctEvent } from '../events/stored-event.codec';
import { applyEvent, createResultsView, type RecordedPrecinctEvent, type ResultsView } from './results.view';
import { bodyComposition, commissionResults, commissionTree, contestResults, electionSummary, type ListContestResults, type SingleMemberContestResults } from './results.queries';
import { History, protocolOf, smallElection, contestLInput } from './results.test-helper';

// The list contest, precinct by precinct (A, B, C, D; against all; invalid).
const L = {
  p1: protocolOf('L', { registered: 1000, votes: { A: 300, B: 200, C: 40, D: 5 }, againstAll: 20, invalid: 10, missing: 10, early: 30, mobile: 20 }),
  p2: protocolOf('L', { registered: 800, votes: { A: 250, B: 150, C: 30, D: 5 }, againstAll: 10, invalid: 5, mobile: 15 }),
  p3: protocolOf('L', { registered: 1200, votes: { A: 400, B: 300, C: 20, D: 5 }, againstAll: 30, invalid: 10, early: 10 }),
  p4: protocolOf('L', { registered: 100, votes: { A: 20, B: 10, C: 30, D: 2 }, againstAll: 3, invalid: 1, missing: 4 }),
  p5: protocolOf('L', { registered: 1500, votes: { A: 500, B: 400, C: 100, D: 5 }, againstAll: 50, invalid: 20, missing: 5, early: 25, mobile: 25 }),
};
const SM1 = {
  p1: protocolOf('SM1', { registered: 1000, votes: { c1: 200, c2: 250, c3: 100 }, againstAll: 10, invalid: 15, missing: 10, early: 30, mobile: 20 }),
  p2: protocolOf('SM1', { registered: 800, votes: { c1: 150, c2: 100, c3: 180 }, againstAll: 10, invalid: 10, mobile: 15 }),
  p3: protocolOf('SM1', { registered: 1200, votes: { c1: 300, c2: 200, c3: 240 }, againstAll: 15, invalid: 10, early: 10 }),
};
const SM2 = {
  p4: protocolOf('SM2', { registered: 100, votes: { c4: 20, c5: 40 }, againstAll: 5, invalid: 1, missing: 4 }),
  p5: protocolOf('SM2', { registered: 1500, votes: { c4: 400, c5: 600 }, againstAll: 50, invalid: 25, missing: 5, early: 25, mobile: 25 }),
};

function given(events: readonly RecordedPrecinctEvent[]): ResultsView {
  const view = createResultsView(smallElection());
  for (const e of events) applyEvent(view, e);
  return view;
}

const listResults = (view: ResultsView, commission: string): ListContestResults => {
  const r = commissionResults(view, commission, 'L');
  if (r?.kind !== 'list') throw new Error(`no list results at ${commission}`);
  return r;
};
const districtResults = (view: ResultsView, commission: string, contest: string): SingleMemberContestResults => {
  const r = commissionResults(view, commission, contest);
  if (r?.kind !== 'single-member') throw new Error(`no district results at ${commission}`);
  return r;
};

const NO_TURNOUT = ['10:00', '14:00', '18:00'].map((time) => ({ time, ballotsIssued: 0, registeredVoters: 0, precinctsReported: 0, turnout: { numerator: 0, denominator: 0 } }));

describe('results view: list contest aggregation', () => {
  it('sums recorded protocols at the district commission: local shares and contributions, no threshold or seats on a part of the contest', () => {
    const h = new History();
    const view = given([h.recorded('p1', L.p1), h.recorded('p2', L.p2), h.recorded('p4', L.p4)]);

    // North = p1 + p2; p3 (1,200 voters) outstanding. Contest-wide (p1, p2, p4): A 570, B 360, C 100, D 12.
    const base = 980 + 30; // list votes + against all
    const local = (id: string, votes: number, whole: number) => ({
      id,
      votes,
      share: { numerator: votes, denominator: base },
      threshold: null,
      admission: null,
      seats: null,
      contribution: { numerator: votes, denominator: whole },
    });

    expect(listResults(view, 'north')).toEqual({
      kind: 'list',
      commissionId: 'north',
      contestId: 'L',
      precincts: { reported: 2, expected: 3 },
      registeredVoters: 3000,
      registeredVotersReported: 1800,
      outstandingVoters: 1200,
      ballotsIssued: { atStation: 535 + 435, early: 30, mobile: 20 + 15, total: 585 + 450 },
      ballotsFound: 1025,
      invalid: 15,
      againstAll: 30,
      turnout: { numerator: 1035, denominator: 1800 },
      turnoutByTime: NO_TURNOUT,
      base,
      againstAllShare: { numerator: 30, denominator: base },
      baseKind: 'list-votes-plus-against-all',
      thresholdPercent: 7,
      seats: 6,
      lists: [local('A', 550, 570), local('B', 350, 360), local('C', 70, 100), local('D', 10, 12)],
      scope: { kind: 'local', allocatingCommissionId: 'cec' },
      allocation: null,
    });
  });

  it('keeps a local contribution current when votes elsewhere change the contest, the local figures untouched', () => {
    const h = new History();
    const view = given([h.recorded('p1', L.p1), h.recorded('p2', L.p2)]);
    expect(listResults(view, 'north').lists.map((l) => l.contribution)).toEqual([550, 350, 70, 10].map((v) => ({ numerator: v, denominator: v })));
    applyEvent(view, h.recorded('p4', L.p4));
    expect(listResults(view, 'north').lists.map((l) => l.contribution)).toEqual([
      { numerator: 550, denominator: 570 },
      { numerator: 350, denominator: 360 },
      { numerator: 70, denominator: 100 },
      { numerator: 10, denominator: 12 },
    ]);
  });

  it('judges the threshold and allocates the seats at the allocating scope, on the whole contest', () => {
    const h = new History();
    const view = given([h.recorded('p1', L.p1), h.recorded('p2', L.p2), h.recorded('p4', L.p4)]);
    const cec = listResults(view, 'cec');
    const expectedAllocation = allocate(contestLInput({ A: 570, B: 360, C: 100, D: 12 }, 33, 1091));
    if (expectedAllocation.kind !== 'allocated') throw new Error('expected an allocation');
    expect(cec.scope).toEqual({ kind: 'allocating' });
    expect(cec.allocation).toEqual(expectedAllocation);
    expect(cec.lists.map((l) => [l.id, l.seats, l.contribution])).toEqual(expectedAllocation.lists.map((l) => [l.id, l.seats, null]));
    expect(cec.lists.every((l) => l.threshold !== null && l.admission !== null)).toBe(true);
  });

  it('aggregates the same protocols at every level: precinct, district commission, root', () => {
    const h = new History();
    const view = given([h.recorded('p1', L.p1), h.recorded('p2', L.p2), h.recorded('p4', L.p4)]);
    const pick = (r: ListContestResults) => ({
      precincts: r.precincts,
      registeredVoters: r.registeredVoters,
      registeredVotersReported: r.registeredVotersReported,
      issued: r.ballotsIssued.total,
      found: r.ballotsFound,
      invalid: r.invalid,
      againstAll: r.againstAll,
      votes: r.lists.map((l) => l.votes),
    });
    expect(pick(listResults(view, 'p1'))).toEqual({ precincts: { reported: 1, expected: 1 }, registeredVoters: 1000, registeredVotersReported: 1000, issued: 585, found: 575, invalid: 10, againstAll: 20, votes: [300, 200, 40, 5] });
    expect(pick(listResults(view, 'p3'))).toEqual({ precincts: { reported: 0, expected: 1 }, registeredVoters: 1200, registeredVotersReported: 0, issued: 0, found: 0, invalid: 0, againstAll: 0, votes: [0, 0, 0, 0] });
    expect(pick(listResults(view, 'south'))).toEqual({ precincts: { reported: 1, expected: 2 }, registeredVoters: 1600, registeredVotersReported: 100, issued: 70, found: 66, invalid: 1, againstAll: 3, votes: [20, 10, 30, 2] });
    expect(pick(listResults(view, 'cec'))).toEqual({ precincts: { reported: 3, expected: 5 }, registeredVoters: 4600, registeredVotersReported: 1900, issued: 1105, found: 1091, invalid: 16, againstAll: 33, votes: [570, 360, 100, 12] });
    expect(contestResults(view, 'L')).toBe(commissionResults(view, 'cec', 'L'));
  });

  it('answers undefined for an unknown commission or contest, or a contest not voted in beneath the commission', () => {
    const view = given([]);
    expect(commissionResults(view, 'nowhere', 'L')).toBeUndefined();
    expect(commissionResults(view, 'north', 'nothing')).toBeUndefined();
    expect(commissionResults(view, 'south', 'SM1')).toBeUndefined();
    expect(commissionResults(view, 'p4', 'SM1')).toBeUndefined();
  });
});

describe('results view: corrections', () => {
  it('replaces the precinct’s earlier contribution: totals go down as well as up', () => {
    const h = new History();
    const corrected = protocolOf('L', { registered: 1000, votes: { A: 250, B: 260, C: 40, D: 5 }, againstAll: 10, invalid: 20, missing: 10, early: 30, mobile: 20 });
    const view = given([h.recorded('p1', L.p1), h.recorded('p2', L.p2), h.corrected('p1', corrected, 2)]);
    const north = listResults(view, 'north');
    expect(north.lists.map((l) => l.votes)).toEqual([250 + 250, 260 + 150, 40 + 30, 5 + 5]);
    expect({ againstAll: north.againstAll, invalid: north.invalid, found: north.ballotsFound, precincts: north.precincts }).toEqual({
      againstAll: 10 + 10,
      invalid: 20 + 5,
      found: 585 + 450,
      precincts: { reported: 2, expected: 3 },
    });
    expect(listResults(view, 'cec').lists.map((l) => l.votes)).toEqual([500, 410, 70, 10]);
  });

  it('a later correction replaces the earlier one; a redelivered older version changes nothing', () => {
    const h = new History();
    const v2 = protocolOf('L', { registered: 1000, votes: { A: 100, B: 200, C: 40, D: 5 }, againstAll: 20, invalid: 10 });
    const v3 = protocolOf('L', { registered: 1000, votes: { A: 290, B: 210, C: 40, D: 5 }, againstAll: 20, invalid: 10 });
    const first = h.recorded('p1', L.p1);
    const second = h.corrected('p1', v2, 2);
    const view = given([first, second, h.corrected('p1', v3, 3)]);
    expect(applyEvent(view, second)).toEqual({ kind: 'duplicate' });
    expect(applyEvent(view, first)).toEqual({ kind: 'duplicate' });
    expect(listResults(view, 'cec').lists.map((l) => l.votes)).toEqual([290, 210, 40, 5]);
    expect(listResults(view, 'p1').precincts).toEqual({ reported: 1, expected: 1 });
  });
});

describe('results view: turnout by reporting time', () => {
  it('sums running turnout over the precincts that reported at each time; a report replaces the earlier one for that time', () => {
    const h = new History();
    const view = given([
      h.turnout('p1', '10:00', 100),
      h.turnout('p2', '10:00', 80),
      h.turnout('p4', '10:00', 10),
      h.turnout('p1', '14:00', 290),
      h.turnout('p1', '14:00', 300), // a later report for the same time wins
    ]);
    expect(listResults(view, 'north').turnoutByTime).toEqual([
      { time: '10:00', ballotsIssued: 180, registeredVoters: 1800, precinctsReported: 2, turnout: { numerator: 180, denominator: 1800 } },
      { time: '14:00', ballotsIssued: 300, registeredVoters: 1000, precinctsReported: 1, turnout: { numerator: 300, denominator: 1000 } },
      { time: '18:00', ballotsIssued: 0, registeredVoters: 0, precinctsReported: 0, turnout: { numerator: 0, denominator: 0 } },
    ]);
    expect(listResults(view, 'cec').turnoutByTime[0]).toEqual({ time: '10:00', ballotsIssued: 190, registeredVoters: 1900, precinctsReported: 3, turnout: { numerator: 190, denominator: 1900 } });
    // The district contests see only their own precincts.
    expect(districtResults(view, 'cec', 'SM2').turnoutByTime[0]).toEqual({ time: '10:00', ballotsIssued: 10, registeredVoters: 100, precinctsReported: 1, turnout: { numerator: 10, denominator: 100 } });
    expect(listResults(view, 'p1').turnoutByTime.map((t) => t.ballotsIssued)).toEqual([100, 300, 0]);
    // Running turnout is not a protocol: nothing is reported yet.
    expect(listResults(view, 'cec').precincts).toEqual({ reported: 0, expected: 5 });
  });

  it('a report of 0 ballots is a report: its revision replaces it and counts the precinct once', () => {
    const h = new History();
    const view = given([h.turnout('p1', '10:00', 0), h.turnout('p1', '10:00', 40)]);
    expect(listResults(view, 'north').turnoutByTime[0]).toEqual({ time: '10:00', ballotsIssued: 40, registeredVoters: 1000, precinctsReported: 1, turnout: { numerator: 40, denominator: 1000 } });
  });

  it('reports which commissions and contests changed', () => {
    const h = new History();
    const view = given([]);
    expect(applyEvent(view, h.turnout('p4', '10:00', 10))).toEqual({
      kind: 'applied',
      changedCommissions: [
        { commissionId: 'p4', contestIds: ['L', 'SM2'] },
        { commissionId: 'south', contestIds: ['L', 'SM2'] },
        { commissionId: 'cec', contestIds: ['L', 'SM2'] },
      ],
    });
    expect(applyEvent(view, h.recorded('p2', SM1.p2))).toEqual({
      kind: 'applied',
      changedCommissions: [
        { commissionId: 'p2', contestIds: ['SM1'] },
        { commissionId: 'north', contestIds: ['SM1'] },
        { commissionId: 'cec', contestIds: ['SM1'] },
      ],
    });
  });
});

describe('results view: precincts reported and refusals', () => {
  it('counts a precinct as reported once every contest it votes in has a protocol', () => {
    const h = new History();
    const view = given([h.recorded('p1', L.p1), h.recorded('p1', SM1.p1), h.recorded('p2', L.p2), h.recorded('p4', SM2.p4)]);
    expect(commissionTree(view)).toEqual({
      id: 'cec',
      level: 'central',
      name: { kk: 'Central', ru: 'Central', en: 'Central' },
      precincts: { reported: 1, expected: 5 },
      protocols: { reported: 4, expected: 10 },
      children: [
        { id: 'north', level: 'district', name: { kk: 'North', ru: 'North', en: 'North' }, precincts: { reported: 1, expected: 3 }, protocols: { reported: 3, expected: 6 }, children: [] },
        { id: 'south', level: 'district', name: { kk: 'South', ru: 'South', en: 'South' }, precincts: { reported: 0, expected: 2 }, protocols: { reported: 1, expected: 4 }, children: [] },
      ],
    });
    expect(commissionTree(view, { from: 'north', precincts: true, depth: 1 })?.children?.map((c) => [c.id, c.precincts.reported, c.protocols.reported])).toEqual([
      ['p1', 1, 2],
      ['p2', 0, 1],
      ['p3', 0, 0],
    ]);
    expect(commissionTree(view, { depth: 0 })?.children).toBeUndefined();
    expect(commissionTree(view, { from: 'nowhere' })).toBeUndefined();
  });

  it('refusals count in the summary, once per submission, and in no result', () => {
    const h = new History();
    const refusal = h.refused('p3', 'protocol', ['BALLOTS_FOUND_MISMATCH', 'FOUND_EXCEEDS_ISSUED']);
    const view = given([h.recorded('p1', L.p1), refusal, h.refused('p4', 'turnout', ['UNKNOWN_TURNOUT_TIME']), refusal]);
    const clean = given([new History().recorded('p1', L.p1)]);
    expect(electionSummary(view)).toEqual({
      electionId: 'small-2026',
      position: '1:3', // the redelivered refusal moves nothing, the cursor included
      recordedAt: '2026-03-15T15:00:03.000Z',
      eventsApplied: 3,
      eventsIgnored: 0,
      precincts: { reported: 0, expected: 5 },
      protocols: { reported: 1, expected: 10 },
      refusals: { total: 2, byCode: { BALLOTS_FOUND_MISMATCH: 1, FOUND_EXCEEDS_ISSUED: 1, UNKNOWN_TURNOUT_TIME: 1 }, byKind: { protocol: 1, turnout: 1 } },
    });
    for (const commission of ['p3', 'north', 'cec']) expect(listResults(view, commission)).toEqual(listResults(clean, commission));
    // Two reasons of one code (two lines missing, say) count once under it: it counts submissions.
    expect(electionSummary(given([h.refused('p5', 'protocol', ['MISSING_CHOICE', 'MISSING_CHOICE'])])).refusals.byCode).toEqual({ MISSING_CHOICE: 1 });
  });

  it('skips an event that does not fit the definition, counting it, never throwing', () => {
    const h = new History();
    const view = given([]);
    expect(applyEvent(view, h.recorded('p99', L.p1))).toEqual({ kind: 'ignored', reason: 'unknown-precinct' });
    expect(applyEvent(view, h.recorded('p4', SM1.p1))).toEqual({ kind: 'ignored', reason: 'contest-not-at-precinct' });
    expect(applyEvent(view, h.recorded('p1', { ...L.p1, contestId: 'X' }))).toEqual({ kind: 'ignored', reason: 'unknown-contest' });
    expect(applyEvent(view, h.turnout('p1', '11:00', 5))).toEqual({ kind: 'ignored', reason: 'unknown-turnout-time' });
    expect(applyEvent(view, h.turnout('p99', '10:00', 5))).toEqual({ kind: 'ignored', reason: 'unknown-precinct' });
    expect(applyEvent(view, h.recorded('p1', { ...L.p1, invalid: -1 }))).toEqual({ kind: 'ignored', reason: 'count-out-of-range' });
    expect(applyEvent(view, { type: 'SomethingElse', data: {}, position: '1:9', recordedAt: 'x' } as unknown as RecordedPrecinctEvent)).toEqual({
      kind: 'ignored',
      reason: 'unknown-event-type',
    });
    expect(electionSummary(view)).toMatchObject({ eventsApplied: 0, eventsIgnored: 7, protocols: { reported: 0, expected: 10 } });
    expect(listResults(view, 'cec')).toEqual(listResults(given([]), 'cec'));
  });

  it('takes a turnout figure up to 2^31 − 1 ballots, and skips one past it or not a whole count', () => {
    const h = new History();
    const view = given([]);
    for (const ballotsIssued of [2 ** 31, 2 ** 32, -1, 1.5, Number.NaN]) {
      expect(applyEvent(view, h.turnout('p1', '10:00', ballotsIssued))).toEqual({ kind: 'ignored', reason: 'count-out-of-range' });
    }
    expect(applyEvent(view, h.turnout('p1', '10:00', 2 ** 31 - 1))).toMatchObject({ kind: 'applied' });
    expect(listResults(view, 'p1').turnoutByTime[0]).toMatchObject({ time: '10:00', ballotsIssued: 2 ** 31 - 1, precinctsReported: 1 });
  });

  it('counts a record the codec refused as ignored, saying whether its type was unknown or its data malformed', () => {
    const view = given([]);
    const at = { position: '1:4', recordedAt: '2026-03-15T20:00:00.000Z' };
    const unknown = decodePrecinctEvent({ type: 'SomethingElse', data: {} });
    const malformed = decodePrecinctEvent({ type: 'ProtocolRecorded', data: { precinctId: 'p1' } });
    if (unknown.ok || malformed.ok) throw new Error('the codec accepted a broken record');
    expect(applyEvent(view, { type: 'undecodable-record', failure: unknown.error, ...at })).toEqual({ kind: 'ignored', reason: 'unknown-event-type' });
    expect(applyEvent(view, { type: 'undecodable-record', failure: malformed.error, ...at })).toEqual({ kind: 'ignored', reason: 'malformed-event' });
    expect(electionSummary(view)).toMatchObject({ position: '1:4', eventsApplied: 0, eventsIgnored: 2, protocols: { reported: 0, expected: 10 } });
    expect(listResults(view, 'cec')).toEqual(listResults(given([]), 'cec'));
  });
});

describe('results view: threshold certainty as precincts report', () => {
  const h = new History();
  const statuses = (view: ResultsView) => listResults(view, 'cec').lists.map((l) => [l.id, l.threshold, l.admission]);
  const early = [h.recorded('p1', L.p1)];
  const late = [...early, h.recorded('p2', L.p2), h.recorded('p3', L.p3), h.recorded('p5', L.p5)];
  const all = [...late, h.recorded('p4', L.p4)];

  it('with one precinct in, only A is safe: even all 3,600 outstanding voters elsewhere leave it at 300 / 4,165 ≥ 7%', () => {
    expect(statuses(given(early))).toEqual([
      ['A', 'certainly-in', 'certainly-admitted'],
      ['B', 'undecided', 'undecided'],
      ['C', 'undecided', 'undecided'],
      ['D', 'undecided', 'undecided'],
    ]);
  });

  it('with only p4’s 100 voters outstanding: B is in, D is out, and C (190 of 2,820) could still go either way', () => {
    // b + R = 2,920, 7% of it 204.4: C's worst 190 falls short, its best 290 passes; D's best 120 falls short.
    // Two lists are certainly in, so no runner-up admission can save D.
    expect(statuses(given(late))).toEqual([
      ['A', 'certainly-in', 'certainly-admitted'],
      ['B', 'certainly-in', 'certainly-admitted'],
      ['C', 'undecided', 'undecided'],
      ['D', 'certainly-out', 'certainly-not-admitted'],
    ]);
  });

  it('with everything in, the verdicts are final: C reaches 220 of 2,885 (7.6%), D stays out', () => {
    const final = listResults(given(all), 'cec');
    expect(final.outstandingVoters).toBe(0);
    expect(final.lists.map((l) => [l.id, l.threshold, l.admission])).toEqual([
      ['A', 'certainly-in', 'certainly-admitted'],
      ['B', 'certainly-in', 'certainly-admitted'],
      ['C', 'certainly-in', 'certainly-admitted'],
      ['D', 'certainly-out', 'certainly-not-admitted'],
    ]);
  });
});

describe('results view: seats and composition', () => {
  const h = new History();
  const everything = [
    h.recorded('p1', L.p1),
    h.recorded('p2', L.p2),
    h.recorded('p3', L.p3),
    h.recorded('p4', L.p4),
    h.recorded('p5', L.p5),
    h.recorded('p1', SM1.p1),
    h.recorded('p2', SM1.p2),
    h.recorded('p3', SM1.p3),
    h.recorded('p4', SM2.p4),
    h.recorded('p5', SM2.p5),
  ];

  it('allocates the contest-wide aggregate: Hare quota 2,750 / 6 → A 3, B 2, C 1, D below the threshold', () => {
    const cec = listResults(given(everything), 'cec');
    expect(cec.allocation).toEqual(
      allocate({
        seats: 6,
        method: 'hare',
        thresholdPercent: 7,
        thresholdBase: 'list-votes-plus-against-all',
        lists: [
          { id: 'A', votes: 1470 },
          { id: 'B', votes: 1060 },
          { id: 'C', votes: 220 },
          { id: 'D', votes: 22 },
        ],
        againstAll: 113,
        ballotsCast: 2931,
        minimumAdmittedLists: 2,
        tieRule: 'registration-order',
      }),
    );
    expect(cec.lists.map((l) => [l.id, l.seats])).toEqual([
      ['A', 3],
      ['B', 2],
      ['C', 1],
      ['D', 0],
    ]);
  });

  it('decides a district provisionally: a tie between the leaders (no tie rule for districts) until p3 reports', () => {
    const h2 = new History();
    const two = given([h2.recorded('p1', SM1.p1), h2.recorded('p2', SM1.p2)]);
    expect(districtResults(two, 'north', 'SM1')).toEqual({
      kind: 'single-member',
      commissionId: 'north',
      contestId: 'SM1',
      precincts: { reported: 2, expected: 3 },
      registeredVoters: 3000,
      registeredVotersReported: 1800,
      outstandingVoters: 1200,
      ballotsIssued: { atStation: 970, early: 30, mobile: 35, total: 1035 },
      ballotsFound: 1025,
      invalid: 25,
      againstAll: 20,
      turnout: { numerator: 1035, denominator: 1800 },
      turnoutByTime: NO_TURNOUT,
      base: 980 + 20,
      againstAllShare: { numerator: 20, denominator: 1000 },
      baseKind: 'valid-votes',
      district: 'north',
      candidates: [
        { id: 'c1', party: 'A', votes: 350, share: { numerator: 350, denominator: 1000 } },
        { id: 'c2', party: 'B', votes: 350, share: { numerator: 350, denominator: 1000 } },
        { id: 'c3', party: null, votes: 280, share: { numerator: 280, denominator: 1000 } },
      ],
      // North holds every precinct of SM1: its figures are the district's own.
      scope: { kind: 'allocating' },
      outcome: { kind: 'tie', tiedCandidates: ['c1', 'c2'], places: 1 },
    });
    expect(districtResults(given(everything), 'north', 'SM1').outcome).toEqual({ kind: 'winner', winner: 'c1', votes: 650 });
    // A precinct holds a part of it: local figures, no outcome.
    expect(districtResults(two, 'p1', 'SM1')).toMatchObject({ scope: { kind: 'local', allocatingCommissionId: 'cec' }, outcome: null });
  });

  it('composes the mixed council: list seats plus district winners per party', () => {
    expect(bodyComposition(given(everything), 'council')).toEqual({
      bodyId: 'council',
      list: { contestId: 'L', precincts: { reported: 5, expected: 5 }, allocation: listResults(given(everything), 'cec').allocation },
      districts: [
        { contestId: 'SM1', district: 'north', precincts: { reported: 3, expected: 3 }, outcome: { kind: 'winner', winner: 'c1', votes: 650 } },
        { contestId: 'SM2', district: 'south', precincts: { reported: 2, expected: 2 }, outcome: { kind: 'winner', winner: 'c5', votes: 640 } },
      ],
      composition: {
        parties: [
          { party: 'A', listSeats: 3, districtSeats: 1, seats: 4 },
          { party: 'B', listSeats: 2, districtSeats: 0, seats: 2 },
          { party: 'C', listSeats: 1, districtSeats: 1, seats: 2 },
        ],
        independents: [],
        seats: 8,
        pending: [],
      },
    });
    expect(bodyComposition(given([]), 'council')?.composition).toEqual({ parties: [], independents: [], seats: 0, pending: ['L', 'SM1', 'SM2'] });
    expect(bodyComposition(given([]), 'senate')).toBeUndefined();
  });
});

describe('results view: idempotency and caching', () => {
  it('applying every event twice gives the same results as applying it once', () => {
    const h = new History();
    const events = [h.recorded('p1', L.p1), h.turnout('p1', '10:00', 100), h.corrected('p1', L.p2, 2), h.refused('p2', 'protocol', ['MISSING_CHOICE']), h.recorded('p4', SM2.p4)];
    const once = given(events);
    const twice = given(events.flatMap((e) => [e, e]));
    for (const [commission, contest] of [['cec', 'L'], ['north', 'L'], ['p1', 'L'], ['south', 'SM2']]) {
      expect(commissionResults(twice, commission, contest)).toEqual(commissionResults(once, commission, contest));
    }
    expect(electionSummary(twice)).toEqual(electionSummary(once));
  });

  it('serves a cached result until an event touches that commission and contest', () => {
    const h = new History();
    const view = given([h.recorded('p1', L.p1)]);
    const north = commissionResults(view, 'north', 'L');
    const south = commissionResults(view, 'south', 'L');
    expect(commissionResults(view, 'north', 'L')).toBe(north);
    applyEvent(view, h.recorded('p2', L.p2));
    // South's own figures are served as cached; only its contributions follow the contest.
    const southAgain = commissionResults(view, 'south', 'L');
    if (south?.kind !== 'list' || southAgain?.kind !== 'list') throw new Error('no list results at south');
    expect(southAgain).toEqual({ ...south, lists: south.lists.map((l) => ({ ...l, contribution: { numerator: 0, denominator: expect.any(Number) } })) });
    expect(commissionResults(view, 'south', 'L')).toBe(southAgain);
    expect(commissionResults(view, 'north', 'L')).not.toBe(north);
    expect(commissionResults(view, 'north', 'L')?.precincts).toEqual({ reported: 2, expected: 3 });
    expect(north?.precincts).toEqual({ reported: 1, expected: 3 }); // what a caller kept does not move
  });
});
