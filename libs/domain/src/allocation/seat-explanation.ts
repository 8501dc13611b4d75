// Why each seat went where it did, read off an allocation `allocate` already made: the quota and
// each list's remainder (largest-remainder methods) or the divisor table (divisor methods), and
// the rank of every seat. Nothing here decides a seat: the seats per list are the allocation's,
// and this file only orders them by the figures that won them (checking that the order agrees
// with the allocation, so a disagreement is a bug that throws, never a second answer).
import { divisorOf } from './allocate';
import type { AllocationInput, AllocationResult, Ratio } from './allocation.types';

/** One seat in the order the method hands seats out. */
export interface RankedSeat {
  /** 1 for the first seat handed out. */
  readonly rank: number;
  readonly list: string;
  /** Which of the list's seats this is (1 for its first). */
  readonly ofList: number;
  /** `quota`: a whole quota; `remainder`: a remaining seat by largest remainder; `quotient`: a divisor method's seat. */
  readonly stage: 'quota' | 'remainder' | 'quotient';
  /** The figure that won it, exactly: the remainder or the quotient; null for a whole quota. */
  readonly by: Ratio | null;
}

export interface RemainderRow {
  readonly id: string;
  readonly votes: number;
  readonly admitted: boolean;
  /** Seats from whole quotas; null for a list not admitted. */
  readonly quotaSeats: number | null;
  /** As a fraction of the quota (same denominator for every list); null for a list not admitted. */
  readonly remainder: Ratio | null;
  /** Seats won by remainder (more than 1 only when Droop's quota leaves more seats than lists). */
  readonly remainderSeats: number;
  readonly seats: number;
}

export interface QuotientCell {
  readonly divisor: number;
  /** votes / divisor, exactly. */
  readonly quotient: Ratio;
  /** The rank of the seat this quotient won; null for the first quotient that won none (the list's next). */
  readonly seatRank: number | null;
}

export interface QuotientRow {
  readonly id: string;
  readonly votes: number;
  readonly admitted: boolean;
  /** Every quotient that won a seat, then the list's next one (what it would need for one more); empty for a list not admitted. */
  readonly quotients: readonly QuotientCell[];
  readonly seats: number;
}

export type SeatExplanation =
  | {
      readonly kind: 'largest-remainder';
      readonly method: 'hare' | 'droop';
      readonly seats: number;
      /** Hare: votes of the admitted lists / seats; Droop: floor(votes / (seats + 1)) + 1. */
      readonly quota: Ratio;
      /** Votes of the admitted lists: what the quota is taken of. */
      readonly quotaVotes: number;
      readonly lists: readonly RemainderRow[];
      readonly ranking: readonly RankedSeat[];
    }
  | {
      readonly kind: 'highest-averages';
      readonly method: 'dhondt' | 'sainte-lague';
      readonly seats: number;
      /** The table's columns: the divisor of a list's 1st, 2nd, … seat, as far as any list reached (plus its next). */
      readonly divisors: readonly number[];
      readonly lists: readonly QuotientRow[];
      readonly ranking: readonly RankedSeat[];
      /** The lowest quotient that won a seat, and the highest that did not: the cut between them. */
      readonly lastWinning: Ratio | null;
      readonly firstLosing: Ratio | null;
    };

/** v/d vs w/e by cross-multiplication (BigInt: votes × divisors may pass 2^53). Positive when a > b. */
function compareRatios(a: Ratio, b: Ratio): number {
  const d = BigInt(a.numerator) * BigInt(b.denominator) - BigInt(b.numerator) * BigInt(a.denominator);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

/**
 * The explanation of an allocation of `input`. Only an `allocated` result has seats to explain;
 * a tie or no allocation is the caller's to report. Throws if the allocation's own figures do
 * not order its seats (a bug in one of the two, never an answer).
 */
export function explainAllocation(input: AllocationInput, result: Extract<AllocationResult, { kind: 'allocated' }>): SeatExplanation {
  const method = result.method;
  switch (method) {
    case 'hare':
    case 'droop':
      return largestRemainder(method, result);
    case 'dhondt':
    case 'sainte-lague':
      return highestAverages(input, method, result);
    default: {
      const never: never = method;
      return never;
    }
  }
}

function largestRemainder(method: 'hare' | 'droop', result: Extract<AllocationResult, { kind: 'allocated' }>): SeatExplanation {
  const quota = result.quota;
  if (!quota) throw new Error(`${method}: the allocation carries no quota`);
  const rows: RemainderRow[] = result.lists.map((l) => ({
    id: l.id,
    votes: l.votes,
    admitted: l.admitted,
    quotaSeats: l.admitted ? (l.quotaSeats ?? 0) : null,
    remainder: l.admitted ? (l.remainder ?? null) : null,
    remainderSeats: l.admitted ? l.seats - (l.quotaSeats ?? 0) : 0,
    seats: l.seats,
  }));
  const ranking: RankedSeat[] = [];
  // Whole quotas first, the larger lists first (each list's seats together, in the order won).
  const byVotes = rows.map((r, index) => ({ r, index })).filter((x) => x.r.admitted).sort((a, b) => b.r.votes - a.r.votes || a.index - b.index);
  for (const { r } of byVotes) for (let j = 1; j <= (r.quotaSeats ?? 0); j++) ranking.push({ rank: ranking.length + 1, list: r.id, ofList: j, stage: 'quota', by: null });
  // Then the remaining seats by remainder, round after round (the remainders share one denominator).
  const byRemainder = byVotes.filter((x) => x.r.remainderSeats > 0).sort((a, b) => (b.r.remainder?.numerator ?? 0) - (a.r.remainder?.numerator ?? 0) || a.index - b.index);
  const rounds = Math.max(0, ...byRemainder.map((x) => x.r.remainderSeats));
  for (let round = 0; round < rounds; round++) {
    for (const { r } of byRemainder) {
      if (r.remainderSeats <= round) continue;
      ranking.push({ rank: ranking.length + 1, list: r.id, ofList: (r.quotaSeats ?? 0) + round + 1, stage: 'remainder', by: r.remainder });
    }
  }
  if (rows.some((r) => r.remainderSeats < 0) || ranking.length !== result.seats) {
    throw new Error(`${method}: the allocation's quota seats and remainders do not make its ${result.seats} seats`);
  }
  const quotaVotes = method === 'hare' ? quota.numerator : rows.reduce((s, r) => s + (r.admitted ? r.votes : 0), 0);
  return { kind: 'largest-remainder', method, seats: result.seats, quota, quotaVotes, lists: rows, ranking };
}

function highestAverages(input: AllocationInput, method: 'dhondt' | 'sainte-lague', result: Extract<AllocationResult, { kind: 'allocated' }>): SeatExplanation {
  const divisor = divisorOf(method);
  const registration = new Map(input.lists.map((l, i) => [l.id, i]));
  // Every quotient that won a seat: the allocation says how many per list; the quotients order them.
  const won: { list: string; ofList: number; quotient: Ratio }[] = [];
  const next: Ratio[] = [];
  for (const l of result.lists) {
    if (!l.admitted) continue;
    for (let j = 0; j < l.seats; j++) won.push({ list: l.id, ofList: j + 1, quotient: { numerator: l.votes, denominator: divisor(j) } });
    next.push({ numerator: l.votes, denominator: divisor(l.seats) });
  }
  won.sort((a, b) => compareRatios(b.quotient, a.quotient) || (registration.get(a.list) ?? 0) - (registration.get(b.list) ?? 0) || a.ofList - b.ofList);
  const ranking: RankedSeat[] = won.map((w, i) => ({ rank: i + 1, list: w.list, ofList: w.ofList, stage: 'quotient', by: w.quotient }));
  const lastWinning = won.length > 0 ? won[won.length - 1].quotient : null;
  const firstLosing = next.reduce<Ratio | null>((best, q) => (best === null || compareRatios(q, best) > 0 ? q : best), null);
  // A quotient that lost above one that won would be a different allocation: a bug, never shown.
  if (ranking.length !== result.seats || (lastWinning && firstLosing && compareRatios(firstLosing, lastWinning) > 0)) {
    throw new Error(`${method}: the allocation's seats are not the highest quotients`);
  }
  const rankOf = new Map(ranking.map((s) => [`${s.list}#${s.ofList}`, s.rank]));
  const columns = Math.max(0, ...result.lists.filter((l) => l.admitted).map((l) => l.seats + 1));
  const lists: QuotientRow[] = result.lists.map((l) => ({
    id: l.id,
    votes: l.votes,
    admitted: l.admitted,
    quotients: l.admitted
      ? Array.from({ length: l.seats + 1 }, (_, j) => ({
          divisor: divisor(j),
          quotient: { numerator: l.votes, denominator: divisor(j) },
          seatRank: rankOf.get(`${l.id}#${j + 1}`) ?? null,
        }))
      : [],
    seats: l.seats,
  }));
  return {
    kind: 'highest-averages',
    method,
    seats: result.seats,
    divisors: Array.from({ length: columns }, (_, j) => divisor(j)),
    lists,
    ranking,
    lastWinning,
    firstLosing,
  };
}
