// Who takes the seats, and whether one party holds the majority. A list's provisional seats go to
// its ranked candidates in order, skipping withdrawn ones; a district's to its winner. The same
// functions serve the provisional membership (from the live results) and the registration of
// deputies, so a seat is named by one rule.
import type { Composition } from '../allocation/composition';
import type { ElectionDefinition, ListCandidate, LocalizedName, RankedList } from '../election/election-definition';
import { holderOn, listContestOf, type BodyMandates, type TerminationGround } from '../election/mandates';
import { bodyComposition, type BodyComposition } from './results.queries';
import type { ResultsView } from './results.view';

/** A seat of a body: a place won by a list (its n-th seat, 1-based) or a district. */
export type Seat =
  | { readonly kind: 'list'; readonly contestId: string; readonly list: string; readonly number: number }
  | { readonly kind: 'district'; readonly contestId: string; readonly district: string };

export interface NamedCandidate {
  readonly id: string;
  readonly name: LocalizedName;
  /** A list candidate's place on the ranked list (1 = No. 1); absent for a district candidate. */
  readonly rank?: number;
}

export interface Member {
  readonly seat: Seat;
  /** The list, or the nominating party of a district winner; null for a self-nominated winner. */
  readonly party: string | null;
  /** Null when nobody can be named: no ranked list, a list with too few eligible candidates. */
  readonly candidate: NamedCandidate | null;
}

export interface Majority {
  /** More than half of all the body's seats: floor(seats / 2) + 1 (22 of 42). */
  readonly seats: number;
  readonly of: number;
  /** The party with most seats (first in the composition's order on a tie), null with none. */
  readonly largest: { readonly party: string; readonly seats: number } | null;
  /** That party, if it holds the majority on its own. */
  readonly heldBy: string | null;
  /** Seats the largest party lacks for the majority (0 when it holds it). */
  readonly lacking: number;
}

export interface BodyMembers {
  readonly bodyId: string;
  /** All seats of the body: the list contest's seats plus one per district. */
  readonly seatsTotal: number;
  /** List seats in the lists' order (each list's seats in rank order), then districts in definition order. */
  readonly members: readonly Member[];
  readonly majority: Majority;
}

/** All seats of a body: its list contest's seats plus one per district contest. */
export function bodySeats(definition: ElectionDefinition, bodyId: string): number {
  return definition.contests.filter((c) => c.body === bodyId).reduce((sum, c) => sum + (c.kind === 'list' ? c.seats : 1), 0);
}

export function majorityOf(seatsTotal: number, parties: Composition['parties']): Majority {
  const seats = Math.floor(seatsTotal / 2) + 1;
  let largest: Majority['largest'] = null;
  for (const p of parties) if (largest === null || p.seats > largest.seats) largest = { party: p.party, seats: p.seats };
  const lacking = Math.max(0, seats - (largest?.seats ?? 0));
  return { seats, of: seatsTotal, largest, heldBy: largest !== null && lacking === 0 ? largest.party : null, lacking };
}

/**
 * The first `seats` eligible candidates of a ranked list, in order: withdrawn ones, and those in
 * `skip` (already seated or whose mandate ended), are passed over. Fewer eligible than seats:
 * the rest are null (the seat cannot be named from this list).
 */
export function nameListSeats(ranked: RankedList | undefined, seats: number, skip: (candidateId: string) => boolean): readonly (NamedCandidate | null)[] {
  const eligible: NamedCandidate[] = [];
  (ranked?.candidates ?? []).forEach((c: ListCandidate, i) => {
    if (eligible.length < seats && !skip(c.id)) eligible.push({ id: c.id, name: c.name, rank: i + 1 });
  });
  return Array.from({ length: seats }, (_, i) => eligible[i] ?? null);
}

/** The body's provisional membership on the live figures: seats named, the majority line. */
export function bodyMembers(view: ResultsView, bodyId: string, withdrawn: ReadonlySet<string>): BodyMembers | undefined {
  const composition = bodyComposition(view, bodyId);
  if (!composition) return undefined;
  return membersOf(view.election.definition, composition, withdrawn);
}

/** Seats named from a body's composition (the live one, or the one a commission registers). */
export function membersOf(definition: ElectionDefinition, body: BodyComposition, withdrawn: ReadonlySet<string>): BodyMembers {
  const members: Member[] = [];
  const contest = body.list ? definition.contests.find((c) => c.id === body.list?.contestId) : undefined;
  if (body.list && body.list.allocation.kind === 'allocated' && contest?.kind === 'list') {
    for (const l of body.list.allocation.lists) {
      const ranked = contest.rankedLists?.find((r) => r.list === l.id);
      nameListSeats(ranked, l.seats, (id) => withdrawn.has(id)).forEach((candidate, i) => {
        members.push({ seat: { kind: 'list', contestId: contest.id, list: l.id, number: i + 1 }, party: l.id, candidate });
      });
    }
  }
  const candidates = new Map(definition.candidates.map((c) => [c.id, c]));
  for (const d of body.districts) {
    if (d.outcome.kind !== 'winner') continue;
    const winner = candidates.get(d.outcome.winner);
    members.push({
      seat: { kind: 'district', contestId: d.contestId, district: d.district },
      party: winner?.party ?? null,
      candidate: winner ? { id: winner.id, name: winner.name } : null,
    });
  }
  const seatsTotal = bodySeats(definition, body.bodyId);
  return { bodyId: body.bodyId, seatsTotal, members, majority: majorityOf(seatsTotal, body.composition.parties) };
}

export interface RegisteredMember extends Member {
  /** The first day of this deputy's mandate. */
  readonly since: string;
}

export interface Vacancy {
  readonly seat: Seat;
  readonly party: string | null;
  /** Vacant since (the last mandate's end); null for a seat nobody could take at registration. */
  readonly since: string | null;
  readonly ground: TerminationGround | null;
}

export interface MembersOnDate {
  readonly bodyId: string;
  readonly on: string;
  readonly registeredOn: string;
  readonly seatsTotal: number;
  readonly members: readonly RegisteredMember[];
  readonly vacancies: readonly Vacancy[];
  readonly majority: Majority;
}

/**
 * Who sat in the body on a date, from its registration and every termination, succession and
 * by-election recorded since (the election decider's fold). Undefined before the registration.
 */
export function membersOn(definition: ElectionDefinition, bodyId: string, mandates: BodyMandates, on: string): MembersOnDate | undefined {
  // YYYY-MM-DD strings compare as dates.
  if (on < mandates.registeredOn) return undefined;
  const listCandidates = new Map<string, NamedCandidate>();
  for (const c of definition.contests) {
    if (c.kind !== 'list') continue;
    for (const r of c.rankedLists ?? []) r.candidates.forEach((k, i) => listCandidates.set(k.id, { id: k.id, name: k.name, rank: i + 1 }));
  }
  const districtCandidates = new Map(definition.candidates.map((c) => [c.id, c]));
  const districtOf = new Map(definition.contests.flatMap((c) => (c.kind === 'single-member' ? [[c.id, c.district] as const] : [])));
  const listContest = listContestOf(definition, bodyId);
  const members: RegisteredMember[] = [];
  const vacancies: Vacancy[] = [];
  for (const history of mandates.seats) {
    const seat: Seat =
      history.seat.kind === 'list'
        ? { kind: 'list', contestId: listContest?.id ?? '', list: history.seat.list, number: history.seat.number }
        : { kind: 'district', contestId: history.seat.contestId, district: districtOf.get(history.seat.contestId) ?? history.seat.contestId };
    const holder = holderOn(history, on);
    if (holder === undefined) {
      const ended = [...history.tenures].reverse().find((t) => t.until !== undefined && t.until <= on);
      vacancies.push({ seat, party: history.seat.kind === 'list' ? history.seat.list : null, since: ended?.until ?? null, ground: ended?.ground ?? null });
      continue;
    }
    if (history.seat.kind === 'list') {
      members.push({ seat, party: history.seat.list, candidate: listCandidates.get(holder.candidateId) ?? null, since: holder.from });
    } else {
      const known = districtCandidates.get(holder.candidateId);
      const party = holder.candidate ? holder.candidate.party : (known?.party ?? null);
      const name = holder.candidate?.name ?? known?.name;
      members.push({ seat, party, candidate: name ? { id: holder.candidateId, name } : null, since: holder.from });
    }
  }
  const counts = new Map<string, number>();
  for (const m of members) if (m.party !== null) counts.set(m.party, (counts.get(m.party) ?? 0) + 1);
  const parties = [...counts].map(([party, seats]) => ({ party, listSeats: 0, districtSeats: 0, seats }));
  const seatsTotal = bodySeats(definition, bodyId);
  return { bodyId, on, registeredOn: mandates.registeredOn, seatsTotal, members, vacancies, majority: majorityOf(seatsTotal, parties) };
}
