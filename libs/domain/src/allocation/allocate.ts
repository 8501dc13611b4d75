// The seat calculator: threshold, runner-up admission, then one of four methods.
// Pure, synchronous, integers only. Every comparison of two fractions is a cross-multiplication
// in BigInt, because votes × seats × 10000 can pass 2^53.
import { AllocationMethod, ThresholdBase, TieRule } from '../election/election-definition';
import type { Allocate, AllocationInput, AllocationResult, ListAllocation, Ratio, TieBroken } from './allocation.types';
import { isCount } from '../count';
import { breakTie, type Contender } from './tie-break';

/** One list as the calculator sees it: its registration index decides `registration-order` ties. */
interface Entry extends Contender {
  readonly big: bigint;
}

/** Seats from the method, or a tie the rule could not settle. */
type MethodOutcome =
  | {
      readonly kind: 'seats';
      readonly seats: ReadonlyMap<string, number>;
      readonly quota?: Ratio;
      readonly divisors?: readonly number[];
      readonly quotaSeats?: ReadonlyMap<string, number>;
      readonly remainders?: ReadonlyMap<string, Ratio>;
      readonly tiesBroken: readonly TieBroken[];
    }
  | { readonly kind: 'tie'; readonly tiedLists: readonly string[]; readonly seatsInDispute: number; readonly settled: ReadonlyMap<string, number> };

export const allocate: Allocate = (input) => {
  const invalid = validate(input);
  if (invalid !== undefined) return { kind: 'none', reason: 'invalid-input', detail: invalid };
  if (input.seats === 0) return { kind: 'none', reason: 'no-seats' };

  const entries = toEntries(input);
  const listVotes = entries.reduce((s, e) => s + e.big, 0n);
  if (listVotes === 0n) return { kind: 'none', reason: 'no-votes' };

  const { base, passed, admission } = thresholdAndAdmission(input, entries, listVotes);
  if (admission.kind === 'tie') {
    return { kind: 'tie', method: input.method, tiedLists: admission.tiedLists, seatsInDispute: input.seats, settled: {}, stage: 'admission' };
  }
  const admitted = entries.filter((e) => admission.admitted.has(e.id));
  if (admitted.length === 0) return { kind: 'none', reason: 'no-admitted-list' };

  const outcome = runMethod(input, admitted);
  if (outcome.kind === 'tie') {
    return {
      kind: 'tie',
      method: input.method,
      tiedLists: outcome.tiedLists,
      seatsInDispute: outcome.seatsInDispute,
      settled: Object.fromEntries(entries.map((e) => [e.id, outcome.settled.get(e.id) ?? 0])),
      stage: 'seats',
    };
  }

  const baseNumber = Number(base);
  const lists: ListAllocation[] = entries.map((e) => {
    const isAdmitted = admission.admitted.has(e.id);
    const quotaSeats = outcome.quotaSeats?.get(e.id);
    const remainder = outcome.remainders?.get(e.id);
    return {
      id: e.id,
      votes: e.votes,
      share: { numerator: e.votes, denominator: baseNumber },
      passedThreshold: passed.has(e.id),
      admitted: isAdmitted,
      admittedAsRunnerUp: isAdmitted && !passed.has(e.id),
      seats: outcome.seats.get(e.id) ?? 0,
      ...(quotaSeats !== undefined && remainder !== undefined ? { quotaSeats, remainder } : {}),
    };
  });

  const result: AllocationResult = {
    kind: 'allocated',
    method: input.method,
    seats: input.seats,
    base: Number(base),
    ...(outcome.quota ? { quota: outcome.quota } : {}),
    ...(outcome.divisors ? { divisors: outcome.divisors } : {}),
    lists,
    tiesBroken: [...admission.tiesBroken, ...outcome.tiesBroken],
  };
  return result;
};

const toEntries = (input: AllocationInput): Entry[] => input.lists.map((l, index) => ({ id: l.id, votes: l.votes, index, big: BigInt(l.votes) }));

function thresholdAndAdmission(input: AllocationInput, entries: readonly Entry[], listVotes: bigint) {
  const base = thresholdBase(input, listVotes);
  const bp = BigInt(toBasisPoints(input.thresholdPercent));
  // Inclusive: "N and more percent" ⇔ votes / base ≥ bp / 10000.
  const passed = new Set(entries.filter((e) => e.big * 10000n >= bp * base).map((e) => e.id));
  return { base, passed, admission: admit(entries, passed, input) };
}

/**
 * Which lists take part in the seats (threshold, then runner-up admission), or a tie over the last
 * runner-up place. Exported for the seat sensitivity, which must know the quota's vote total
 * under Droop; it is the very step `allocate` runs, not a copy. Assumes a valid input.
 */
export function admittedLists(input: AllocationInput): { readonly kind: 'admitted'; readonly admitted: ReadonlySet<string> } | { readonly kind: 'tie' } {
  const entries = toEntries(input);
  const listVotes = entries.reduce((s, e) => s + e.big, 0n);
  if (listVotes === 0n) return { kind: 'admitted', admitted: new Set() };
  const { admission } = thresholdAndAdmission(input, entries, listVotes);
  return admission.kind === 'tie' ? { kind: 'tie' } : { kind: 'admitted', admitted: admission.admitted };
}

/** The threshold base as an integer. Against-all counts only where the base says so (exported for the sensitivity's threshold margin). */
export function thresholdBase(input: AllocationInput, listVotes: bigint): bigint {
  const base = input.thresholdBase;
  switch (base) {
    case 'list-votes':
      return listVotes;
    case 'list-votes-plus-against-all':
      return listVotes + BigInt(input.againstAll);
    case 'ballots-cast':
      return BigInt(input.ballotsCast);
    default: {
      const never: never = base;
      return never;
    }
  }
}

/** 5 → 500, 5.25 → 525. Validation has already checked there are at most two decimals. */
export function toBasisPoints(percent: number): number {
  return Math.round(percent * 100);
}

type Admission =
  | { readonly kind: 'admitted'; readonly admitted: ReadonlySet<string>; readonly tiesBroken: readonly TieBroken[] }
  | { readonly kind: 'tie'; readonly tiedLists: readonly string[] };

/**
 * Lists that passed take part; if fewer than `minimumAdmittedLists` did, the best-placed below
 * the threshold join until that many take part. A list with no votes never takes part, even at a
 * 0% threshold: it could win nothing but a remainder tie.
 */
function admit(entries: readonly Entry[], passed: ReadonlySet<string>, input: AllocationInput): Admission {
  const admitted = new Set(entries.filter((e) => passed.has(e.id) && e.votes > 0).map((e) => e.id));
  const needed = input.minimumAdmittedLists - admitted.size;
  if (needed <= 0) return { kind: 'admitted', admitted, tiesBroken: [] };

  const below = entries.filter((e) => !passed.has(e.id) && e.votes > 0).sort((a, b) => b.votes - a.votes || a.index - b.index);
  if (below.length <= needed) {
    for (const e of below) admitted.add(e.id);
    return { kind: 'admitted', admitted, tiesBroken: [] };
  }
  const boundary = below[needed - 1].votes;
  const sure = below.filter((e) => e.votes > boundary);
  const group = below.filter((e) => e.votes === boundary);
  const places = needed - sure.length;
  for (const e of sure) admitted.add(e.id);
  if (group.length === places) {
    for (const e of group) admitted.add(e.id);
    return { kind: 'admitted', admitted, tiesBroken: [] };
  }
  const verdict = breakTie(group, places, input.tieRule, input.lots);
  if (verdict.kind === 'unsettled') return { kind: 'tie', tiedLists: idsInRegistrationOrder(group) };
  for (const id of verdict.winners) admitted.add(id);
  return {
    kind: 'admitted',
    admitted,
    tiesBroken: [{ lists: idsInRegistrationOrder(group), seats: places, by: input.tieRule, winners: verdict.winners, stage: 'admission' }],
  };
}

function runMethod(input: AllocationInput, admitted: readonly Entry[]): MethodOutcome {
  const method = input.method;
  switch (method) {
    case 'hare':
    case 'droop':
      return largestRemainder(input, method, admitted);
    case 'dhondt':
    case 'sainte-lague':
      return highestAverages(input, admitted, divisorOf(method));
    default: {
      const never: never = method;
      return never;
    }
  }
}

/**
 * A divisor method's divisor for a list's next seat, given the seats it has won: 1, 2, 3, … (D'Hondt)
 * or 1, 3, 5, … (Sainte-Laguë). Exported for the seat explanation's divisor table: one copy of the rule.
 */
export function divisorOf(method: 'dhondt' | 'sainte-lague'): (seatsWon: number) => number {
  return method === 'dhondt' ? (s) => s + 1 : (s) => 2 * s + 1;
}

/**
 * Hare: quota = V / S (exact rational). Each list's quota seats = floor(v·S / V); its remainder,
 * as a fraction of the quota, is (v·S mod V) / V.
 * Droop: quota = floor(V / (S+1)) + 1 (an integer); quota seats = floor(v / q), remainder (v mod q) / q.
 *
 * Neither quota can hand out more than S seats from whole quotas (Σ floor(v/q) ≤ V/q, and
 * V/q ≤ S for Hare, < S+1 for Droop), so no cap is ever needed; the exact-Droop V/(S+1)
 * variant, which can over-allocate, is deliberately not offered. The opposite degenerate case
 * does occur with Droop: when the quota is large against few votes (e.g. 5 votes for 10 seats,
 * quota 1), more seats can remain than there are admitted lists. Then the remainder ranking is
 * walked round again, one seat per list per round, so the house is always filled.
 */
function largestRemainder(input: AllocationInput, method: 'hare' | 'droop', admitted: readonly Entry[]): MethodOutcome {
  const S = BigInt(input.seats);
  const V = admitted.reduce((s, e) => s + e.big, 0n);
  let quota: Ratio;
  let split: (e: Entry) => { whole: bigint; rest: bigint };
  let denominator: bigint;
  if (method === 'hare') {
    quota = { numerator: Number(V), denominator: input.seats };
    denominator = V;
    split = (e) => ({ whole: (e.big * S) / V, rest: (e.big * S) % V });
  } else {
    const q = V / (S + 1n) + 1n;
    quota = { numerator: Number(q), denominator: 1 };
    denominator = q;
    split = (e) => ({ whole: e.big / q, rest: e.big % q });
  }

  const parts = admitted.map((e) => ({ entry: e, ...split(e) }));
  const quotaSeats = new Map(parts.map((p) => [p.entry.id, Number(p.whole)]));
  const remainders = new Map(parts.map((p) => [p.entry.id, { numerator: Number(p.rest), denominator: Number(denominator) }]));
  const left = input.seats - parts.reduce((s, p) => s + Number(p.whole), 0);

  const rounds = Math.floor(left / parts.length);
  const extra = left % parts.length;
  const seats = new Map(parts.map((p) => [p.entry.id, Number(p.whole) + rounds]));
  const tiesBroken: TieBroken[] = [];
  if (extra > 0) {
    // Same denominator for every list, so remainders compare as plain integers.
    const ranked = [...parts].sort((a, b) => (a.rest === b.rest ? a.entry.index - b.entry.index : a.rest > b.rest ? -1 : 1));
    const boundary = ranked[extra - 1].rest;
    const sure = ranked.filter((p) => p.rest > boundary);
    const group = ranked.filter((p) => p.rest === boundary).map((p) => p.entry);
    const places = extra - sure.length;
    for (const p of sure) seats.set(p.entry.id, (seats.get(p.entry.id) ?? 0) + 1);
    if (group.length === places) {
      for (const e of group) seats.set(e.id, (seats.get(e.id) ?? 0) + 1);
    } else {
      const verdict = breakTie(group, places, input.tieRule, input.lots);
      if (verdict.kind === 'unsettled') return { kind: 'tie', tiedLists: idsInRegistrationOrder(group), seatsInDispute: places, settled: seats };
      for (const id of verdict.winners) seats.set(id, (seats.get(id) ?? 0) + 1);
      tiesBroken.push({ lists: idsInRegistrationOrder(group), seats: places, by: input.tieRule, winners: verdict.winners, stage: 'seats' });
    }
  }
  return { kind: 'seats', seats, quota, quotaSeats, remainders, tiesBroken };
}

/**
 * Divisor methods: each seat goes to the highest quotient votes / divisor(seats won so far).
 * Equal highest quotients are all served when seats remain for all of them (their order cannot
 * matter then); otherwise they compete for the last seats and the tie rule decides.
 */
function highestAverages(input: AllocationInput, admitted: readonly Entry[], divisor: (seatsWon: number) => number): MethodOutcome {
  const won = admitted.map(() => 0);
  let remaining = input.seats;
  const tiesBroken: TieBroken[] = [];
  // v_i / d_i vs v_b / d_b  ⇔  v_i · d_b vs v_b · d_i. Doubles are exact while every product stays
  // below 2^53 (the largest divisor used is divisor(seats)); past that, BigInt.
  const maxVotes = Math.max(...admitted.map((e) => e.votes));
  const exactInDoubles = maxVotes * divisor(input.seats) <= Number.MAX_SAFE_INTEGER;
  const compare = exactInDoubles
    ? (i: number, b: number) => admitted[i].votes * divisor(won[b]) - admitted[b].votes * divisor(won[i])
    : (i: number, b: number) => {
        const d = admitted[i].big * BigInt(divisor(won[b])) - admitted[b].big * BigInt(divisor(won[i]));
        return d > 0n ? 1 : d < 0n ? -1 : 0;
      };
  while (remaining > 0) {
    let best: number[] = [];
    for (let i = 0; i < admitted.length; i++) {
      if (best.length === 0) {
        best = [i];
        continue;
      }
      const c = compare(i, best[0]);
      if (c > 0) best = [i];
      else if (c === 0) best.push(i);
    }
    if (best.length <= remaining) {
      for (const i of best) won[i] += 1;
      remaining -= best.length;
      continue;
    }
    const group = best.map((i) => admitted[i]);
    const settled = new Map(admitted.map((e, i) => [e.id, won[i]]));
    const verdict = breakTie(group, remaining, input.tieRule, input.lots);
    if (verdict.kind === 'unsettled') return { kind: 'tie', tiedLists: idsInRegistrationOrder(group), seatsInDispute: remaining, settled };
    for (const id of verdict.winners) won[admitted.findIndex((e) => e.id === id)] += 1;
    tiesBroken.push({ lists: idsInRegistrationOrder(group), seats: remaining, by: input.tieRule, winners: verdict.winners, stage: 'seats' });
    remaining = 0;
  }
  const maxWon = Math.max(...won);
  return {
    kind: 'seats',
    seats: new Map(admitted.map((e, i) => [e.id, won[i]])),
    // The divisors that won seats: 1, 2, 3, … (D'Hondt) or 1, 3, 5, … (Sainte-Laguë).
    divisors: Array.from({ length: maxWon }, (_, s) => divisor(s)),
    tiesBroken,
  };
}

function idsInRegistrationOrder(group: readonly Contender[]): string[] {
  return [...group].sort((a, b) => a.index - b.index).map((e) => e.id);
}

/**
 * The boundary (zod) should have refused all of this; the calculator still answers with a value
 * rather than a wrong number, naming the field and the rule.
 */
function validate(input: AllocationInput): string | undefined {
  if (!isCount(input.seats)) return 'seats: must be a non-negative integer';
  if (!AllocationMethod.options.includes(input.method)) return `method: must be one of ${AllocationMethod.options.join(', ')}`;
  if (!ThresholdBase.options.includes(input.thresholdBase)) return `thresholdBase: must be one of ${ThresholdBase.options.join(', ')}`;
  if (!TieRule.options.includes(input.tieRule)) return `tieRule: must be one of ${TieRule.options.join(', ')}`;
  const t = input.thresholdPercent;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0 || t > 100 || Math.abs(t * 100 - Math.round(t * 100)) > 1e-6) {
    return 'thresholdPercent: must be between 0 and 100 with at most two decimals';
  }
  if (!isCount(input.minimumAdmittedLists)) return 'minimumAdmittedLists: must be a non-negative integer';
  if (!isCount(input.againstAll)) return 'againstAll: must be a non-negative integer';
  if (!isCount(input.ballotsCast)) return 'ballotsCast: must be a non-negative integer';
  const ids = new Set<string>();
  for (const l of input.lists) {
    if (typeof l.id !== 'string' || l.id.length === 0) return 'lists: every list needs a non-empty id';
    if (ids.has(l.id)) return `lists.${l.id}: appears more than once`;
    ids.add(l.id);
    if (!isCount(l.votes)) return `lists.${l.id}.votes: must be a non-negative integer`;
  }
  if (input.lots) {
    const drawn = new Set<string>();
    for (const id of input.lots) {
      if (!ids.has(id)) return `lots.${id}: not a list of this contest`;
      if (drawn.has(id)) return `lots.${id}: drawn more than once`;
      drawn.add(id);
    }
  }
  if (input.thresholdBase === 'ballots-cast') {
    const valid = input.lists.reduce((s, l) => s + BigInt(l.votes), 0n) + BigInt(input.againstAll);
    if (BigInt(input.ballotsCast) < valid) return 'ballotsCast: must be at least the list votes plus against all (ballots found = valid + invalid)';
  }
  return undefined;
}
