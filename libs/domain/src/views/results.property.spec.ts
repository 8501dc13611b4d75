// Properties of the results view over random event sequences: the incremental subtotals equal a
// naive recomputation from the latest protocol per precinct, and snapshot → restore loses nothing.
import fc from 'fast-check';
import type { ElectionIndex } from '../election/election-index';
import { indexElection } from '../election/election-index';
import { generateSyntheticElection } from '../fixtures/synthetic-election';
import type { Protocol } from '../protocol/protocol';
import { applyEvent, createResultsView, type RecordedPrecinctEvent, type ResultsView } from './results.view';
import { commissionResults, commissionTree, electionSummary } from './results.queries';
import { canonicalViewState, restoreView, snapshot } from './results.snapshot';
import { History, smallElection } from './results.test-helper';

// A synthetic election with four levels (central → regions → district commissions → precincts),
// a list contest and three districts, alongside the hand-made one.
const ELECTIONS: readonly ElectionIndex[] = [
  smallElection(),
  indexElection(generateSyntheticElection({ seed: 7, precincts: 40, regions: 2, districtsPerRegion: 3, lists: 4, seats: 9, singleMemberDistricts: 3 })),
];

type Op =
  | { readonly kind: 'protocol'; readonly precinct: number; readonly contest: number; readonly counts: readonly number[] }
  | { readonly kind: 'turnout'; readonly precinct: number; readonly time: number; readonly issued: number }
  | { readonly kind: 'refusal'; readonly precinct: number }
  | { readonly kind: 'redeliver'; readonly which: number };

const opArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('protocol' as const), precinct: fc.nat(), contest: fc.nat(), counts: fc.array(fc.nat(3000), { minLength: 20, maxLength: 20 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('turnout' as const), precinct: fc.nat(), time: fc.nat(), issued: fc.nat(3000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('refusal' as const), precinct: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('redeliver' as const), which: fc.nat() }) },
);

/** Turns random ops into a valid-looking recorded history: version 1 first, then corrections 2, 3, ... */
function toEvents(election: ElectionIndex, ops: readonly Op[]): RecordedPrecinctEvent[] {
  const h = new History(election.definition.id);
  const versions = new Map<string, number>();
  const events: RecordedPrecinctEvent[] = [];
  for (const op of ops) {
    if (op.kind === 'redeliver') {
      if (events.length > 0) events.push(events[op.which % events.length]);
      continue;
    }
    const precinct = election.precinctAt(op.precinct % election.precinctCount);
    if (precinct === undefined) throw new Error('no precinct');
    if (op.kind === 'refusal') {
      events.push(h.refused(precinct.id, 'protocol', ['BALLOTS_FOUND_MISMATCH']));
    } else if (op.kind === 'turnout') {
      events.push(h.turnout(precinct.id, election.turnoutTimes[op.time % election.turnoutTimes.length], op.issued));
    } else {
      const contestId = precinct.contests[op.contest % precinct.contests.length];
      const choices = election.choices(contestId);
      const c = op.counts;
      const votes = Object.fromEntries(choices.map((id, k) => [id, c[7 + (k % 13)]]));
      // The view does not judge control relations (the decider did); any counts exercise the sums.
      const protocol: Protocol = {
        contestId,
        registeredVoters: c[0],
        addedSameDay: 0,
        ballotsReceived: c[0],
        ballotsIssued: { atStation: c[1], early: c[2], mobile: c[3] },
        ballotsCancelled: 0,
        ballotsLost: 0,
        ballotsFound: c[4],
        invalid: c[5],
        votes,
        againstAll: c[6],
      };
      const key = `${precinct.id}/${contestId}`;
      const version = (versions.get(key) ?? 0) + 1;
      versions.set(key, version);
      events.push(version === 1 ? h.recorded(precinct.id, protocol) : h.corrected(precinct.id, protocol, version));
    }
  }
  return events;
}

/** The test oracle: per commission and contest, sums over the latest protocol of each precinct beneath. */
function naiveTotals(election: ElectionIndex, events: readonly RecordedPrecinctEvent[], commissionId: string, contestId: string) {
  const latest = new Map<string, { version: number; protocol: Protocol }>();
  const turnout = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'ProtocolRecorded' || e.type === 'ProtocolCorrected') {
      const key = `${e.data.precinctId}/${e.data.contestId}`;
      const version = e.type === 'ProtocolRecorded' ? 1 : e.data.version;
      if (version > (latest.get(key)?.version ?? 0)) latest.set(key, { version, protocol: e.data.protocol });
    } else if (e.type === 'TurnoutReported') {
      turnout.set(`${e.data.precinctId}@${e.data.time}`, e.data.ballotsIssued);
    }
  }
  const choices = election.choices(contestId);
  const total = { reported: 0, expected: 0, registered: 0, reportedRegistered: 0, issued: 0, found: 0, invalid: 0, againstAll: 0, votes: choices.map(() => 0) };
  const byTime = election.turnoutTimes.map(() => ({ issued: 0, registered: 0, precincts: 0 }));
  for (const id of election.precinctsUnder(commissionId)) {
    const precinct = election.precinct(id);
    if (!precinct?.contests.includes(contestId)) continue;
    total.expected++;
    total.registered += precinct.registeredVoters;
    election.turnoutTimes.forEach((time, i) => {
      const issued = turnout.get(`${id}@${time}`);
      if (issued === undefined) return;
      byTime[i].issued += issued;
      byTime[i].registered += precinct.registeredVoters;
      byTime[i].precincts++;
    });
    const p = latest.get(`${id}/${contestId}`)?.protocol;
    if (!p) continue;
    total.reported++;
    total.reportedRegistered += p.registeredVoters;
    total.issued += p.ballotsIssued.atStation + p.ballotsIssued.early + p.ballotsIssued.mobile;
    total.found += p.ballotsFound;
    total.invalid += p.invalid;
    total.againstAll += p.againstAll;
    choices.forEach((c, k) => (total.votes[k] += p.votes[c] ?? 0));
  }
  return { total, byTime };
}

function fromView(view: ResultsView, commissionId: string, contestId: string) {
  const r = commissionResults(view, commissionId, contestId);
  if (!r) throw new Error(`no results for ${commissionId} / ${contestId}`);
  const votes = r.kind === 'list' ? r.lists.map((l) => l.votes) : r.candidates.map((c) => c.votes);
  return {
    total: {
      reported: r.precincts.reported,
      expected: r.precincts.expected,
      registered: r.registeredVoters,
      reportedRegistered: r.registeredVotersReported,
      issued: r.ballotsIssued.total,
      found: r.ballotsFound,
      invalid: r.invalid,
      againstAll: r.againstAll,
      votes,
    },
    byTime: r.turnoutByTime.map((t) => ({ issued: t.ballotsIssued, registered: t.registeredVoters, precincts: t.precinctsReported })),
  };
}

/** Every (commission, contest) pair that has results: every commission, precincts included. */
function everyPair(election: ElectionIndex): [string, string][] {
  return election.definition.commissions.flatMap((c) => election.contestsAt(c.id).map((contest): [string, string] => [c.id, contest.id]));
}

const feed = (election: ElectionIndex, events: readonly RecordedPrecinctEvent[]): ResultsView => {
  const view = createResultsView(election);
  for (const e of events) applyEvent(view, e);
  return view;
};

describe.each(ELECTIONS.map((e) => [e.definition.id, e] as const))('results view properties (%s)', (_name, election) => {
  it('per-commission totals equal a naive recomputation from the latest protocol per precinct', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        const events = toEvents(election, ops);
        const view = feed(election, events);
        for (const [commission, contest] of everyPair(election)) {
          expect(fromView(view, commission, contest)).toEqual(naiveTotals(election, events, commission, contest));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('snapshot → restore gives the same canonical state, and the restored view carries on like the live one', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), fc.array(opArb, { maxLength: 30 }), (before, after) => {
        const events = toEvents(election, [...before, ...after]);
        const cut = toEvents(election, before).length;
        const live = feed(election, events.slice(0, cut));
        // Through JSON, as the projector would store it.
        const restored = restoreView(election, JSON.parse(JSON.stringify(snapshot(live))));
        if (!restored.ok) throw new Error(JSON.stringify(restored.error));
        expect(canonicalViewState(restored.value)).toEqual(canonicalViewState(live));
        expect(electionSummary(restored.value)).toEqual(electionSummary(live));
        for (const e of events.slice(cut)) expect(applyEvent(restored.value, e)).toEqual(applyEvent(live, e));
        expect(canonicalViewState(restored.value)).toEqual(canonicalViewState(live));
        expect(commissionTree(restored.value, { precincts: true })).toEqual(commissionTree(live, { precincts: true }));
      }),
      { numRuns: 40 },
    );
  });

  it('a rebuild from zero reaches the same canonical state as a view that saw every event redelivered', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const events = toEvents(election, ops).filter((e, i, all) => all.indexOf(e) === i);
        const rebuilt = feed(election, events);
        const redelivered = feed(election, events.flatMap((e) => [e, e]));
        expect(canonicalViewState(redelivered)).toEqual(canonicalViewState(rebuilt));
      }),
      { numRuns: 30 },
    );
  });
});

describe('restoreView', () => {
  it('refuses a snapshot of another election or shape, or with damaged arrays', () => {
    const [small, synthetic] = ELECTIONS;
    const snap = snapshot(createResultsView(small));
    expect(restoreView(synthetic, snap)).toMatchObject({ ok: false, error: { kind: 'layout-mismatch' } });
    expect(restoreView(small, { ...snap, contests: snap.contests.map((c, i) => (i === 0 ? { ...c, rows: c.rows.slice(4) } : c)) })).toMatchObject({
      ok: false,
      error: { kind: 'corrupt', detail: 'contests[0].rows' },
    });
    expect(restoreView(small, { ...snap, format: 'v0' as never })).toMatchObject({ ok: false, error: { kind: 'unknown-format' } });
  });

  it('canonical state differs when any count differs', () => {
    const h = new History();
    const [small] = ELECTIONS;
    const a = feed(small, [h.turnout('p1', '10:00', 100)]);
    const b = feed(small, [{ ...h.turnout('p1', '10:00', 101), position: '1:1', recordedAt: '2026-03-15T15:00:01.000Z' }]);
    expect(electionSummary(a).position).toBe(electionSummary(b).position);
    expect(canonicalViewState(a)).not.toEqual(canonicalViewState(b));
  });
});
