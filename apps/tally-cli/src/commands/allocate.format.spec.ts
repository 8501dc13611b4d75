import { allocate, ALMATY_2023_ALLOCATION_INPUT, type AllocationInput } from '@tally/domain';
import { alignTable, decimal2, formatAllocateTable, percent, toAllocateJson } from './allocate.format';

const almaty: AllocationInput = ALMATY_2023_ALLOCATION_INPUT;

describe('percent and decimal2', () => {
  it('round half up from the exact ratio', () => {
    expect(percent({ numerator: 8264, denominator: 291756 })).toBe(2.83);
    expect(percent({ numerator: 1, denominator: 8 })).toBe(12.5);
    expect(percent({ numerator: 1, denominator: 3 })).toBe(33.33);
    expect(percent({ numerator: 2, denominator: 3 })).toBe(66.67);
    // 0.125 → 0.13 (half up), which a float toFixed gets wrong for many halves.
    expect(decimal2({ numerator: 1, denominator: 8 })).toBe(0.13);
    expect(decimal2({ numerator: 267002, denominator: 21 })).toBe(12714.38);
  });

  it('have no value without a base', () => {
    expect(percent({ numerator: 0, denominator: 0 })).toBeNull();
  });
});

describe('toAllocateJson', () => {
  it('gives seats per list, admitted lists, the quota and exact shares for the worked example', () => {
    const json = toAllocateJson(almaty, allocate(almaty));
    expect(json).toMatchObject({
      kind: 'allocated',
      method: 'hare',
      totalSeats: 21,
      threshold: { percent: 5, base: 'list-votes-plus-against-all', baseVotes: 291756 },
      seats: { Amanat: 12, "People's Party": 3, Respublica: 3, Baytaq: 2, 'Aq Jol': 1, Auyl: 0 },
      admitted: ['Amanat', "People's Party", 'Respublica', 'Baytaq', 'Aq Jol'],
      quota: { numerator: 267002, denominator: 21, value: 12714.38 },
      againstAll: { votes: 16490, percent: 5.65, share: { numerator: 16490, denominator: 291756 } },
      tiesBroken: [],
    });
    expect((json.lists as { list: string; percent: number }[]).map((l) => [l.list, l.percent])).toEqual([
      ['Amanat', 51.94],
      ["People's Party", 13.22],
      ['Respublica', 13.15],
      ['Baytaq', 7.97],
      ['Aq Jol', 5.23],
      ['Auyl', 2.83],
    ]);
    expect(json).not.toHaveProperty('divisors');
  });

  it('gives divisors for divisor methods and leaves against all out of a list-votes base', () => {
    const input: AllocationInput = { ...almaty, method: 'dhondt', thresholdBase: 'list-votes' };
    const json = toAllocateJson(input, allocate(input));
    expect(json).toMatchObject({ divisors: expect.arrayContaining([1, 2, 3]), againstAll: { votes: 16490 } });
    expect(json.againstAll).not.toHaveProperty('percent');
    expect(json).not.toHaveProperty('quota');
  });

  it('reports a blocking tie and a missing allocation as such', () => {
    const tie: AllocationInput = { ...almaty, seats: 1, lists: [{ id: 'A', votes: 5 }, { id: 'B', votes: 5 }], tieRule: 'lot' };
    expect(toAllocateJson(tie, allocate(tie))).toEqual({ kind: 'tie', method: 'hare', stage: 'seats', tiedLists: ['A', 'B'], seatsInDispute: 1, settled: { A: 0, B: 0 } });
    const none: AllocationInput = { ...almaty, lists: [{ id: 'A', votes: 0 }] };
    expect(toAllocateJson(none, allocate(none))).toEqual({ kind: 'none', reason: 'no-votes' });
  });
});

describe('formatAllocateTable', () => {
  it('prints an aligned table of the worked example', () => {
    expect(formatAllocateTable(almaty, allocate(almaty))).toBe(
      [
        'Hare quota, largest remainder · 21 seats · threshold 5% of list votes + against all',
        'Base 291756 votes',
        'Quota 267002/21 ≈ 12714.38',
        '',
        'List             Votes   Share  Threshold  Seats',
        'Amanat          151531  51.94%  passed        12',
        "People's Party   38563  13.22%  passed         3",
        'Respublica       38369  13.15%  passed         3',
        'Baytaq           23266   7.97%  passed         2',
        'Aq Jol           15273   5.23%  passed         1',
        'Auyl              8264   2.83%  below          0',
        'Against all      16490   5.65%',
        'Total                                         21',
        '',
      ].join('\n'),
    );
  });

  it('names the tied lists when a lot is needed', () => {
    const tie: AllocationInput = { ...almaty, seats: 1, lists: [{ id: 'A', votes: 5 }, { id: 'B', votes: 5 }], tieRule: 'lot' };
    expect(formatAllocateTable(tie, allocate(tie))).toContain('Unresolved tie over 1 seat(s) between A, B: a lot must be drawn.');
  });

  it('aligns by characters, not bytes', () => {
    expect(alignTable([['Ауыл', '1'], ['Aq Jol', '10']], [false, true])).toBe('Ауыл     1\nAq Jol  10');
  });
});
