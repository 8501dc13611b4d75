// The explanation orders the allocation's seats by the figures that won them; it never decides one.
import fc from 'fast-check';
import { ALMATY_2023_ALLOCATION_INPUT } from '../fixtures/almaty-2023.fixture';
import { allocate } from './allocate';
import { drawnInput } from './allocation.test-helper';
import type { AllocationInput, AllocationResult, Ratio } from './allocation.types';
import { explainAllocation } from './seat-explanation';

const allocated = (input: AllocationInput): Extract<AllocationResult, { kind: 'allocated' }> => {
  const r = allocate(input);
  if (r.kind !== 'allocated') throw new Error(`expected an allocation, got ${r.kind}`);
  return r;
};
const value = (r: Ratio) => r.numerator / r.denominator;

describe('explainAllocation', () => {
  it('Almaty 2023 (Hare): the quota of the admitted lists, each remainder, and 21 ranked seats — 19 whole quotas, 2 by remainder', () => {
    const e = explainAllocation(ALMATY_2023_ALLOCATION_INPUT, allocated(ALMATY_2023_ALLOCATION_INPUT));
    if (e.kind !== 'largest-remainder') throw new Error(e.kind);
    expect(e.quota).toEqual({ numerator: 267_002, denominator: 21 });
    expect(e.quotaVotes).toBe(267_002);
    expect(e.lists.map((l) => [l.id, l.quotaSeats, l.remainderSeats, l.seats])).toEqual([
      ['Amanat', 11, 1, 12],
      ["People's Party", 3, 0, 3],
      ['Respublica', 3, 0, 3],
      ['Baytaq', 1, 1, 2],
      ['Aq Jol', 1, 0, 1],
      ['Auyl', null, 0, 0],
    ]);
    // Remainders as a fraction of the quota: v·21 mod 267002, over 267002.
    expect(e.lists[0].remainder).toEqual({ numerator: (151_531 * 21) % 267_002, denominator: 267_002 });
    expect(e.ranking).toHaveLength(21);
    // Remainders 0.918 (Amanat) and 0.830 (Baytaq) take the two seats whole quotas leave.
    expect(e.ranking.filter((s) => s.stage === 'remainder').map((s) => [s.rank, s.list, s.ofList])).toEqual([
      [20, 'Amanat', 12],
      [21, 'Baytaq', 2],
    ]);
    expect(e.ranking.slice(0, 11).every((s) => s.list === 'Amanat' && s.stage === 'quota')).toBe(true);
  });

  it('D’Hondt by hand: 100, 80, 30 votes for 5 seats — the divisor table, the rank of each seat and the cut', () => {
    const drawn = drawnInput({ votes: [100, 80, 30], seats: 5, thresholdBp: 0, thresholdBase: 'list-votes', againstAll: 0, invalid: 0, minimumAdmittedLists: 0, tieRule: 'registration-order' });
    const input: AllocationInput = { ...drawn, method: 'dhondt', lists: drawn.lists.map((l, i) => ({ ...l, id: 'ABC'[i] })) };
    const e = explainAllocation(input, allocated(input));
    if (e.kind !== 'highest-averages') throw new Error(e.kind);
    // Quotients: A 100, 50, 33.3; B 80, 40, 26.7; C 30. Seats: A100, B80, A50, B40, A33.3.
    expect(e.ranking.map((s) => `${s.list}${s.ofList}`)).toEqual(['A1', 'B1', 'A2', 'B2', 'A3']);
    expect(e.divisors).toEqual([1, 2, 3, 4]);
    expect(e.lists[0].quotients.map((q) => [q.divisor, q.seatRank])).toEqual([
      [1, 1],
      [2, 3],
      [3, 5],
      [4, null],
    ]);
    expect(e.lists[2].quotients).toEqual([{ divisor: 1, quotient: { numerator: 30, denominator: 1 }, seatRank: null }]);
    expect(e.lastWinning).toEqual({ numerator: 100, denominator: 3 });
    // C's first quotient (30) is the highest that won nothing: above B's third (26.7).
    expect(e.firstLosing).toEqual({ numerator: 30, denominator: 1 });
  });

  it('on random elections under every method: the ranking holds exactly the allocation’s seats, in the order of the figures that won them', () => {
    const drawn = fc
      .record({
        votes: fc.array(fc.nat(5000), { minLength: 1, maxLength: 7 }),
        seats: fc.integer({ min: 1, max: 30 }),
        thresholdBp: fc.oneof(fc.constant(0), fc.constant(500), fc.integer({ min: 0, max: 3000 })),
        thresholdBase: fc.constantFrom('list-votes', 'list-votes-plus-against-all', 'ballots-cast') as fc.Arbitrary<AllocationInput['thresholdBase']>,
        againstAll: fc.nat(500),
        invalid: fc.nat(50),
        minimumAdmittedLists: fc.nat(3),
        tieRule: fc.constantFrom('registration-order', 'more-votes-then-registration') as fc.Arbitrary<AllocationInput['tieRule']>,
      })
      .map(drawnInput);
    fc.assert(
      fc.property(drawn, fc.constantFrom('hare', 'droop', 'dhondt', 'sainte-lague') as fc.Arbitrary<AllocationInput['method']>, (partial, method) => {
        const input: AllocationInput = { ...partial, method };
        const r = allocate(input);
        if (r.kind !== 'allocated') return;
        const e = explainAllocation(input, r);
        const perList = new Map<string, number>();
        for (const s of e.ranking) perList.set(s.list, (perList.get(s.list) ?? 0) + 1);
        expect(r.lists.map((l) => perList.get(l.id) ?? 0)).toEqual(r.lists.map((l) => l.seats));
        expect(e.ranking.map((s) => s.rank)).toEqual(Array.from({ length: r.seats }, (_, i) => i + 1));
        if (e.kind === 'highest-averages') {
          const won = e.ranking.map((s) => value(s.by!));
          for (let i = 1; i < won.length; i++) expect(won[i]).toBeLessThanOrEqual(won[i - 1]);
          if (e.lastWinning && e.firstLosing) expect(value(e.firstLosing)).toBeLessThanOrEqual(value(e.lastWinning));
        } else {
          // A remainder seat's remainder is at least that of every admitted list that got none.
          const got = e.lists.filter((l) => l.remainderSeats > 0).map((l) => value(l.remainder!));
          const none = e.lists.filter((l) => l.admitted && l.remainderSeats === 0).map((l) => value(l.remainder!));
          if (got.length > 0 && none.length > 0) expect(Math.min(...got)).toBeGreaterThanOrEqual(Math.max(...none));
          expect(e.ranking.filter((s) => s.stage === 'quota')).toHaveLength(e.lists.reduce((s, l) => s + (l.quotaSeats ?? 0), 0));
        }
      }),
      { numRuns: 300 },
    );
  });
});
