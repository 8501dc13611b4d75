// The seat analysis on live figures: answered at the contest's allocating scope only, on exactly
// the votes the provisional seats are computed from.
import { allocate } from '../allocation/allocate';
import { seatSensitivity } from '../allocation/seat-sensitivity';
import { applyEvent, createResultsView, type ResultsView } from './results.view';
import { contestResults } from './results.queries';
import { contestLInput, History, protocolOf, smallElection } from './results.test-helper';
import { contestSensitivity, whatIfAllocation } from './seat-analysis.queries';

function liveView(): ResultsView {
  const view = createResultsView(smallElection());
  const h = new History();
  applyEvent(view, h.recorded('p1', protocolOf('L', { registered: 1000, votes: { A: 300, B: 200, C: 120, D: 40 }, againstAll: 30, invalid: 10 })));
  applyEvent(view, h.recorded('p4', protocolOf('L', { registered: 100, votes: { A: 20, B: 30, C: 10, D: 5 }, againstAll: 3, invalid: 2 })));
  return view;
}

describe('seat analysis queries', () => {
  it('answers the sensitivity at the root on the provisional allocation\'s own input', () => {
    const view = liveView();
    const r = contestSensitivity(view, 'cec', 'L');
    if (r.kind !== 'analysis') throw new Error(JSON.stringify(r));
    const whole = contestResults(view, 'L');
    if (whole?.kind !== 'list' || whole.allocation?.kind !== 'allocated') throw new Error('no allocation');
    expect(r.sensitivity).toEqual(seatSensitivity(contestLInput({ A: 320, B: 230, C: 130, D: 45 }, 33, 770)));
    if (r.sensitivity.kind !== 'sensitivity') throw new Error('unavailable');
    expect(r.sensitivity.lists.map((l) => l.seats)).toEqual(whole.allocation.lists.map((l) => l.seats));
  });

  it('refuses a commission below the allocating scope, naming where seats are decided, and a district contest', () => {
    const view = liveView();
    expect(contestSensitivity(view, 'north', 'L')).toEqual({ kind: 'not-allocating-scope', allocatingCommissionId: 'cec' });
    expect(contestSensitivity(view, 'p1', 'L')).toEqual({ kind: 'not-allocating-scope', allocatingCommissionId: 'cec' });
    expect(whatIfAllocation(view, 'south', 'L', { method: 'dhondt', thresholdPercent: 5 })).toEqual({ kind: 'not-allocating-scope', allocatingCommissionId: 'cec' });
    expect(contestSensitivity(view, 'north', 'SM1')).toEqual({ kind: 'not-a-list-contest' });
    expect(contestSensitivity(view, 'cec', 'nope')).toEqual({ kind: 'unknown' });
  });

  it('what-if: the same votes under another method and threshold, the official settings beside them', () => {
    const view = liveView();
    const r = whatIfAllocation(view, 'cec', 'L', { method: 'dhondt', thresholdPercent: 0 });
    if (r.kind !== 'what-if') throw new Error(JSON.stringify(r));
    expect(r.official.method).toBe('hare');
    expect(r.official.thresholdPercent).toBe(7);
    expect(r.official.allocation).toEqual(r.results.allocation);
    const votes = Object.fromEntries(r.results.lists.map((l) => [l.id, l.votes]));
    const expected = allocate({ ...contestLInput(votes, 33, 770), method: 'dhondt', thresholdPercent: 0 });
    expect(r.allocation).toEqual(expected);
  });
});
