// The composition of a (mixed) body: list seats per party plus district seats per party, plus
// independents (self-nominated winners). A list's id is its party's id. Contests still open
// (a tie, a runoff, a repeat election, no result yet) are named as pending, never guessed.
import type { AllocationResult } from './allocation.types';

export interface ListContestOutcome {
  readonly contest: string;
  readonly result: AllocationResult;
}

export interface DistrictOutcome {
  readonly contest: string;
  /** The elected candidate and the party that nominated them (null = self-nominated); null while undecided. */
  readonly winner: { readonly candidate: string; readonly party: string | null } | null;
}

export interface CompositionInput {
  readonly lists: readonly ListContestOutcome[];
  readonly districts: readonly DistrictOutcome[];
}

export interface PartySeats {
  readonly party: string;
  readonly listSeats: number;
  readonly districtSeats: number;
  readonly seats: number;
}

export interface Composition {
  /** Parties in order of first appearance: list contests first (registration order), then districts. */
  readonly parties: readonly PartySeats[];
  readonly independents: readonly { readonly candidate: string; readonly contest: string }[];
  /** Seats filled so far (pending contests add nothing). */
  readonly seats: number;
  /** Contests with no final result yet. */
  readonly pending: readonly string[];
}

export function composeBody(input: CompositionInput): Composition {
  const list = new Map<string, number>();
  const district = new Map<string, number>();
  const order: string[] = [];
  const see = (party: string) => {
    if (!list.has(party) && !district.has(party)) order.push(party);
  };
  const pending: string[] = [];

  for (const { contest, result } of input.lists) {
    if (result.kind !== 'allocated') {
      pending.push(contest);
      continue;
    }
    for (const l of result.lists) {
      // Lists that took part but won nothing still appear (with zero), so a table shows them.
      if (!l.admitted && l.seats === 0) continue;
      see(l.id);
      list.set(l.id, (list.get(l.id) ?? 0) + l.seats);
    }
  }
  const independents: { candidate: string; contest: string }[] = [];
  for (const { contest, winner } of input.districts) {
    if (winner === null) pending.push(contest);
    else if (winner.party === null) independents.push({ candidate: winner.candidate, contest });
    else {
      see(winner.party);
      district.set(winner.party, (district.get(winner.party) ?? 0) + 1);
    }
  }

  const parties = order.map((party) => {
    const listSeats = list.get(party) ?? 0;
    const districtSeats = district.get(party) ?? 0;
    return { party, listSeats, districtSeats, seats: listSeats + districtSeats };
  });
  return {
    parties,
    independents,
    seats: parties.reduce((s, p) => s + p.seats, 0) + independents.length,
    pending,
  };
}
