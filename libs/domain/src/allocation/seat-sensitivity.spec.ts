// gainOne / loseOne against a brute force over every vote count, on small random elections.
import fc from 'fast-check';
import type { AllocationInput, AllocationResult } from './allocation.types';
import { ALMATY_2023_ALLOCATION_INPUT, ALMATY_2023_SENSITIVITY } from '../fixtures/almaty-2023.fixture';
import { allocate } from './allocate';
import { drawnInput } from './allocation.test-helper';
import { seatSensitivity, type ListSensitivity } from './seat-sensitivity';

const methods = ['hare', 'droop', 'dhondt', 'sainte-lague'] as const;
const bases = ['list-votes', 'list-votes-plus-against-all', 'ballots-cast'] as const;

const election = (maxVotes: number, maxSeats: number) => fc
  .record({
    votes: fc.array(fc.nat(maxVotes), { minLength: 1, maxLength: 5 }),
    seats: fc.integer({ min: 1, max: maxSeats }),
    thresholdBp: fc.oneof(fc.constant(0), fc.constant(500), fc.constant(700), fc.integer({ min: 0, max: 3000 })),
    thresholdBase: fc.constantFrom(...bases),
    againstAll: fc.nat(15),
    invalid: fc.nat(15),
    minimumAdmittedLists: fc.nat(3),
    tieRule: fc.constantFrom('registration-order', 'more-votes-then-registration', 'lot') as fc.Arbitrary<AllocationInput['tieRule']>,
    // For the `lot` rule: a drawn order of some or all lists (a partial draw leaves ties unresolved).
    lotOrder: fc.array(fc.nat(4), { maxLength: 5 }),
  })
  .map(drawnInput);
/** Small enough for a brute force over every count; the larger one reaches deeper into the searches. */
const small = election(40, 7);
const larger = election(400, 12);

/** The least seats a list certainly holds, and the most it could, at one allocation. */
function seatRange(r: AllocationResult, id: string, seats: number): { min: number; max: number } {
  if (r.kind === 'allocated') {
    const s = r.lists.find((l) => l.id === id)?.seats ?? 0;
    return { min: s, max: s };
  }
  if (r.kind === 'none') return { min: 0, max: 0 };
  if (r.stage !== 'seats') return { min: 0, max: seats };
  const settled = r.settled[id] ?? 0;
  return { min: settled, max: settled + (r.tiedLists.includes(id) ? 1 : 0) };
}

const withVotes = (input: AllocationInput, i: number, votes: number): AllocationInput => ({
  ...input,
  ballotsCast: input.ballotsCast + votes - input.lists[i].votes,
  lists: input.lists.map((l, j) => (j === i ? { ...l, votes } : l)),
});

const GAIN_LIMIT = 1500;

/** Every count in turn: the definition itself. */
function bruteForce(input: AllocationInput, i: number, seats: number, gainLimit = GAIN_LIMIT): { gainOne: number | null; loseOne: number | null } {
  const v = input.lists[i].votes;
  const id = input.lists[i].id;
  let gainOne: number | null = null;
  if (seats < input.seats) {
    for (let d = 1; d <= gainLimit && gainOne === null; d++) if (seatRange(allocate(withVotes(input, i, v + d)), id, input.seats).min > seats) gainOne = d;
  }
  let loseOne: number | null = null;
  for (let d = 1; d <= v && loseOne === null && seats > 0; d++) if (seatRange(allocate(withVotes(input, i, v - d)), id, input.seats).max < seats) loseOne = d;
  return { gainOne, loseOne };
}

const sensitivities = (input: AllocationInput): readonly ListSensitivity[] => {
  const s = seatSensitivity(input);
  if (s.kind !== 'sensitivity') throw new Error(`expected a sensitivity, got ${JSON.stringify(s)}`);
  return s.lists;
};

describe('seatSensitivity', () => {
  for (const method of methods) {
    it(`equals the brute force under ${method} (thresholds, bases, against-all, runners-up, tie rules)`, () => {
      fc.assert(
        fc.property(small, (partial) => {
          const input: AllocationInput = { ...partial, method };
          const now = allocate(input);
          if (now.kind === 'tie') {
            expect(seatSensitivity(input)).toEqual({ kind: 'unavailable', reason: 'tie' });
            return;
          }
          const lists = sensitivities(input);
          lists.forEach((l, i) => {
            const expected = bruteForce(input, i, l.seats);
            // Past the brute force's reach, the search may still find a gain.
            const gainOne = l.gainOne !== null && l.gainOne > GAIN_LIMIT ? null : l.gainOne;
            expect({ list: l.id, gainOne, loseOne: l.loseOne }).toEqual({ list: l.id, ...expected });
          });
        }),
        { numRuns: 200 },
      );
    });
    it(`equals the brute force under ${method} on larger counts`, () => {
      fc.assert(
        fc.property(larger, (partial) => {
          const input: AllocationInput = { ...partial, method };
          if (allocate(input).kind === 'tie') return;
          sensitivities(input).forEach((l, i) => {
            const gainOne = l.gainOne !== null && l.gainOne > GAIN_LIMIT ? null : l.gainOne;
            expect({ list: l.id, gainOne, loseOne: l.loseOne }).toEqual({ list: l.id, ...bruteForce(input, i, l.seats) });
          });
        }),
        { numRuns: 60 },
      );
    });
  }

  // The drawn elections must reach the rules the acceptance names, or the properties above prove
  // less than they say: count, over a fixed sample, the cases that exercise each.
  it('the drawn elections reach every rule named: each method, a list below the threshold, a runner-up admitted, against-all in the base', () => {
    const sample = fc.sample(small, { numRuns: 400, seed: 14 });
    for (const method of methods) {
      const results = sample.map((partial) => allocate({ ...partial, method })).filter((r): r is Extract<AllocationResult, { kind: 'allocated' }> => r.kind === 'allocated');
      expect(results.length).toBeGreaterThan(100);
      expect(results.filter((r) => r.lists.some((l) => !l.passedThreshold && l.votes > 0)).length).toBeGreaterThan(10);
      expect(results.filter((r) => r.lists.some((l) => l.admittedAsRunnerUp)).length).toBeGreaterThan(10);
    }
    expect(sample.filter((p) => p.thresholdBase === 'list-votes-plus-against-all' && p.againstAll > 0).length).toBeGreaterThan(50);
  });

  // Runner-up admission is where the seat search must follow a list across the admission rule:
  // high thresholds with two or three lists admitted regardless, under every method.
  const runnersUp = fc
    .record({
      votes: fc.array(fc.nat(60), { minLength: 2, maxLength: 5 }),
      seats: fc.integer({ min: 1, max: 7 }),
      thresholdBp: fc.integer({ min: 2500, max: 6000 }),
      thresholdBase: fc.constantFrom(...bases),
      againstAll: fc.nat(40),
      invalid: fc.nat(10),
      minimumAdmittedLists: fc.integer({ min: 2, max: 3 }),
      tieRule: fc.constantFrom('registration-order', 'more-votes-then-registration') as fc.Arbitrary<AllocationInput['tieRule']>,
    })
    .map(drawnInput);
  for (const method of methods) {
    it(`equals the brute force under ${method} where runners-up are admitted (thresholds of 25–60%, against-all in the base)`, () => {
      let admittedRunnersUp = 0;
      fc.assert(
        fc.property(runnersUp, (partial) => {
          const input: AllocationInput = { ...partial, method };
          const now = allocate(input);
          if (now.kind !== 'allocated') return;
          if (now.lists.some((l) => l.admittedAsRunnerUp)) admittedRunnersUp++;
          sensitivities(input).forEach((l, i) => {
            const gainOne = l.gainOne !== null && l.gainOne > GAIN_LIMIT ? null : l.gainOne;
            expect({ list: l.id, gainOne, loseOne: l.loseOne }).toEqual({ list: l.id, ...bruteForce(input, i, l.seats) });
          });
        }),
        { numRuns: 150 },
      );
      expect(admittedRunnersUp).toBeGreaterThan(30);
    });
  }

  it('gives the threshold margin the allocation agrees with: passes iff margin ≥ 0, and one vote less fails at 0', () => {
    fc.assert(
      fc.property(small, fc.constantFrom(...methods), (partial, method) => {
        const input: AllocationInput = { ...partial, method, tieRule: 'registration-order', minimumAdmittedLists: 0 };
        const now = allocate(input);
        if (now.kind !== 'allocated') return;
        sensitivities(input).forEach((l, i) => {
          expect(l.thresholdMargin !== null && l.thresholdMargin >= 0).toBe(now.lists[i].passedThreshold);
          if (l.thresholdMargin === null) return;
          const edge = allocate(withVotes(input, i, l.votes - l.thresholdMargin));
          if (edge.kind === 'allocated') expect(edge.lists[i].passedThreshold).toBe(true);
          if (l.votes - l.thresholdMargin > 0) {
            const below = allocate(withVotes(input, i, l.votes - l.thresholdMargin - 1));
            if (below.kind === 'allocated') expect(below.lists[i].passedThreshold).toBe(false);
          }
        });
      }),
    );
  });

  it('handles the non-monotone cases named in the file: Hare across a threshold, Droop across a quota step', () => {
    const hare: AllocationInput = {
      seats: 4,
      method: 'hare',
      thresholdPercent: 11.77,
      thresholdBase: 'list-votes',
      lists: [4, 56, 12, 17, 12].map((votes, i) => ({ id: `L${i}`, votes })),
      againstAll: 0,
      ballotsCast: 101,
      minimumAdmittedLists: 0,
      tieRule: 'registration-order',
    };
    // At 12 votes L2 holds a seat; one more pushes L4 under the threshold and costs L2 its seat.
    expect(seatRange(allocate(withVotes(hare, 2, 13)), 'L2', 4)).toEqual({ min: 0, max: 0 });
    const l2 = sensitivities(hare)[2];
    expect(l2).toMatchObject({ seats: 1, ...bruteForce(hare, 2, 1) });

    const droop: AllocationInput = { ...hare, seats: 3, method: 'droop', thresholdPercent: 0, lists: [{ id: 'A', votes: 1 }, { id: 'B', votes: 6 }], ballotsCast: 7 };
    expect(sensitivities(droop)[1]).toMatchObject({ seats: 3, gainOne: null, loseOne: bruteForce(droop, 1, 3).loseOne });
    const droop7 = withVotes(droop, 1, 7);
    expect(sensitivities(droop7)[1]).toMatchObject({ seats: 2, ...bruteForce(droop7, 1, 2) });
  });

  it('on the Almaty 2023 example: every list as the brute force finds it (the fixture other suites compare with)', () => {
    const lists = sensitivities(ALMATY_2023_ALLOCATION_INPUT);
    expect(lists.map((l) => l.seats)).toEqual([12, 3, 3, 2, 1, 0]);
    expect(lists.map(({ gainOne, loseOne, thresholdMargin }) => ({ gainOne, loseOne, thresholdMargin }))).toEqual(ALMATY_2023_SENSITIVITY);
    lists.forEach((l, i) => expect({ gainOne: l.gainOne, loseOne: l.loseOne }).toEqual(bruteForce(ALMATY_2023_ALLOCATION_INPUT, i, l.seats, 20_000)));
    // Ballots cast are read only under their own base: an input without them answers the same.
    expect(seatSensitivity({ ...ALMATY_2023_ALLOCATION_INPUT, ballotsCast: 0 })).toEqual(seatSensitivity(ALMATY_2023_ALLOCATION_INPUT));
    // Auyl is short of 5% of a base that grows with its own votes: ceil(5·283492/95) − 8264.
    expect(lists[5].thresholdMargin).toBe(8264 - Math.ceil((500 * (291756 - 8264)) / 9500));
  });
});
