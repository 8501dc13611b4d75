// The commissions' acts on the count, after the precincts: a territorial commission's result
// protocol (its summary: the sums of its precincts' protocols, contest by contest, as the
// "протокол об итогах голосования" gives them), the certification of a body's seats by the
// commission that allocates them, and their decertification. Each act is signed by the
// commission that makes it and numbered by its place among that commission's acts (1, 2, …), so a
// signed act applies once at most: an old certification cannot be replayed after a
// decertification. What is signed (`tally-act-v1`) is @tally/signatures'; the shapes, the sums
// and the outcome a certification must name are here, pure.
import { z } from 'zod';
import { allocate } from '../allocation/allocate';
import { decideSingleMember } from '../allocation/single-member';
import { instantMillis } from '../instant';
import { protocolLines, type Protocol } from '../protocol/protocol';
import { listAllocationInput } from '../views/results.queries';
import { CommissionKey, Id, type ElectionDefinition } from './election-definition';

const Count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** The lines of the paper form (protocolLines' names: `ballotsIssued.early`, `votes.amanat`), each summed. */
export const SummaryLines = z.record(z.string().min(1).max(140), Count);
export type SummaryLines = z.infer<typeof SummaryLines>;

export const SummaryAct = z
  .object({
    kind: z.literal('summary'),
    /** The territorial commission that signs it: the sums are of the precincts under it. */
    commissionId: Id,
    contestId: Id,
    /** How many precinct protocols it sums: all of those under the commission in the contest. */
    precincts: Count,
    lines: SummaryLines,
  })
  .strict();
export type SummaryAct = z.infer<typeof SummaryAct>;

/** What a certification names for one contest: a list contest's seats per list, or a district's outcome. */
export const CertifiedOutcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('list'), contestId: Id, seats: z.record(Id, Count) }).strict(),
  z
    .object({
      kind: z.literal('single-member'),
      contestId: Id,
      outcome: z.enum(['winner', 'runoff-needed', 'repeat-election']),
      /** The elected candidate (outcome `winner`); null otherwise. */
      winner: Id.nullable(),
    })
    .strict(),
]);
export type CertifiedOutcome = z.infer<typeof CertifiedOutcome>;

export const CertificationAct = z
  .object({
    kind: z.literal('certification'),
    bodyId: Id,
    /** Every contest of the body, in definition order. */
    outcomes: z.array(CertifiedOutcome).min(1),
    /** SHA-256 (hex) of the canonical sums the outcomes were computed from (@tally/signatures' votesDigest). */
    votesDigest: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest, 64 lowercase hex digits'),
  })
  .strict();
export type CertificationAct = z.infer<typeof CertificationAct>;

export const DecertificationAct = z
  .object({
    kind: z.literal('decertification'),
    bodyId: Id,
    reason: z.string().trim().min(1).max(2000),
  })
  .strict();
export type DecertificationAct = z.infer<typeof DecertificationAct>;

/** The root commission's switch from test mode to live: the live count starts at zero from it. */
export const GoLiveAct = z.object({ kind: z.literal('go-live') }).strict();

/** A commission's signed statement, before the switch, that its live count starts at zero. */
export const ZeroReportAct = z.object({ kind: z.literal('zero-report'), commissionId: Id }).strict();

export const LifecycleActShape = z.discriminatedUnion('kind', [SummaryAct, CertificationAct, DecertificationAct, GoLiveAct, ZeroReportAct]);
export type LifecycleAct = z.infer<typeof LifecycleActShape>;
export type LifecycleActKind = LifecycleAct['kind'];

export const ActSignatureShape = z.object({ keyId: CommissionKey.shape.keyId, value: z.string().min(1).max(200) }).strict();
export type ActSignature = z.infer<typeof ActSignatureShape>;

/** An act as the HTTP API takes it: its place among the signer's acts, the act, the signature. */
export const SignedActBody = z.object({ sequence: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), act: LifecycleActShape, signature: ActSignatureShape }).strict();
export type SignedActBody = z.infer<typeof SignedActBody>;

/** What a commission's key signs (see @tally/signatures' encodeAct). */
export interface SignedAct {
  readonly electionId: string;
  /** The commission that signs: a summary's own commission; the root for a (de)certification. */
  readonly signedBy: string;
  readonly sequence: number;
  readonly act: LifecycleAct;
  readonly signature: ActSignature;
}

/** The data of every recorded act event. */
export const ActRecordedData = z
  .object({
    electionId: Id,
    signedBy: Id,
    sequence: z.number().int().positive(),
    act: LifecycleActShape,
    receivedAt: z.string().refine((t) => instantMillis(t) !== undefined, 'an RFC 3339 instant'),
    signature: ActSignatureShape,
  })
  .strict();
export type ActRecordedData = z.infer<typeof ActRecordedData>;

/** Whether two acts are the same content, whatever the key order (an engine's jsonb reorders a record's keys). */
export function sameAct(a: LifecycleAct, b: LifecycleAct): boolean {
  return stable(a) === stable(b);
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The commission that allocates a body's seats: the lowest whose subtree holds every precinct of
 * the body's contests. It certifies the seats and signs the deputies' mandates.
 */
export function allocatingCommissionOf(definition: ElectionDefinition, bodyId: string): string | undefined {
  const contests = new Set(definition.contests.filter((c) => c.body === bodyId).map((c) => c.id));
  const parent = new Map(definition.commissions.map((c) => [c.id, c.parent]));
  const chain = (id: string): string[] => {
    const up: string[] = [];
    for (let at = parent.get(id) ?? null; at !== null; at = parent.get(at) ?? null) up.push(at);
    return up.reverse(); // root first
  };
  let common: string[] | undefined;
  for (const c of definition.commissions) {
    if (c.level !== 'precinct' || !c.contests.some((k) => contests.has(k))) continue;
    const mine = chain(c.id);
    if (common === undefined) common = mine;
    else {
      let i = 0;
      while (i < common.length && i < mine.length && common[i] === mine[i]) i++;
      common = common.slice(0, i);
    }
  }
  return common?.[common.length - 1];
}

/**
 * The commission whose key signs an act: a summary's or a zero report's own; a (de)certification
 * the body's allocating commission; the switch to live the root.
 */
export function signerOfAct(act: LifecycleAct, definition: ElectionDefinition): string {
  if (act.kind === 'summary' || act.kind === 'zero-report') return act.commissionId;
  const root = definition.commissions.find((c) => c.parent === null);
  if (!root) throw new Error(`election ${definition.id} has no root commission; parse the definition first`);
  if (act.kind === 'go-live') return root.id;
  return allocatingCommissionOf(definition, act.bodyId) ?? root.id;
}

/** The current protocols of a contest's precincts under a commission: what a summary must equal. */
export interface ContestTotals {
  readonly contestId: string;
  /** Precincts under the commission voting in the contest. */
  readonly expected: number;
  /** Of them, with a protocol recorded. */
  readonly reported: number;
  /** The sums of their current protocols, line by line. */
  readonly lines: SummaryLines;
}

/** Sums protocols line by line (the paper form's lines, protocolLines' names). */
export function sumProtocols(contestId: string, expected: number, protocols: Iterable<Protocol>): ContestTotals {
  const lines: Record<string, number> = {};
  let reported = 0;
  for (const p of protocols) {
    reported++;
    for (const [line, count] of protocolLines(p)) lines[line] = (lines[line] ?? 0) + count;
  }
  return { contestId, expected, reported, lines };
}

/** The lines where a summary differs from the sums, in the sums' order then the summary's extras. */
export function differingLines(summary: SummaryLines, totals: SummaryLines): readonly { line: string; summary: number; precincts: number }[] {
  const names = [...Object.keys(totals), ...Object.keys(summary).filter((l) => !(l in totals))];
  return names.filter((l) => (summary[l] ?? 0) !== (totals[l] ?? 0) || !(l in summary)).map((line) => ({ line, summary: summary[line] ?? 0, precincts: totals[line] ?? 0 }));
}

/**
 * The outcome a certification must name for each contest of a body, from the body's sums (every
 * precinct in) and the lots in force; or why none can be certified (a tie waiting for a lot, no
 * votes).
 */
export function bodyOutcomes(
  definition: ElectionDefinition,
  bodyId: string,
  totalsOf: (contestId: string) => ContestTotals,
  lotOf: (contestId: string) => readonly string[] | undefined,
): { ok: true; outcomes: CertifiedOutcome[] } | { ok: false; contestId: string; reason: string } {
  const outcomes: CertifiedOutcome[] = [];
  for (const contest of definition.contests.filter((c) => c.body === bodyId)) {
    const { lines } = totalsOf(contest.id);
    const choices = contest.kind === 'list' ? contest.lists : contest.candidates;
    const votes = choices.map((id) => ({ id, votes: lines[`votes.${id}`] ?? 0 }));
    const againstAll = lines['againstAll'] ?? 0;
    if (contest.kind === 'list') {
      const allocation = allocate(listAllocationInput(contest, votes, againstAll, lines['ballotsFound'] ?? 0, lotOf(contest.id)));
      if (allocation.kind !== 'allocated') return { ok: false, contestId: contest.id, reason: `the allocation has no result (${allocation.kind})` };
      outcomes.push({ kind: 'list', contestId: contest.id, seats: Object.fromEntries(allocation.lists.map((l) => [l.id, l.seats])) });
    } else {
      // Districts have no written tie rule: a tie waits for a lot (as in the live view).
      const r = decideSingleMember({ candidates: votes, againstAll, rule: contest.rule, tieRule: 'lot', lots: lotOf(contest.id) });
      if (r.kind === 'winner') outcomes.push({ kind: 'single-member', contestId: contest.id, outcome: 'winner', winner: r.winner });
      else if (r.kind === 'runoff-needed' || r.kind === 'repeat-election') outcomes.push({ kind: 'single-member', contestId: contest.id, outcome: r.kind, winner: null });
      else return { ok: false, contestId: contest.id, reason: r.kind === 'tie' ? `a tie between ${r.tiedCandidates.join(', ')} waits for a lot` : `no outcome (${r.reason})` };
    }
  }
  return { ok: true, outcomes };
}
