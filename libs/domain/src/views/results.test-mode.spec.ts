// Test mode in the view and the precinct stream: test facts are counted while the election is in
// test mode, the switch to live empties the view (lots kept), and from then only live facts
// count; a precinct's live count starts at zero, versions included, while a test body can never
// come back as a live fact (its signature is remembered across the switch).
import { indexElection } from '../election/election-index';
import type { ElectionWentLive, LotDrawn } from '../election/election.events';
import { decide, evolve, initialState } from '../precinct/precinct.decider';
import type { PrecinctEvent } from '../precinct/precinct.events';
import { snapshot, restoreView, canonicalViewState } from './results.snapshot';
import { commissionResults, electionSummary } from './results.queries';
import { applyEvent, createResultsView, type RecordedPrecinctEvent, type ResultsView } from './results.view';
import { History, parsedOrThrow, protocolOf, SMALL_ELECTION_INPUT } from './results.test-helper';

const election = indexElection(parsedOrThrow({ ...SMALL_ELECTION_INPUT, mode: 'test' }));
const p1 = protocolOf('L', { registered: 1000, votes: { A: 300, B: 200, C: 40, D: 5 }, againstAll: 20, invalid: 10, missing: 10, early: 30, mobile: 20 });
const p1live = protocolOf('L', { registered: 1000, votes: { A: 310, B: 190, C: 40, D: 5 }, againstAll: 20, invalid: 10, missing: 10, early: 30, mobile: 20 });
const asTest = (e: RecordedPrecinctEvent): RecordedPrecinctEvent => ({ ...e, data: { ...e.data, test: true } }) as RecordedPrecinctEvent;
const wentLive = (position: string): ElectionWentLive & { position: string; recordedAt: string } => ({
  type: 'ElectionWentLive',
  data: { electionId: 'small-2026', signedBy: 'cec', sequence: 1, act: { kind: 'go-live' }, receivedAt: '2026-03-15T05:00:00Z', signature: { keyId: 'cec-1', value: 'x' } },
  position,
  recordedAt: '2026-03-15T05:00:00.000Z',
});
const votesA = (view: ResultsView) => {
  const r = commissionResults(view, 'cec', 'L');
  return r?.kind === 'list' ? r.lists.find((l) => l.id === 'A')?.votes : undefined;
};

describe('test mode in the results view', () => {
  it('counts test facts before the switch, nothing of them after; live facts only after', () => {
    const h = new History();
    const view = createResultsView(election);
    expect(view.test).toBe(true);
    expect(applyEvent(view, asTest(h.recorded('p1', p1))).kind).toBe('applied');
    expect(applyEvent(view, h.recorded('p2', p1)).kind).toBe('ignored'); // a live fact before the switch is not counted
    expect(votesA(view)).toBe(300);

    expect(applyEvent(view, wentLive('1:50')).kind).toBe('went-live');
    expect(view.test).toBe(false);
    expect(votesA(view)).toBe(0);
    expect(electionSummary(view).precincts.reported).toBe(0);
    expect(view.cursor.position).toBe('1:50');

    expect(applyEvent(view, asTest(h.recorded('p3', p1))).kind).toBe('ignored'); // a late test fact
    expect(applyEvent(view, h.recorded('p1', p1live)).kind).toBe('applied');
    expect(votesA(view)).toBe(310);
    expect(applyEvent(view, wentLive('1:60')).kind).toBe('ignored'); // once
  });

  it('ignores every kind of fact of the other epoch, saying so, and counts the switch as applied', () => {
    const h = new History();
    const view = createResultsView(election);
    const live = [h.recorded('p1', p1), h.turnout('p1', '10:00', 50), h.refused('p1', 'protocol', ['MALFORMED'])];
    for (const fact of live) expect(applyEvent(view, fact)).toEqual({ kind: 'ignored', reason: 'other-epoch' });
    expect(applyEvent(view, asTest(h.turnout('p1', '10:00', 50)))).toMatchObject({ kind: 'applied' });
    expect(applyEvent(view, asTest(h.refused('p2', 'protocol', ['MALFORMED'])))).toEqual({ kind: 'applied', changedCommissions: [] });
    expect(view.cursor).toMatchObject({ eventsApplied: 2, eventsIgnored: 3 });

    applyEvent(view, wentLive('1:50'));
    expect(view.cursor).toMatchObject({ eventsApplied: 3, eventsIgnored: 3 });
    const late = [asTest(h.recorded('p1', p1)), asTest(h.turnout('p1', '14:00', 60)), asTest(h.refused('p3', 'turnout', ['UNKNOWN_TURNOUT_TIME']))];
    for (const fact of late) expect(applyEvent(view, fact)).toEqual({ kind: 'ignored', reason: 'other-epoch' });
    expect(applyEvent(view, wentLive('1:60'))).toEqual({ kind: 'ignored', reason: 'already-live' });
    expect(view.cursor).toMatchObject({ eventsApplied: 3, eventsIgnored: 7, position: '1:60' });
    expect(electionSummary(view).refusals.total).toBe(0);
  });

  it('keeps the lots drawn across the switch: they are the election’s, not the test’s', () => {
    const view = createResultsView(election);
    const lot: LotDrawn = { type: 'LotDrawn', data: { electionId: 'small-2026', contestId: 'SM1', order: ['c2', 'c1', 'c3'], drawnBy: 'CEC secretary, in public', reason: 'equal votes' } };
    expect(applyEvent(view, { ...lot, position: '1:40', recordedAt: '2026-03-15T04:00:00.000Z' }).kind).toBe('applied');
    applyEvent(view, wentLive('1:50'));
    expect(view.contests[view.layout.contestOrdinal.get('SM1') as number].lot).toEqual(['c2', 'c1', 'c3']);
  });

  it('a snapshot after the switch restores a live view, with a digest of its own', () => {
    const h = new History();
    const view = createResultsView(election);
    const before = canonicalViewState(view);
    applyEvent(view, wentLive('1:1'));
    const snap = snapshot(view);
    expect(snap.wentLive).toBe(true);
    const restored = restoreView(election, snap);
    if (!restored.ok) throw new Error(JSON.stringify(restored.error));
    expect(restored.value.test).toBe(false);
    expect(applyEvent(restored.value, h.recorded('p1', p1live)).kind).toBe('applied');
    expect(Buffer.concat(canonicalViewState(view))).not.toEqual(Buffer.concat(before));
  });
});

describe('test mode in a precinct stream', () => {
  const meta = (id: string, test: boolean) => ({ submissionId: id, electionId: 'small-2026', precinctId: 'p1', submittedBy: 'p1', receivedAt: '2026-03-15T15:00:00Z', signature: { keyId: 'p1-1', value: `sig-${id}` }, ...(test ? { test: true as const } : {}) });
  const submit = (id: string, test: boolean, protocol = p1) => ({ type: 'SubmitProtocol' as const, meta: meta(id, test), protocol, version: 1 });

  it('the live count starts at zero: version 1 again after the test one', () => {
    let state = initialState();
    const [testFact] = decide(submit('t1', true), state, { election });
    expect(testFact).toMatchObject({ type: 'ProtocolRecorded', data: { test: true, version: 1 } });
    state = evolve(state, testFact);
    const [liveFact] = decide(submit('l1', false, p1live), state, { election });
    expect(liveFact).toMatchObject({ type: 'ProtocolRecorded', data: { version: 1 } });
    expect((liveFact as PrecinctEvent).data.test).toBeUndefined();
    state = evolve(state, liveFact);
    expect(state.epoch).toBe('live');
    expect(state.contests.get('L')?.protocol.votes.A).toBe(310);
  });

  it('a test body sent again as live is REPLAYED (its signature is remembered across the switch)', () => {
    let state = initialState();
    const [testFact] = decide(submit('t1', true), state, { election });
    state = evolve(state, testFact);
    const replay = { ...submit('t2', false), meta: { ...meta('t2', false), signature: { keyId: 'p1-1', value: 'sig-t1' } } };
    const [refused] = decide(replay, state, { election });
    expect(refused).toMatchObject({ type: 'SubmissionRefused', data: { reasons: [expect.objectContaining({ code: 'REPLAYED' })] } });
  });

  it('a late test fact after live ones keeps the live facts', () => {
    let state = initialState();
    state = evolve(state, decide(submit('l1', false, p1live), state, { election })[0]);
    const [late] = decide(submit('t9', true), state, { election });
    state = evolve(state, late);
    expect(state.epoch).toBe('live');
    expect(state.contests.get('L')?.protocol.votes.A).toBe(310);
  });
});
