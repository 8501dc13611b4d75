// Properties every allocation must keep, whatever the votes.
import fc from 'fast-check';
import type { AllocationInput, AllocationResult, ListAllocation } from './allocation.types';
import { allocate } from './allocate';
import { drawnInput } from './allocation.test-helper';

const methods = ['hare', 'droop', 'dhondt', 'sainte-lague'] as const;
const bases = ['list-votes', 'list-votes-plus-against-all', 'ballots-cast'] as const;

/** Mostly everyday counts, sometimes counts large enough that votes × seats × 10000 passes 2^53. */
const votes = fc.oneof({ weight: 4, arbitrary: fc.nat(200_000) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 40 }) });

const anyInput = fc
  .record({
    votes: fc.array(votes, { minLength: 1, maxLength: 9 }),
    seats: fc.integer({ min: 1, max: 60 }),
    method: fc.constantFrom(...methods),
    thresholdBp: fc.integer({ min: 0, max: 1500 }),
    thresholdBase: fc.constantFrom(...bases),
    againstAll: fc.nat(50_000),
    invalid: fc.nat(50_000),
    minimumAdmittedLists: fc.nat(3),
    tieRule: fc.constantFrom('registration-order', 'more-votes-then-registration') as fc.Arbitrary<AllocationInput['tieRule']>,
  })
  .map((r): AllocationInput => ({ ...drawnInput(r), method: r.method }));

const allocated = (r: AllocationResult) => {
  if (r.kind !== 'allocated') throw new Error(`expected an allocation, got ${JSON.stringify(r)}`);
  return r;
};
const seatMap = (lists: readonly ListAllocation[]) => Object.fromEntries(lists.map((l) => [l.id, l.seats]));

describe('allocate — properties', () => {
  it('fills the house exactly whenever any list is admitted, and is otherwise "none"', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const r = allocate(input);
        if (r.kind === 'none') {
          // Only when nobody voted for a list, or nothing passed and runner-up admission is off.
          const anyVotes = input.lists.some((l) => l.votes > 0);
          expect(!anyVotes || input.minimumAdmittedLists === 0).toBe(true);
          return;
        }
        const a = allocated(r);
        expect(a.lists.some((l) => l.admitted)).toBe(true);
        expect(a.lists.reduce((s, l) => s + l.seats, 0)).toBe(input.seats);
      }),
    );
  });

  it('gives no seat to a list that is not admitted, and admits runners-up only up to the minimum', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const r = allocate(input);
        if (r.kind !== 'allocated') return;
        for (const l of r.lists) {
          if (!l.admitted) expect(l.seats).toBe(0);
          if (!l.passedThreshold && !l.admittedAsRunnerUp) expect(l.seats).toBe(0);
          if (l.admitted) expect(l.votes).toBeGreaterThan(0);
        }
        const passed = r.lists.filter((l) => l.passedThreshold && l.votes > 0).length;
        const runnersUp = r.lists.filter((l) => l.admittedAsRunnerUp).length;
        expect(runnersUp).toBeLessThanOrEqual(Math.max(0, input.minimumAdmittedLists - passed));
        // A runner-up never has fewer votes than a list left out below the threshold.
        const out = r.lists.filter((l) => !l.passedThreshold && !l.admitted).map((l) => l.votes);
        for (const l of r.lists.filter((x) => x.admittedAsRunnerUp)) expect(l.votes).toBeGreaterThanOrEqual(Math.max(0, ...out));
      }),
    );
  });

  it('does not depend on input order when every vote total is distinct (more-votes rule) or lots are drawn', () => {
    const distinct = anyInput.filter((i) => new Set(i.lists.map((l) => l.votes)).size === i.lists.length);
    fc.assert(
      fc.property(distinct, fc.func(fc.integer()), fc.boolean(), (input, key, useLot) => {
        const base: AllocationInput = useLot
          ? { ...input, tieRule: 'lot', lots: input.lists.map((l) => l.id).reverse() }
          : { ...input, tieRule: 'more-votes-then-registration' };
        const shuffled = { ...base, lists: [...base.lists].sort((a, b) => key(a.id) - key(b.id) || a.id.localeCompare(b.id)) };
        const r1 = allocate(base);
        const r2 = allocate(shuffled);
        expect(r2.kind).toBe(r1.kind);
        if (r1.kind === 'allocated') expect(seatMap(allocated(r2).lists)).toEqual(seatMap(r1.lists));
      }),
    );
  });

  it('Hare gives every admitted list the floor or the ceiling of its exact quota share', () => {
    fc.assert(
      fc.property(anyInput, (raw) => {
        const input: AllocationInput = { ...raw, method: 'hare' };
        const r = allocate(input);
        if (r.kind !== 'allocated') return;
        const admitted = r.lists.filter((l) => l.admitted);
        const V = admitted.reduce((s, l) => s + BigInt(l.votes), 0n);
        for (const l of admitted) {
          const exact = BigInt(l.votes) * BigInt(input.seats);
          const floor = exact / V;
          const ceil = exact % V === 0n ? floor : floor + 1n;
          expect([floor, ceil]).toContain(BigInt(l.seats));
        }
      }),
    );
  });

  it('Droop gives every admitted list its whole quotas plus at most one seat per round of leftovers', () => {
    fc.assert(
      fc.property(anyInput, (raw) => {
        const r = allocate({ ...raw, method: 'droop' });
        if (r.kind !== 'allocated') return;
        const admitted = r.lists.filter((l) => l.admitted);
        const left = raw.seats - admitted.reduce((s, l) => s + (l.quotaSeats ?? 0), 0);
        const rounds = Math.floor(left / admitted.length);
        for (const l of admitted) {
          const extra = l.seats - (l.quotaSeats ?? 0);
          expect(extra === rounds || extra === rounds + 1).toBe(true);
        }
      }),
    );
  });

  it("D'Hondt and Sainte-Laguë are house-monotone: one seat more never takes a seat away", () => {
    const divisor = anyInput.map((i) => ({ ...i, method: i.seats % 2 === 0 ? ('dhondt' as const) : ('sainte-lague' as const) }));
    fc.assert(
      fc.property(divisor, fc.constantFrom('registration-order', 'more-votes-then-registration') as fc.Arbitrary<AllocationInput['tieRule']>, (input, tieRule) => {
        const small = allocate({ ...input, tieRule });
        const large = allocate({ ...input, tieRule, seats: input.seats + 1 });
        if (small.kind !== 'allocated') return;
        const after = seatMap(allocated(large).lists);
        for (const l of small.lists) expect(after[l.id]).toBeGreaterThanOrEqual(l.seats);
      }),
    );
  });

  it('Hare and the divisor methods are scale-invariant, also once products pass 2^53 (the BigInt path)', () => {
    const small = fc.record({
      votes: fc.array(fc.nat(100_000), { minLength: 1, maxLength: 8 }),
      seats: fc.integer({ min: 1, max: 60 }),
      method: fc.constantFrom('hare', 'dhondt', 'sainte-lague') as fc.Arbitrary<AllocationInput['method']>,
      thresholdBp: fc.integer({ min: 0, max: 1500 }),
      againstAll: fc.nat(20_000),
    });
    fc.assert(
      // Up to 2^33: vote totals stay below 2^53, votes × divisor often do not.
      fc.property(small, fc.integer({ min: 2 ** 28, max: 2 ** 33 }), (r, k) => {
        const make = (scale: number): AllocationInput => ({
          seats: r.seats,
          method: r.method,
          thresholdPercent: r.thresholdBp / 100,
          thresholdBase: 'list-votes-plus-against-all',
          lists: r.votes.map((v, i) => ({ id: `L${i}`, votes: v * scale })),
          againstAll: r.againstAll * scale,
          ballotsCast: 0,
          minimumAdmittedLists: 2,
          tieRule: 'registration-order',
        });
        const one = allocate(make(1));
        const many = allocate(make(k));
        expect(many.kind).toBe(one.kind);
        if (one.kind === 'allocated') expect(seatMap(allocated(many).lists)).toEqual(seatMap(one.lists));
      }),
    );
  });

  it('is inclusive at the threshold: exactly the threshold passes, one vote less fails', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }), // threshold in basis points
        fc.integer({ min: 1, max: 500 }), // base = 10000 · m, so the threshold is bp · m votes exactly
        // At least one other list with a vote, so "one vote less" still leaves something to allocate.
        fc.array(fc.nat(1000), { maxLength: 4 }).map((o) => [1, ...o]),
        fc.constantFrom('list-votes-plus-against-all', 'ballots-cast') as fc.Arbitrary<AllocationInput['thresholdBase']>,
        (bp, m, others, thresholdBase) => {
          const baseVotes = 10000 * m;
          const atThreshold = bp * m;
          const rest = others.reduce((s, v) => s + v, 0);
          fc.pre(atThreshold + rest <= baseVotes);
          const verdict = (v: number) => {
            // Keep the base fixed: against all takes up the slack.
            const r = allocate({
              seats: 5,
              method: 'hare',
              thresholdPercent: bp / 100,
              thresholdBase,
              lists: [{ id: 'X', votes: v }, ...others.map((o, i) => ({ id: `O${i}`, votes: o }))],
              againstAll: baseVotes - v - rest,
              ballotsCast: baseVotes,
              // Admit everyone as a runner-up so there is always an allocation to read the verdict from.
              minimumAdmittedLists: 10,
              tieRule: 'registration-order',
            });
            return allocated(r).lists[0].passedThreshold;
          };
          expect(verdict(atThreshold)).toBe(true);
          expect(verdict(atThreshold - 1)).toBe(false);
        },
      ),
    );
  });
});
