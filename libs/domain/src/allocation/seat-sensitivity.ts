// How close each list is to a seat more or a seat less: the least votes that change its seats,
// its own count moving alone. Built on `allocate` itself (every rule it has, nothing restated):
// each probe is a real allocation of the changed votes, and a search over the list's own votes
// keeps the probes to O(log V) per list where the seats are monotone in those votes.
//
// Monotonicity, per method (property-tested in seat-sensitivity.spec.ts against a brute force):
// - D'Hondt, Sainte-Laguë: a list's seats never fall as its own votes rise, threshold and
//   runner-up rule included (a rise can only push rivals out; a divisor method never punishes a
//   list for a rival leaving). One binary search over the whole range.
// - Hare: monotone while the admitted lists stay the same, but NOT across a change: a rival
//   pushed under the threshold shrinks the quota and can hand the last remainder seat to a third
//   list (4 seats, 11.77%: 4/56/12/17/12 → the third list at 12 votes holds a seat, at 13 it has
//   none). So the votes are cut where admission can change (the list's own threshold crossing,
//   each rival's crossing, each rival's count for the runner-up ranking) and searched piece by piece.
// - Droop: not monotone even with admission fixed: the integer quota floor(V/(S+1))+1 steps up
//   every S+1 votes, and a list whose votes were a whole number of quotas loses one (3 seats,
//   1 vs 6 → 3 seats; 1 vs 7 → 2). Within one quota step the list's seats are monotone, and the
//   seats at the ends of the steps are monotone too; so the search runs over the steps' ends,
//   then inside the one step found.
//
// The hypothetical votes are also ballots found (invalid ballots unchanged), so under the
// `ballots-cast` base the base moves with them, as it would. A probe that ends in a tie the rule
// cannot settle (a `lot` not yet drawn) counts as the seats the list holds whatever the lot says
// for a gain, and as the most it could hold for a loss: "certainly more", "certainly fewer".
import type { AllocationInput, AllocationResult } from './allocation.types';
import { admittedLists, allocate, thresholdBase, toBasisPoints } from './allocate';

export interface ListSensitivity {
  readonly id: string;
  readonly votes: number;
  readonly seats: number;
  /** The fewest extra votes for this list alone that certainly give it more seats; null: none can (it holds every seat). */
  readonly gainOne: number | null;
  /** The fewest votes taken from this list alone that certainly give it fewer seats; null: it holds none. */
  readonly loseOne: number | null;
  /**
   * Votes above the threshold (0: exactly at it; it may lose that many and still pass), or, negative,
   * votes it is short. null when no count of its own reaches it (a 100% threshold with rivals).
   */
  readonly thresholdMargin: number | null;
}

export type SeatSensitivity =
  | { readonly kind: 'sensitivity'; readonly lists: readonly ListSensitivity[] }
  /** The current result is not a seat allocation to move from (an unresolved tie, or bad input). */
  | { readonly kind: 'unavailable'; readonly reason: 'tie' | 'no-seats' | 'invalid-input'; readonly detail?: string };

/** Hypothetical totals stay far inside safe integers. */
const MAX_TOTAL = 2 ** 52;

export function seatSensitivity(input: AllocationInput): SeatSensitivity {
  const now = allocate(input);
  if (now.kind === 'tie') return { kind: 'unavailable', reason: 'tie' };
  if (now.kind === 'none' && (now.reason === 'invalid-input' || now.reason === 'no-seats')) {
    return { kind: 'unavailable', reason: now.reason, ...(now.detail !== undefined ? { detail: now.detail } : {}) };
  }
  const lists = input.lists.map((l, i): ListSensitivity => {
    const seats = seatsNow(now, l.id);
    const probe = new Prober(input, i);
    return {
      id: l.id,
      votes: l.votes,
      seats,
      gainOne: seats >= input.seats ? null : probe.search('gain', seats),
      loseOne: seats === 0 ? null : probe.search('lose', seats),
      thresholdMargin: probe.thresholdMargin(),
    };
  });
  return { kind: 'sensitivity', lists };
}

function seatsNow(result: AllocationResult, id: string): number {
  return result.kind === 'allocated' ? (result.lists.find((l) => l.id === id)?.seats ?? 0) : 0;
}

type Direction = 'gain' | 'lose';

/** One list's own votes moved, everything else fixed. */
class Prober {
  private readonly votes: number;
  private readonly total: number;
  /** The threshold base minus this list's votes: constant while only its votes move. */
  private readonly baseOthers: bigint;
  private readonly bp: bigint;

  constructor(
    private readonly input: AllocationInput,
    private readonly index: number,
  ) {
    this.votes = input.lists[index].votes;
    // Every count the input holds, summed: the added votes stay below MAX_TOTAL beside them.
    this.total = input.lists.reduce((s, l) => s + l.votes, 0) + input.againstAll + input.ballotsCast;
    const listVotes = input.lists.reduce((s, l) => s + BigInt(l.votes), 0n);
    this.baseOthers = thresholdBase(input, listVotes) - BigInt(this.votes);
    this.bp = BigInt(toBasisPoints(input.thresholdPercent));
  }

  private at(votes: number): AllocationInput {
    const { input, index } = this;
    return {
      ...input,
      // Only the ballots-cast base reads it (the others may leave it 0, and must not see it go negative).
      ballotsCast: input.thresholdBase === 'ballots-cast' ? input.ballotsCast + (votes - this.votes) : input.ballotsCast,
      lists: input.lists.map((l, j) => (j === index ? { id: l.id, votes } : l)),
    };
  }

  /** The list's seats at `votes`: the least it certainly holds and the most it could. */
  private range(votes: number): { readonly min: number; readonly max: number } {
    const id = this.input.lists[this.index].id;
    const r = allocate(this.at(votes));
    switch (r.kind) {
      case 'none':
        // The input was valid and every probe keeps it so: a refusal here is a bug, not an answer.
        if (r.reason === 'invalid-input') throw new Error(`seat sensitivity probed an invalid input: ${r.detail ?? ''}`);
        return { min: 0, max: 0 };
      case 'allocated': {
        const s = seatsNow(r, id);
        return { min: s, max: s };
      }
      case 'tie': {
        if (r.stage !== 'seats') return { min: 0, max: this.input.seats };
        const settled = r.settled[id] ?? 0;
        return { min: settled, max: settled + (r.tiedLists.includes(id) ? 1 : 0) };
      }
      default: {
        const never: never = r;
        return never;
      }
    }
  }

  /** The least votes a list with this much of the base needs to pass: (10000 − bp)·v ≥ bp·others. */
  private passingVotes(): bigint | null {
    const { bp, baseOthers } = this;
    if (bp === 0n) return 0n;
    if (bp >= 10000n) return baseOthers === 0n ? 0n : null;
    const n = bp * baseOthers;
    const d = 10000n - bp;
    return (n + d - 1n) / d;
  }

  thresholdMargin(): number | null {
    const needed = this.passingVotes();
    return needed === null ? null : this.votes - Number(needed);
  }

  /**
   * Own-vote counts where the admitted lists can change: 1 (no votes, never admitted), its own
   * threshold crossing, each rival's count and the next (the runner-up ranking), and where each
   * rival falls under the threshold as the base grows. A superset is harmless: more pieces.
   */
  private admissionCuts(): number[] {
    const cuts = new Set<number>([0, 1]);
    const own = this.passingVotes();
    if (own !== null) cuts.add(Number(own));
    const { bp, baseOthers } = this;
    this.input.lists.forEach((l, j) => {
      if (j === this.index) return;
      cuts.add(l.votes);
      cuts.add(l.votes + 1);
      if (bp > 0n) {
        // Rival j passes while bp·(v + baseOthers) ≤ 10000·v_j.
        const room = 10000n * BigInt(l.votes) - bp * baseOthers;
        if (room >= 0n) cuts.add(Number(room / bp) + 1);
      }
    });
    return [...cuts].filter((c) => c <= MAX_TOTAL).sort((a, b) => a - b);
  }

  /** The least distance d (votes added or taken) that certainly changes the seats that way. */
  search(direction: Direction, seats: number): number | null {
    const v = this.votes;
    const ownVotes = (d: number) => (direction === 'gain' ? v + d : v - d);
    const hit = (d: number) => {
      const r = this.range(ownVotes(d));
      return direction === 'gain' ? r.min > seats : r.max < seats;
    };
    const maxD = direction === 'gain' ? Math.max(0, MAX_TOTAL - this.total) : v;
    if (maxD < 1) return null;

    const method = this.input.method;
    // An undrawn lot can leave the admission itself open (the list could hold anything): such a
    // count breaks the divisor methods' monotonicity, so with the `lot` rule they go by pieces too.
    const divisor = method === 'dhondt' || method === 'sainte-lague';
    if (divisor && this.input.tieRule !== 'lot') return firstTrue(1, maxD, hit);

    for (const [lo, hi] of pieces(this.admissionCuts(), v, direction, maxD)) {
      const found = method === 'droop' ? this.droopPiece(lo, hi, hit, direction) : firstTrue(lo, hi, hit);
      if (found !== null) return found;
    }
    return null;
  }

  /** Droop inside one admission piece: over the ends of the quota steps, then inside the step. */
  private droopPiece(lo: number, hi: number, hit: (d: number) => boolean, direction: Direction): number | null {
    const v = this.votes;
    const first = direction === 'gain' ? v + lo : v - lo;
    const admission = admittedLists(this.at(first));
    const id = this.input.lists[this.index].id;
    // Not admitted, or a runner-up tie: the seats are the same all through the piece.
    if (admission.kind === 'tie' || !admission.admitted.has(id)) return hit(lo) ? lo : null;
    const others = this.input.lists.reduce((s, l, j) => (j !== this.index && admission.admitted.has(l.id) ? s + l.votes : s), 0);
    const m = this.input.seats + 1;
    // A step of the quota is V = k·m … k·m + m − 1. Its end in the search's direction: the top
    // when adding (V + 1 ≡ 0), the bottom when taking away (V ≡ 0).
    const residue = direction === 'gain' ? mod(-(v + others + 1), m) : mod(v + others, m);
    const firstEnd = lo + mod(residue - lo, m);
    if (firstEnd > hi) return firstTrue(lo, hi, hit);
    const lastStep = Math.floor((hi - firstEnd) / m);
    const step = firstTrue(0, lastStep, (k) => hit(firstEnd + k * m));
    if (step !== null) {
      const end = firstEnd + step * m;
      return firstTrue(Math.max(lo, end - m + 1), end, hit);
    }
    const tail = firstEnd + lastStep * m + 1;
    return tail <= hi ? firstTrue(tail, hi, hit) : null;
  }
}

/** The admission pieces as distance ranges, nearest first, within 1 … maxD. */
function pieces(cuts: readonly number[], votes: number, direction: Direction, maxD: number): [number, number][] {
  const out: [number, number][] = [];
  if (direction === 'gain') {
    // Own votes votes+1 …; a piece ends just before the next cut.
    const starts = [votes + 1, ...cuts.filter((c) => c > votes + 1)];
    starts.forEach((s, k) => {
      const next = k + 1 < starts.length ? starts[k + 1] - votes - 1 : maxD;
      const lo = s - votes;
      if (lo <= maxD) out.push([lo, Math.min(next, maxD)]);
    });
  } else {
    // Own votes votes−1 down to 0; a piece reaches down to the cut at or below its top.
    let top = votes - 1;
    for (const c of [...cuts].reverse()) {
      if (top < 0) break;
      if (c > top) continue;
      out.push([votes - top, votes - c]);
      top = c - 1;
    }
  }
  return out;
}

/** The least d in lo … hi with p(d), where p is false then true on that range; null if p(hi) is false. */
function firstTrue(lo: number, hi: number, p: (d: number) => boolean): number | null {
  if (lo > hi) return null;
  // Doubling first: the answer is usually near lo, and hi may be the whole vote range.
  let step = 1;
  let probe = lo;
  while (!p(probe)) {
    if (probe >= hi) return null;
    lo = probe + 1;
    probe = Math.min(hi, probe + step);
    step *= 2;
  }
  hi = probe;
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (p(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const mod = (a: number, m: number) => ((a % m) + m) % m;
