// A body's deputies after the count: registered by the commission that allocates its seats, their
// mandates ended early on one of the nine grounds of the law, a list seat passing to the next
// eligible candidate of the same list, a district seat vacant until a by-election fills it. The
// shapes of these signed amendments, the derived `MandatePassed`, and the pure rules: who succeeds,
// who sits on a date. The election decider decides them; its state keeps `BodyMandates` per body.
import { z } from 'zod';
import type { ElectionDefinition, ListContest, LocalizedName } from './election-definition';
import { Id, LocalizedName as LocalizedNameShape } from './election-definition';
import { isCalendarDate } from './parse-election-definition';

export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD')
  .refine(isCalendarDate, 'a calendar date');

/** A body's seat: the n-th seat a list won, or a district's. */
export const SeatRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('list'), list: Id, number: z.number().int().positive() }).strict(),
  z.object({ kind: z.literal('district'), contestId: Id }).strict(),
]);
export type SeatRef = z.infer<typeof SeatRef>;

/**
 * The nine grounds on which a deputy's powers end early (Kazakhstan's law on local government),
 * as stable codes: another office, incapacity, loss of citizenship, a conviction, moving away,
 * resignation, systematic absence, death, the mäslihat's own termination.
 */
export const TERMINATION_GROUNDS = [
  'another-office',
  'incapacity',
  'loss-of-citizenship',
  'conviction',
  'moving-away',
  'resignation',
  'systematic-absence',
  'death',
  'body-terminated',
] as const;
export const TerminationGround = z.enum(TERMINATION_GROUNDS);
export type TerminationGround = z.infer<typeof TerminationGround>;

/** The commission registers the deputies the count elected, seat by seat (signed by it). */
export const RegisterDeputiesAmendment = z
  .object({
    kind: z.literal('register-deputies'),
    bodyId: Id,
    /** The registration's date: mandates run from it. */
    on: CalendarDate,
    deputies: z.array(z.object({ seat: SeatRef, candidateId: Id }).strict()).min(1),
  })
  .strict();
export type RegisterDeputiesAmendment = z.infer<typeof RegisterDeputiesAmendment>;

/** A deputy's powers end early: on `on`, the deputy no longer sits. */
export const TerminateMandateAmendment = z
  .object({ kind: z.literal('terminate-mandate'), bodyId: Id, candidateId: Id, ground: TerminationGround, on: CalendarDate })
  .strict();
export type TerminateMandateAmendment = z.infer<typeof TerminateMandateAmendment>;

/** A by-election's winner fills a vacant district seat from `on` (the candidate is not in the definition: named here). */
export const FillSeatAmendment = z
  .object({
    kind: z.literal('fill-seat'),
    bodyId: Id,
    contestId: Id,
    on: CalendarDate,
    candidate: z.object({ id: Id, name: LocalizedNameShape, party: Id.nullable() }).strict(),
  })
  .strict();
export type FillSeatAmendment = z.infer<typeof FillSeatAmendment>;

export type MandateAmendment = RegisterDeputiesAmendment | TerminateMandateAmendment | FillSeatAmendment;

/** How a seat left free by a termination was filled, or why it stays vacant: the rule applied. */
export type SuccessionRule = 'next-on-list' | 'list-exhausted' | 'district-by-election' | 'body-terminated';

/** Decided with a termination: where the seat went. An event of its own, so a replay reads the rule as applied then. */
export interface MandatePassed {
  readonly type: 'MandatePassed';
  readonly data: {
    readonly electionId: string;
    readonly bodyId: string;
    /** The termination's amendment sequence. */
    readonly sequence: number;
    readonly seat: SeatRef;
    readonly from: string;
    /** The successor, from `on`; null: the seat is vacant. */
    readonly to: string | null;
    readonly on: string;
    readonly rule: SuccessionRule;
    /** Candidates above the successor passed over, and why. */
    readonly skipped: readonly { readonly candidateId: string; readonly reason: 'withdrawn' | 'held-a-seat' }[];
  };
}

export const MandatePassedData = z
  .object({
    electionId: Id,
    bodyId: Id,
    sequence: z.number().int().positive(),
    seat: SeatRef,
    from: Id,
    to: Id.nullable(),
    on: CalendarDate,
    rule: z.enum(['next-on-list', 'list-exhausted', 'district-by-election', 'body-terminated']),
    skipped: z.array(z.object({ candidateId: Id, reason: z.enum(['withdrawn', 'held-a-seat']) }).strict()),
  })
  .strict();

export interface Tenure {
  readonly candidateId: string;
  /** A by-election winner's name and party (not in the definition); absent for a candidate of the definition. */
  readonly candidate?: { readonly name: LocalizedName; readonly party: string | null };
  readonly from: string;
  /** The first day not sat (the termination's date); absent while the mandate runs. */
  readonly until?: string;
  readonly ground?: TerminationGround;
}

export interface SeatHistory {
  readonly seat: SeatRef;
  /** In order; only the last can be running. */
  readonly tenures: readonly Tenure[];
}

export interface BodyMandates {
  readonly registeredOn: string;
  readonly seats: readonly SeatHistory[];
}

export const seatKey = (seat: SeatRef): string => (seat.kind === 'list' ? `list:${seat.list}:${seat.number}` : `district:${seat.contestId}`);

/** Everyone who has held a seat of the body (a deputy whose mandate ended never comes back by succession). */
export function everSeated(mandates: BodyMandates): ReadonlySet<string> {
  return new Set(mandates.seats.flatMap((s) => s.tenures.map((t) => t.candidateId)));
}

/** The seat the candidate holds now (a running tenure), if any. */
export function seatHeldBy(mandates: BodyMandates, candidateId: string): SeatHistory | undefined {
  return mandates.seats.find((s) => {
    const last = s.tenures[s.tenures.length - 1];
    return last !== undefined && last.until === undefined && last.candidateId === candidateId;
  });
}

/** A body's list contest (the parser admits one at most); undefined for a body elected in districts only. */
export function listContestOf(definition: ElectionDefinition, bodyId: string): ListContest | undefined {
  return definition.contests.find((c): c is ListContest => c.kind === 'list' && c.body === bodyId);
}

/**
 * Where a terminated deputy's seat goes. A list seat: the first candidate of the same ranked list
 * neither withdrawn nor ever seated in the body (Art. on vacated list mandates: the next on the
 * same list; the party's seat count never changes); none left: vacant. A district seat: vacant
 * until a by-election. The body's own termination: no successor. The ranked list is the one of
 * the body's own list contest: a party runs with another list for each body elected that day.
 */
export function successorOf(
  definition: ElectionDefinition,
  bodyId: string,
  mandates: BodyMandates,
  seat: SeatRef,
  ground: TerminationGround,
  withdrawn: ReadonlySet<string>,
): { readonly to: string | null; readonly rule: SuccessionRule; readonly skipped: MandatePassed['data']['skipped'] } {
  if (ground === 'body-terminated') return { to: null, rule: 'body-terminated', skipped: [] };
  if (seat.kind === 'district') return { to: null, rule: 'district-by-election', skipped: [] };
  const ranked = listContestOf(definition, bodyId)?.rankedLists?.find((r) => r.list === seat.list);
  const seated = everSeated(mandates);
  const skipped: { candidateId: string; reason: 'withdrawn' | 'held-a-seat' }[] = [];
  for (const c of ranked?.candidates ?? []) {
    if (withdrawn.has(c.id)) skipped.push({ candidateId: c.id, reason: 'withdrawn' });
    else if (seated.has(c.id)) skipped.push({ candidateId: c.id, reason: 'held-a-seat' });
    else return { to: c.id, rule: 'next-on-list', skipped };
  }
  return { to: null, rule: 'list-exhausted', skipped };
}

/** The body after a registration, termination, succession or by-election (data as recorded). */
export function registered(amendment: RegisterDeputiesAmendment): BodyMandates {
  return { registeredOn: amendment.on, seats: amendment.deputies.map((d) => ({ seat: d.seat, tenures: [{ candidateId: d.candidateId, from: amendment.on }] })) };
}

export function terminated(mandates: BodyMandates, amendment: TerminateMandateAmendment): BodyMandates {
  const held = seatHeldBy(mandates, amendment.candidateId);
  if (!held) return mandates;
  return replaceSeat(mandates, held, (t) => [...t.slice(0, -1), { ...t[t.length - 1], until: amendment.on, ground: amendment.ground }]);
}

export function passed(mandates: BodyMandates, data: MandatePassed['data']): BodyMandates {
  const history = mandates.seats.find((s) => seatKey(s.seat) === seatKey(data.seat));
  if (!history || data.to === null) return mandates;
  return replaceSeat(mandates, history, (t) => [...t, { candidateId: data.to as string, from: data.on }]);
}

export function filled(mandates: BodyMandates, amendment: FillSeatAmendment): BodyMandates {
  const key = seatKey({ kind: 'district', contestId: amendment.contestId });
  const history = mandates.seats.find((s) => seatKey(s.seat) === key) ?? { seat: { kind: 'district', contestId: amendment.contestId }, tenures: [] };
  const tenure: Tenure = { candidateId: amendment.candidate.id, candidate: { name: amendment.candidate.name, party: amendment.candidate.party }, from: amendment.on };
  if (!mandates.seats.includes(history)) return { ...mandates, seats: [...mandates.seats, { ...history, tenures: [tenure] }] };
  return replaceSeat(mandates, history, (t) => [...t, tenure]);
}

function replaceSeat(mandates: BodyMandates, history: SeatHistory, tenures: (t: readonly Tenure[]) => readonly Tenure[]): BodyMandates {
  return { ...mandates, seats: mandates.seats.map((s) => (s === history ? { ...s, tenures: tenures(s.tenures) } : s)) };
}

/** Whether a seat is vacant on a date (no tenure covers it). */
export function holderOn(history: SeatHistory, date: string): Tenure | undefined {
  // YYYY-MM-DD strings compare as dates.
  return history.tenures.find((t) => t.from <= date && (t.until === undefined || date < t.until));
}
