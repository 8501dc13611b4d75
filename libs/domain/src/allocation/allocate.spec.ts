import type { AllocationInput, AllocationResult } from './allocation.types';
import { admittedLists, allocate } from './allocate';
import { ALMATY_2023_ALLOCATION_INPUT } from '../fixtures/almaty-2023.fixture';

const almaty: AllocationInput = ALMATY_2023_ALLOCATION_INPUT;

/** A small input with defaults that keep every list in, so each case states only what it tests. */
const input = (over: Partial<AllocationInput> & Pick<AllocationInput, 'lists'>): AllocationInput => ({
  seats: 10,
  method: 'hare',
  thresholdPercent: 0,
  thresholdBase: 'list-votes',
  againstAll: 0,
  ballotsCast: 0,
  minimumAdmittedLists: 2,
  tieRule: 'registration-order',
  ...over,
});

const lists = (votes: Record<string, number>) => Object.entries(votes).map(([id, v]) => ({ id, votes: v }));

const seatsOf = (r: AllocationResult): Record<string, number> => {
  if (r.kind !== 'allocated') throw new Error(`expected an allocation, got ${JSON.stringify(r)}`);
  return Object.fromEntries(r.lists.map((l) => [l.id, l.seats]));
};

describe('allocate — worked example (Almaty City Mäslihat 2023)', () => {
  it('gives 12, 3, 3, 2, 1, 0 with the Hare quota 267002/21 and Auyl out at 2.83%', () => {
    const share = (votes: number) => ({ numerator: votes, denominator: 291756 });
    const remainder = (numerator: number) => ({ numerator, denominator: 267002 });
    const admittedRow = (id: string, votes: number, seats: number, quotaSeats: number, rest: number) => ({
      id,
      votes,
      share: share(votes),
      passedThreshold: true,
      admitted: true,
      admittedAsRunnerUp: false,
      seats,
      quotaSeats,
      remainder: remainder(rest),
    });
    expect(allocate(almaty)).toStrictEqual({
      kind: 'allocated',
      method: 'hare',
      seats: 21,
      base: 291756,
      quota: { numerator: 267002, denominator: 21 },
      lists: [
        // 151531·21 = 3182151 = 11·267002 + 245129
        admittedRow('Amanat', 151531, 12, 11, 245129),
        admittedRow("People's Party", 38563, 3, 3, 8817),
        admittedRow('Respublica', 38369, 3, 3, 4743),
        admittedRow('Baytaq', 23266, 2, 1, 221584),
        admittedRow('Aq Jol', 15273, 1, 1, 53731),
        { id: 'Auyl', votes: 8264, share: share(8264), passedThreshold: false, admitted: false, admittedAsRunnerUp: false, seats: 0 },
      ],
      tiesBroken: [],
    });
  });
});

describe('allocate — methods, hand-computed', () => {
  const classic = lists({ A: 100000, B: 80000, C: 30000, D: 20000 });

  it("D'Hondt: quotients 100k 80k 50k 40k 33.3k 30k 26.7k 25k → 4, 3, 1, 0", () => {
    const r = allocate(input({ seats: 8, method: 'dhondt', lists: classic }));
    expect(seatsOf(r)).toEqual({ A: 4, B: 3, C: 1, D: 0 });
    expect(r).toMatchObject({ kind: 'allocated', divisors: [1, 2, 3, 4], tiesBroken: [] });
    expect(r).not.toHaveProperty('quota');
  });

  it('Sainte-Laguë: quotients 100k 80k 33.3k 30k 26.7k 20k 20k 16k → 3, 3, 1, 1 (the equal 20k both fit)', () => {
    const r = allocate(input({ seats: 8, method: 'sainte-lague', lists: classic }));
    expect(seatsOf(r)).toEqual({ A: 3, B: 3, C: 1, D: 1 });
    expect(r).toMatchObject({ kind: 'allocated', divisors: [1, 3, 5], tiesBroken: [] });
  });

  const droopCase = lists({ A: 47000, B: 16000, C: 15800, D: 12000, E: 6100, F: 3100 });

  it('Hare on the Droop case: quota 10000, floors 4,1,1,1,0,0, remainders to A, E, B → 5, 2, 1, 1, 1, 0', () => {
    const r = allocate(input({ lists: droopCase }));
    expect(seatsOf(r)).toEqual({ A: 5, B: 2, C: 1, D: 1, E: 1, F: 0 });
    expect(r).toMatchObject({ quota: { numerator: 100000, denominator: 10 } });
  });

  it('Droop: quota floor(100000/11)+1 = 9091, floors 5,1,1,1,0,0, remainders to B, C → 5, 2, 2, 1, 0, 0', () => {
    const r = allocate(input({ method: 'droop', lists: droopCase }));
    expect(seatsOf(r)).toEqual({ A: 5, B: 2, C: 2, D: 1, E: 0, F: 0 });
    expect(r).toMatchObject({ quota: { numerator: 9091, denominator: 1 } });
    if (r.kind !== 'allocated') return;
    expect(r.lists.find((l) => l.id === 'B')).toMatchObject({ quotaSeats: 1, remainder: { numerator: 6909, denominator: 9091 } });
  });

  it('Droop with fewer votes than seats walks the remainder ranking round again to fill the house', () => {
    // q = floor(5/11)+1 = 1: floors 3 and 2, five seats left for two lists: two full rounds, then one
    // seat on equal (zero) remainders, which the registration order gives to A.
    const r = allocate(input({ method: 'droop', lists: lists({ A: 3, B: 2 }) }));
    expect(seatsOf(r)).toEqual({ A: 6, B: 4 });
    expect(r).toMatchObject({ tiesBroken: [{ lists: ['A', 'B'], seats: 1, by: 'registration-order', winners: ['A'], stage: 'seats' }] });
  });
});

describe('allocate — threshold bases (5%, A 890, B 60, C 50, against all 100, ballots cast 1250)', () => {
  const base = input({
    thresholdPercent: 5,
    minimumAdmittedLists: 1,
    lists: lists({ A: 890, B: 60, C: 50 }),
    againstAll: 100,
    ballotsCast: 1250,
  });
  const verdicts = (r: AllocationResult) => (r.kind === 'allocated' ? r.lists.map((l) => l.passedThreshold) : r);

  it('list votes: base 1000, C at exactly 5% passes (inclusive)', () => {
    const r = allocate({ ...base, thresholdBase: 'list-votes' });
    expect(r).toMatchObject({ base: 1000 });
    expect(verdicts(r)).toEqual([true, true, true]);
    expect(seatsOf(r)).toEqual({ A: 9, B: 1, C: 0 });
  });

  it('list votes plus against all: base 1100, C at 4.55% fails, B at 5.45% passes', () => {
    const r = allocate({ ...base, thresholdBase: 'list-votes-plus-against-all' });
    expect(r).toMatchObject({ base: 1100 });
    expect(verdicts(r)).toEqual([true, true, false]);
    // V = 950: A 8900/950 = 9 r 350, B 600/950 = 0 r 600 → the last seat to B.
    expect(seatsOf(r)).toEqual({ A: 9, B: 1, C: 0 });
  });

  it('ballots cast: base 1250, B at 4.8% fails too', () => {
    const r = allocate({ ...base, thresholdBase: 'ballots-cast' });
    expect(r).toMatchObject({ base: 1250 });
    expect(verdicts(r)).toEqual([true, false, false]);
    expect(seatsOf(r)).toEqual({ A: 10, B: 0, C: 0 });
  });

  it('thresholds with two decimals compare in basis points: 5.45% lets B (60/1100 = 5.4545%) through, 5.46% does not', () => {
    const at = (thresholdPercent: number) => verdicts(allocate({ ...base, thresholdBase: 'list-votes-plus-against-all', thresholdPercent }));
    expect(at(5.45)).toEqual([true, true, false]);
    expect(at(5.46)).toEqual([true, false, false]);
  });

  it('against all is never seated and never in the quota', () => {
    const r = allocate({ ...base, thresholdBase: 'list-votes-plus-against-all' });
    expect(r).toMatchObject({ quota: { numerator: 950, denominator: 10 } });
  });
});

describe('allocate — runner-up admission (5% of 1000: only A passes)', () => {
  const weak = input({ seats: 20, thresholdPercent: 5, lists: lists({ A: 900, B: 40, C: 35, D: 25 }) });

  it('admits the best-placed below the threshold until two take part', () => {
    const r = allocate(weak);
    // V = 940: A 18000/940 = 19 r 140, B 800/940 = 0 r 800 → the last seat to B.
    expect(seatsOf(r)).toEqual({ A: 19, B: 1, C: 0, D: 0 });
    if (r.kind !== 'allocated') return;
    expect(r.lists.map((l) => [l.id, l.passedThreshold, l.admitted, l.admittedAsRunnerUp])).toEqual([
      ['A', true, true, false],
      ['B', false, true, true],
      ['C', false, false, false],
      ['D', false, false, false],
    ]);
  });

  it('admits up to the configured minimum, and none when it is 0', () => {
    const three = allocate({ ...weak, minimumAdmittedLists: 3 });
    expect(three.kind === 'allocated' && three.lists.filter((l) => l.admitted).map((l) => l.id)).toEqual(['A', 'B', 'C']);
    expect(seatsOf(allocate({ ...weak, minimumAdmittedLists: 0 }))).toEqual({ A: 20, B: 0, C: 0, D: 0 });
  });

  it('never admits a list with no votes', () => {
    const r = allocate(input({ thresholdPercent: 5, lists: lists({ A: 900, B: 0 }) }));
    expect(r.kind === 'allocated' && r.lists.map((l) => l.admitted)).toEqual([true, false]);
    expect(seatsOf(r)).toEqual({ A: 10, B: 0 });
  });

  const tied = { ...weak, lists: lists({ A: 900, B: 40, C: 40 }) };

  it('equal votes for the last place: registration order admits the earlier list', () => {
    const r = allocate(tied);
    expect(r.kind === 'allocated' && r.lists.map((l) => l.admitted)).toEqual([true, true, false]);
    expect(r).toMatchObject({ tiesBroken: [{ lists: ['B', 'C'], seats: 1, by: 'registration-order', winners: ['B'], stage: 'admission' }] });
  });

  it('equal votes for the last place: a drawn lot admits the first drawn', () => {
    const r = allocate({ ...tied, tieRule: 'lot', lots: ['C', 'B'] });
    expect(r.kind === 'allocated' && r.lists.map((l) => l.admitted)).toEqual([true, false, true]);
  });

  it('equal votes for the last place without a lot: a blocking tie over admission', () => {
    expect(allocate({ ...tied, tieRule: 'lot' })).toStrictEqual({
      kind: 'tie',
      method: 'hare',
      tiedLists: ['B', 'C'],
      seatsInDispute: 20,
      settled: {},
      stage: 'admission',
    });
  });
});

describe('allocate — tie rules on equal remainders (Hare, 3 seats, B 2, C 2, A 5: every remainder is 6/9)', () => {
  // V = 9, quota 3: A 15/9 = 1 r 6, B 6/9 = 0 r 6, C 6/9 = 0 r 6; two seats left for three equal remainders.
  const tied = input({ seats: 3, lists: lists({ B: 2, C: 2, A: 5 }) });

  it('registration-order: the two registered first', () => {
    const r = allocate(tied);
    expect(seatsOf(r)).toEqual({ B: 1, C: 1, A: 1 });
    expect(r).toMatchObject({ tiesBroken: [{ lists: ['B', 'C', 'A'], seats: 2, by: 'registration-order', winners: ['B', 'C'] }] });
  });

  it('more-votes-then-registration: A on votes, then B on registration', () => {
    const r = allocate({ ...tied, tieRule: 'more-votes-then-registration' });
    expect(seatsOf(r)).toEqual({ B: 1, C: 0, A: 2 });
    expect(r).toMatchObject({ tiesBroken: [{ winners: ['A', 'B'], by: 'more-votes-then-registration' }] });
  });

  it('lot: the first two drawn', () => {
    const r = allocate({ ...tied, tieRule: 'lot', lots: ['C', 'A', 'B'] });
    expect(seatsOf(r)).toEqual({ B: 0, C: 1, A: 2 });
    expect(r).toMatchObject({ tiesBroken: [{ winners: ['C', 'A'], by: 'lot' }] });
  });

  it('lot not covering every tied list: a blocking tie with the seats already certain', () => {
    expect(allocate({ ...tied, tieRule: 'lot', lots: ['C', 'A'] })).toStrictEqual({
      kind: 'tie',
      method: 'hare',
      tiedLists: ['B', 'C', 'A'],
      seatsInDispute: 2,
      settled: { B: 0, C: 0, A: 1 },
      stage: 'seats',
    });
  });

  it('equal remainders that all fit are no tie', () => {
    // V = 4, 3 seats: shares 1.5, 0.75, 0.75 → floors 1, 0, 0; two seats left and the two equal
    // remainders (3/4) are the top two, so both are served and even the `lot` rule needs no lot.
    const r = allocate(input({ seats: 3, lists: lists({ A: 2, B: 1, C: 1 }), tieRule: 'lot' }));
    expect(seatsOf(r)).toEqual({ A: 1, B: 1, C: 1 });
    expect(r).toMatchObject({ tiesBroken: [] });
  });
});

describe("allocate — tie rules on equal quotients (D'Hondt, 2 seats, B 30, A 60, C 30)", () => {
  // Seat 1: A (60). Seat 2: A 60/2, B 30, C 30 all equal at 30.
  const tied = input({ seats: 2, method: 'dhondt', lists: lists({ B: 30, A: 60, C: 30 }) });

  it('registration-order gives it to B', () => {
    expect(seatsOf(allocate(tied))).toEqual({ B: 1, A: 1, C: 0 });
  });

  it('more-votes-then-registration gives it to A', () => {
    expect(seatsOf(allocate({ ...tied, tieRule: 'more-votes-then-registration' }))).toEqual({ B: 0, A: 2, C: 0 });
  });

  it('lot gives it to the first drawn', () => {
    const r = allocate({ ...tied, tieRule: 'lot', lots: ['C', 'B', 'A'] });
    expect(seatsOf(r)).toEqual({ B: 0, A: 1, C: 1 });
    expect(r).toMatchObject({ tiesBroken: [{ lists: ['B', 'A', 'C'], seats: 1, by: 'lot', winners: ['C'], stage: 'seats' }] });
  });

  it('lot not drawn: a blocking tie for one seat, A certain of one', () => {
    expect(allocate({ ...tied, tieRule: 'lot' })).toStrictEqual({
      kind: 'tie',
      method: 'dhondt',
      tiedLists: ['B', 'A', 'C'],
      seatsInDispute: 1,
      settled: { B: 0, A: 1, C: 0 },
      stage: 'seats',
    });
  });
});

describe('allocate — edge cases return values', () => {
  it('no votes', () => {
    expect(allocate(input({ lists: lists({ A: 0, B: 0 }), againstAll: 7 }))).toEqual({ kind: 'none', reason: 'no-votes' });
    expect(allocate(input({ lists: [] }))).toEqual({ kind: 'none', reason: 'no-votes' });
  });

  it('no seats', () => {
    expect(allocate(input({ seats: 0, lists: lists({ A: 5 }) }))).toEqual({ kind: 'none', reason: 'no-seats' });
  });

  it('no admitted list when nothing passes and runner-up admission is off', () => {
    const r = allocate(input({ thresholdPercent: 50, minimumAdmittedLists: 0, lists: lists({ A: 40, B: 30, C: 30 }) }));
    expect(r).toEqual({ kind: 'none', reason: 'no-admitted-list' });
  });

  it('a single admitted list takes every seat', () => {
    expect(seatsOf(allocate(input({ method: 'sainte-lague', lists: lists({ A: 1 }) })))).toEqual({ A: 10 });
  });

  it.each([
    ['lists.A.votes', { lists: lists({ A: -1 }) }],
    ['lists.A.votes', { lists: lists({ A: 1.5 }) }],
    ['lists.A', { lists: [...lists({ A: 1 }), ...lists({ A: 2 })] }],
    ['seats', { lists: lists({ A: 1 }), seats: -1 }],
    ['thresholdPercent', { lists: lists({ A: 1 }), thresholdPercent: 5.001 }],
    ['thresholdPercent', { lists: lists({ A: 1 }), thresholdPercent: 101 }],
    ['lots.Z', { lists: lists({ A: 1 }), lots: ['Z'] }],
    ['ballotsCast', { lists: lists({ A: 10 }), thresholdBase: 'ballots-cast' as const, ballotsCast: 5 }],
    ['method', { lists: lists({ A: 1 }), method: 'imperiali' as never }],
  ])('invalid input is a value naming the field: %s', (field, over) => {
    const r = allocate(input(over));
    expect(r).toMatchObject({ kind: 'none', reason: 'invalid-input' });
    expect(r.kind === 'none' && r.detail?.startsWith(`${field}:`)).toBe(true);
  });

  it('ballots cast may equal the list votes plus against all, and not be one fewer', () => {
    const at = (ballotsCast: number) => allocate(input({ lists: lists({ A: 10 }), againstAll: 3, thresholdBase: 'ballots-cast', ballotsCast }));
    expect(at(12)).toMatchObject({ kind: 'none', reason: 'invalid-input', detail: expect.stringMatching(/^ballotsCast:/) });
    expect(seatsOf(at(13))).toEqual({ A: 10 });
  });

  it.each([
    // Quotients whose cross-products pass 2^53, where doubles round two different products to one
    // value: found by a search against a doubles-only count, which gives [3, 2] and [5, 1].
    ['dhondt' as const, 5, { X: 9007199254105666, Y: 9007199254105667 }, { X: 2, Y: 3 }],
    ['sainte-lague' as const, 6, { X: 9007199253968813, Y: 3002399751322938 }, { X: 4, Y: 2 }],
  ])('%s compares quotients exactly past 2^53 (%i seats)', (method, seats, votes, expected) => {
    expect(seatsOf(allocate(input({ method, seats, lists: lists(votes) })))).toEqual(expected);
  });

  it('votes whose products pass 2^53 still compare exactly', () => {
    // 2^50 + 1 vs 2^50: their shares of 3 seats differ only far beyond double precision.
    const big = 2 ** 50;
    const r = allocate(input({ seats: 3, lists: lists({ A: big, B: big + 1, C: big }) }));
    // 3 seats: no list reaches a whole quota, and all three remainders are served.
    expect(seatsOf(r)).toEqual({ A: 1, B: 1, C: 1 });
    const two = allocate(input({ seats: 2, lists: lists({ A: big, B: big + 1, C: big }) }));
    // 2 seats: shares 2/3 each, B's remainder largest by one vote → B, then A on registration.
    expect(seatsOf(two)).toEqual({ A: 1, B: 1, C: 0 });
    expect(two).toMatchObject({ tiesBroken: [{ lists: ['A', 'C'], seats: 1, winners: ['A'] }] });
  });
});

// What Stryker's mutants of allocate.ts showed no spec held (tools/mutate/README.md).
describe('allocate — the calculator’s own input checks, each with its words', () => {
  const one = lists({ A: 1 });
  it.each([
    [{ lists: one, seats: 1.5 }, 'seats: must be a non-negative integer'],
    [{ lists: one, method: 'imperiali' as never }, 'method: must be one of hare, droop, dhondt, sainte-lague'],
    [{ lists: one, thresholdBase: 'turnout' as never }, 'thresholdBase: must be one of list-votes, list-votes-plus-against-all, ballots-cast'],
    [{ lists: one, tieRule: 'coin' as never }, 'tieRule: must be one of registration-order, more-votes-then-registration, lot'],
    ...[Number.NaN, Number.POSITIVE_INFINITY, -0.01, 100.01, 5.255, '5' as never].map((thresholdPercent) => [
      { lists: one, thresholdPercent },
      'thresholdPercent: must be between 0 and 100 with at most two decimals',
    ]),
    [{ lists: one, minimumAdmittedLists: -1 }, 'minimumAdmittedLists: must be a non-negative integer'],
    [{ lists: one, againstAll: 0.5 }, 'againstAll: must be a non-negative integer'],
    [{ lists: one, ballotsCast: -1 }, 'ballotsCast: must be a non-negative integer'],
    [{ lists: [{ id: '', votes: 1 }] }, 'lists: every list needs a non-empty id'],
    [{ lists: [{ id: 7 as never, votes: 1 }] }, 'lists: every list needs a non-empty id'],
    [{ lists: lists({ A: 1, B: 2 }), lots: ['B', 'A', 'B'] }, 'lots.B: drawn more than once'],
    [{ lists: one, lots: ['Z'] }, 'lots.Z: not a list of this contest'],
    [{ lists: [...one, ...one] }, 'lists.A: appears more than once'],
    [{ lists: lists({ A: -1 }) }, 'lists.A.votes: must be a non-negative integer'],
  ] as Array<[Partial<AllocationInput> & Pick<AllocationInput, 'lists'>, string]>)('refuses %j: %s', (over, detail) => {
    expect(allocate(input(over))).toStrictEqual({ kind: 'none', reason: 'invalid-input', detail });
  });

  it('takes a threshold of exactly 0, 100 or two decimals', () => {
    for (const thresholdPercent of [0, 100, 5.25, 7.1]) expect(allocate(input({ lists: lists({ A: 10, B: 5 }), thresholdPercent })).kind).not.toBe('none');
  });
});

describe('allocate — admission, past the cases above', () => {
  it('a list with no votes is never admitted, even at a 0% threshold it passes', () => {
    const r = allocate(input({ thresholdPercent: 0, lists: lists({ A: 900, B: 0 }) }));
    expect(r.kind === 'allocated' && r.lists.map((l) => [l.id, l.passedThreshold, l.admitted])).toEqual([
      ['A', true, true],
      ['B', true, false],
    ]);
  });

  // 5% of 1,000: only A passes (B at 4.5% does not); runners-up among B 45, C 40, D 40 (and E 30).
  const runnersUp = (votes: Record<string, number>, minimumAdmittedLists: number) =>
    allocate(input({ seats: 20, thresholdPercent: 5, minimumAdmittedLists, lists: lists(votes) }));
  const admitted = (r: AllocationResult) => (r.kind === 'allocated' ? r.lists.filter((l) => l.admitted).map((l) => l.id) : r);
  const passed = (r: AllocationResult) => (r.kind === 'allocated' ? r.lists.filter((l) => l.passedThreshold).map((l) => l.id) : r);

  it('every list below the threshold fits: all admitted, no tie broken', () => {
    const r = runnersUp({ A: 875, B: 45, C: 40, D: 40 }, 4);
    expect(admitted(r)).toEqual(['A', 'B', 'C', 'D']);
    expect(r).toMatchObject({ kind: 'allocated', tiesBroken: [] });
  });

  it('a group of equal votes that exactly fills the places left is no tie', () => {
    const r = runnersUp({ A: 845, B: 45, C: 40, D: 40, E: 30 }, 4);
    expect(admitted(r)).toEqual(['A', 'B', 'C', 'D']);
    expect(r).toMatchObject({ kind: 'allocated', tiesBroken: [] });
  });

  it('a tie for the last place behind a list sure of its place: one place in dispute, not the whole need', () => {
    const r = runnersUp({ A: 875, B: 45, C: 40, D: 40 }, 3);
    expect(passed(r)).toEqual(['A']);
    expect(admitted(r)).toEqual(['A', 'B', 'C']);
    expect(r).toMatchObject({ kind: 'allocated', tiesBroken: [{ lists: ['C', 'D'], seats: 1, by: 'registration-order', winners: ['C'], stage: 'admission' }] });
  });
});

describe('allocate — divisor methods past 2^53', () => {
  // A = 2^52, B = (2^53 + 1) / 3. For the 4th seat, B / 2 beats A / 3 by half a vote's worth: B·3
  // = 2^53 + 1 against A·2 = 2^53, and doubles round both to 2^53 — a false tie. A list of one
  // vote keeps the smallest list small: the choice of exact arithmetic must look at the largest.
  const A = 2 ** 52;
  const B = 3002399751580331;

  it('decides by exact integers whenever the largest quotient product passes 2^53', () => {
    expect(BigInt(B) * 3n).toBe(2n ** 53n + 1n);
    const r = allocate(input({ method: 'dhondt', seats: 4, lists: lists({ A, B, C: 1 }) }));
    expect(seatsOf(r)).toEqual({ A: 2, B: 2, C: 0 });
    expect(r).toMatchObject({ tiesBroken: [] });
  });

  it('finds a true tie past 2^53 and breaks it by the rule, saying so', () => {
    const r = allocate(input({ method: 'dhondt', seats: 1, lists: lists({ A, B: A }) }));
    expect(seatsOf(r)).toEqual({ A: 1, B: 0 });
    expect(r).toMatchObject({ tiesBroken: [{ lists: ['A', 'B'], seats: 1, by: 'registration-order', winners: ['A'], stage: 'seats' }] });
    const later = allocate(input({ method: 'dhondt', seats: 1, lists: lists({ A: A + 2, B: A }) }));
    expect(seatsOf(later)).toEqual({ A: 1, B: 0 });
    expect(later).toMatchObject({ tiesBroken: [] });
    const second = allocate(input({ method: 'dhondt', seats: 1, lists: lists({ A, B: A + 2 }) }));
    expect(seatsOf(second)).toEqual({ A: 0, B: 1 });
  });
});

describe('admittedLists (the seat sensitivity’s view of admission)', () => {
  it('is the admission allocate runs: none without votes, the admitted set, or a tie', () => {
    expect(admittedLists(input({ lists: lists({ A: 0, B: 0 }) }))).toStrictEqual({ kind: 'admitted', admitted: new Set() });
    expect(admittedLists(input({ thresholdPercent: 5, minimumAdmittedLists: 1, lists: lists({ A: 90, B: 10, C: 1 }) }))).toStrictEqual({ kind: 'admitted', admitted: new Set(['A', 'B']) });
    expect(admittedLists(input({ seats: 20, thresholdPercent: 5, tieRule: 'lot', lists: lists({ A: 900, B: 40, C: 40 }) }))).toStrictEqual({ kind: 'tie' });
  });
});
