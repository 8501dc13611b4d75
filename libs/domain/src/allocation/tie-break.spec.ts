// The written tie rules on their own: whatever order the tied group comes in (the callers happen to
// pass it in registration order), the rule alone decides, and a lot that does not cover the group
// leaves the tie standing.
import { breakTie, type Contender } from './tie-break';

// Registered A, B, C, D; given out of that order.
const group: Contender[] = [
  { id: 'C', votes: 7, index: 2 },
  { id: 'A', votes: 5, index: 0 },
  { id: 'D', votes: 7, index: 3 },
  { id: 'B', votes: 9, index: 1 },
];

describe('breakTie', () => {
  it('registration-order: the earlier registered win, whatever order the group is given in', () => {
    expect(breakTie(group, 2, 'registration-order', undefined)).toEqual({ kind: 'settled', winners: ['A', 'B'] });
    expect(breakTie([...group].reverse(), 1, 'registration-order', undefined)).toEqual({ kind: 'settled', winners: ['A'] });
  });

  it('more-votes-then-registration: more votes first, equal votes by registration', () => {
    expect(breakTie(group, 3, 'more-votes-then-registration', undefined)).toEqual({ kind: 'settled', winners: ['B', 'C', 'D'] });
    expect(breakTie([...group].reverse(), 2, 'more-votes-then-registration', undefined)).toEqual({ kind: 'settled', winners: ['B', 'C'] });
  });

  it('lot: the first drawn win; a group the draw does not cover stays tied', () => {
    expect(breakTie(group, 2, 'lot', ['D', 'B', 'A', 'C'])).toEqual({ kind: 'settled', winners: ['D', 'B'] });
    expect(breakTie(group, 4, 'lot', ['A', 'C', 'B', 'D'])).toEqual({ kind: 'settled', winners: ['A', 'C', 'B', 'D'] });
    expect(breakTie(group, 1, 'lot', ['D', 'B', 'A'])).toEqual({ kind: 'unsettled' });
    expect(breakTie(group, 1, 'lot', undefined)).toEqual({ kind: 'unsettled' });
  });
});
