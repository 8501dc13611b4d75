// The public seat explanation: the provisional allocation's own figures, and precinct totals that
// add up to the contest's votes; only at the allocating scope.
import { applyEvent, createResultsView, type ResultsView } from './results.view';
import { contestResults } from './results.queries';
import { History, protocolOf, smallElection } from './results.test-helper';
import { contestExplanation } from './seat-explanation.queries';

function liveView(): ResultsView {
  const view = createResultsView(smallElection());
  const h = new History();
  applyEvent(view, h.recorded('p1', protocolOf('L', { registered: 1000, votes: { A: 300, B: 200, C: 120, D: 40 }, againstAll: 30, invalid: 10 })));
  applyEvent(view, h.recorded('p4', protocolOf('L', { registered: 100, votes: { A: 20, B: 30, C: 10, D: 5 }, againstAll: 3, invalid: 2 })));
  applyEvent(view, h.corrected('p4', protocolOf('L', { registered: 100, votes: { A: 21, B: 29, C: 10, D: 5 }, againstAll: 3, invalid: 2 }), 2));
  return view;
}

describe('contestExplanation', () => {
  it('explains the very allocation the results show, and lists the counted precincts whose totals make its votes', () => {
    const view = liveView();
    const r = contestExplanation(view, 'cec', 'L', { offset: 0, limit: 100 });
    if (r.kind !== 'explanation') throw new Error(JSON.stringify(r));
    const whole = contestResults(view, 'L');
    if (whole?.kind !== 'list' || whole.allocation?.kind !== 'allocated') throw new Error('no allocation');
    expect(r.explanation).not.toBeNull();
    expect(r.explanation?.kind).toBe('largest-remainder');
    expect(r.explanation?.lists.map((l) => l.seats)).toEqual(whole.allocation.lists.map((l) => l.seats));
    expect(r.precincts).toEqual({
      total: 2,
      offset: 0,
      precincts: [
        { precinctId: 'p1', version: 1, votes: [300, 200, 120, 40], againstAll: 30, invalid: 10, ballotsFound: 700 },
        { precinctId: 'p4', version: 2, votes: [21, 29, 10, 5], againstAll: 3, invalid: 2, ballotsFound: 70 },
      ],
    });
    const sums = whole.lists.map((_, k) => r.precincts.precincts.reduce((s, p) => s + p.votes[k], 0));
    expect(sums).toEqual(whole.lists.map((l) => l.votes));
    expect(r.unavailable).toBeNull();
  });

  it('pages the precincts, and refuses below the allocating scope and for a district contest', () => {
    const view = liveView();
    const page = contestExplanation(view, 'cec', 'L', { offset: 1, limit: 1 });
    if (page.kind !== 'explanation') throw new Error(JSON.stringify(page));
    expect(page.precincts.total).toBe(2);
    expect(page.precincts.precincts.map((p) => p.precinctId)).toEqual(['p4']);
    expect(contestExplanation(view, 'north', 'L', { offset: 0, limit: 10 })).toEqual({ kind: 'not-allocating-scope', allocatingCommissionId: 'cec' });
    expect(contestExplanation(view, 'p1', 'L', { offset: 0, limit: 10 })).toEqual({ kind: 'not-allocating-scope', allocatingCommissionId: 'cec' });
    expect(contestExplanation(view, 'cec', 'SM1', { offset: 0, limit: 10 })).toEqual({ kind: 'not-a-list-contest' });
  });
});
