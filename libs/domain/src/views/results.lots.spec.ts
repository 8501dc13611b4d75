// Given recorded events, then these results: a tie that blocks a seat until a lot, recorded as an
// event (`LotDrawn` in the election's stream), settles it by the order drawn.
import { indexElection } from '../election/election-index';
import type { LotDrawn } from '../election/election.events';
import { parseElectionDefinition } from '../election/parse-election-definition';
import { applyEvent, createResultsView, type RecordedViewEvent, type ResultsView } from './results.view';
import { bodyComposition, commissionResults, contestResults, electionSummary } from './results.queries';
import { canonicalViewState, restoreView, snapshot, type ResultsViewSnapshot } from './results.snapshot';
import { History, protocolOf, SMALL_ELECTION_INPUT, smallElection } from './results.test-helper';

// SM1 after p1 and p2: c1 350, c2 350, c3 280 — a tie between the leaders at north and contest-wide.
const SM1 = {
  p1: protocolOf('SM1', { registered: 1000, votes: { c1: 200, c2: 250, c3: 100 }, againstAll: 10, invalid: 15, missing: 10, early: 30, mobile: 20 }),
  p2: protocolOf('SM1', { registered: 800, votes: { c1: 150, c2: 100, c3: 180 }, againstAll: 10, invalid: 10, mobile: 15 }),
};

let lotNumber = 0;
function lot(contestId: string, order: readonly string[], electionId = 'small-2026'): RecordedViewEvent {
  lotNumber++;
  const event: LotDrawn = { type: 'LotDrawn', data: { electionId, contestId, order, drawnBy: 'CEC secretary, in public', reason: 'equal votes' } };
  return { ...event, position: `2:${lotNumber}`, recordedAt: `2026-03-16T10:00:${String(lotNumber % 60).padStart(2, '0')}.000Z` };
}

function given(events: readonly RecordedViewEvent[], view: ResultsView = createResultsView(smallElection())): ResultsView {
  for (const e of events) applyEvent(view, e);
  return view;
}

const tie = () => {
  const h = new History();
  return [h.recorded('p1', SM1.p1), h.recorded('p2', SM1.p2)];
};

const outcomeAt = (view: ResultsView, commission: string) => {
  const r = commissionResults(view, commission, 'SM1');
  if (r?.kind !== 'single-member') throw new Error(`no district results at ${commission}`);
  return r.outcome;
};

const digest = (view: ResultsView) => Buffer.concat(canonicalViewState(view).map((c) => Buffer.from(c))).toString('base64');

describe('results view: lots drawn', () => {
  it('a tie blocks the district seat until a lot is drawn; then the lot order settles it, everywhere the contest is shown', () => {
    const view = given(tie());
    expect(outcomeAt(view, 'north')).toEqual({ kind: 'tie', tiedCandidates: ['c1', 'c2'], places: 1 });
    expect(bodyComposition(view, 'council')?.composition.pending).toContain('SM1');

    const outcome = applyEvent(view, lot('SM1', ['c2', 'c1']));
    expect(outcome).toEqual({
      kind: 'applied',
      // Every commission that tallies the contest (the precincts' own results are never cached).
      changedCommissions: [
        { commissionId: 'north', contestIds: ['SM1'] },
        { commissionId: 'cec', contestIds: ['SM1'] },
      ],
    });
    // The cached tie is dropped: the lot's order (c2 first) decides, c2 although registered later.
    const settled = { kind: 'winner', winner: 'c2', votes: 350, tieBroken: { candidates: ['c1', 'c2'], places: 1, by: 'lot', winners: ['c2'] } };
    expect(outcomeAt(view, 'north')).toEqual(settled);
    expect(contestResults(view, 'SM1')?.kind === 'single-member' && contestResults(view, 'SM1')).toMatchObject({ outcome: settled });
    expect(bodyComposition(view, 'council')?.districts.find((d) => d.contestId === 'SM1')?.outcome).toEqual(settled);
    expect(electionSummary(view).position).toBe(`2:${lotNumber}`);
  });

  it('a later lot for the same contest replaces the earlier one; the same order again changes nothing', () => {
    const view = given([...tie(), lot('SM1', ['c2', 'c1'])]);
    expect(applyEvent(view, lot('SM1', ['c1', 'c2', 'c3'])).kind).toBe('applied');
    expect(outcomeAt(view, 'north')).toMatchObject({ kind: 'winner', winner: 'c1' });
    const before = digest(view);
    expect(applyEvent(view, lot('SM1', ['c1', 'c2', 'c3']))).toEqual({ kind: 'duplicate' });
    expect(digest(view)).toBe(before);
    // A longer lot that begins as the last one did is a new lot too.
    const short = given([...tie(), lot('SM1', ['c2', 'c1'])]);
    expect(applyEvent(short, lot('SM1', ['c2', 'c1', 'c3'])).kind).toBe('applied');
    expect(short.contests[short.layout.contestOrdinal.get('SM1') as number].lot).toEqual(['c2', 'c1', 'c3']);
    // The same ids in another order, even sharing the first: a new lot, which replaces the last.
    expect(applyEvent(view, lot('SM1', ['c1', 'c3', 'c2'])).kind).toBe('applied');
    expect(view.contests[view.layout.contestOrdinal.get('SM1') as number].lot).toEqual(['c1', 'c3', 'c2']);
    expect(digest(view)).not.toBe(before);
  });

  it('a lot that does not fit the definition is ignored, with a reason, and changes nothing but the count', () => {
    const view = given(tie());
    expect(applyEvent(view, lot('NOPE', ['c1']))).toEqual({ kind: 'ignored', reason: 'unknown-contest' });
    expect(applyEvent(view, lot('SM1', ['c2', 'c4']))).toEqual({ kind: 'ignored', reason: 'lot-not-on-ballot' });
    expect(applyEvent(view, lot('SM1', ['c2', 'c2']))).toEqual({ kind: 'ignored', reason: 'lot-not-on-ballot' });
    expect(applyEvent(view, lot('SM1', []))).toEqual({ kind: 'ignored', reason: 'lot-not-on-ballot' });
    expect(applyEvent(view, lot('SM1', ['c2', 'c1'], 'other-2026'))).toEqual({ kind: 'ignored', reason: 'lot-not-on-ballot' });
    expect(outcomeAt(view, 'north')).toEqual({ kind: 'tie', tiedCandidates: ['c1', 'c2'], places: 1 });
    expect(electionSummary(view).eventsIgnored).toBe(5);
  });

  it('a lot that leaves a tied candidate out leaves the tie standing', () => {
    const view = given([...tie(), lot('SM1', ['c3', 'c2'])]);
    expect(outcomeAt(view, 'north')).toEqual({ kind: 'tie', tiedCandidates: ['c1', 'c2'], places: 1 });
  });

  it('settles a list contest whose tie rule is lot: equal remainders, the seat to the list drawn first', () => {
    const input = structuredClone(SMALL_ELECTION_INPUT) as unknown as { contests: { id: string; tieRule?: string }[] };
    const listContest = input.contests.find((c) => c.id === 'L')!;
    listContest.tieRule = 'lot';
    const parsed = parseElectionDefinition(input);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    const election = indexElection(parsed.value);
    // p4 alone: A, B, C, D 20 each, nothing against: 6 seats, 1 each, two left for four equal remainders.
    const h = new History();
    const even = protocolOf('L', { registered: 100, votes: { A: 20, B: 20, C: 20, D: 20 }, againstAll: 0, invalid: 1, missing: 4 });
    const view = given([h.recorded('p4', even)], createResultsView(election));
    const before = contestResults(view, 'L');
    expect(before?.kind === 'list' && before.allocation?.kind).toBe('tie');

    applyEvent(view, lot('L', ['D', 'B', 'A', 'C']));
    const after = contestResults(view, 'L');
    if (after?.kind !== 'list' || after.allocation?.kind !== 'allocated') throw new Error(`not allocated: ${JSON.stringify(after)}`);
    expect(after.allocation.lists.map((l) => [l.id, l.seats])).toEqual([
      ['A', 1],
      ['B', 2],
      ['C', 1],
      ['D', 2],
    ]);
  });

  it('a snapshot keeps the lot: the restored view has the same canonical state and settles the seat alike', () => {
    const view = given([...tie(), lot('SM1', ['c2', 'c1'])]);
    const snap = JSON.parse(JSON.stringify(snapshot(view))) as ResultsViewSnapshot;
    expect(snap.lots).toEqual({ SM1: ['c2', 'c1'] });
    const restored = restoreView(smallElection(), snap);
    if (!restored.ok) throw new Error(JSON.stringify(restored.error));
    expect(digest(restored.value)).toBe(digest(view));
    expect(outcomeAt(restored.value, 'north')).toMatchObject({ kind: 'winner', winner: 'c2' });

    // The lot is in the canonical state: the same counts without it are another state.
    expect(digest(given(tie()))).not.toBe(digest(view));
    // A view without lots snapshots as before lots existed (no `lots` key), so old digests still verify.
    expect('lots' in snapshot(given(tie()))).toBe(false);
  });

  it('a snapshot whose lot names an id not on the ballot is corrupt', () => {
    const snap = { ...snapshot(given(tie())), lots: { SM1: ['c9'] } };
    expect(restoreView(smallElection(), snap)).toEqual({ ok: false, error: { kind: 'corrupt', detail: 'lots.SM1' } });
  });
});
