// The control relations of a precinct protocol (ELECTION-RULES.md), each a stable reason code
// with the operands behind it. Every broken rule is reported, not only the first: an official
// fixing a form at night wants the whole list at once.
import { z } from 'zod';
import { isCount } from '../count';
import type { Contest, PrecinctCommission } from '../election/election-definition';
import { err, ok, type Result } from '../result';
import { protocolLines, ProtocolShape, totalIssued, type Protocol } from './protocol';
import type { Refusal, RefusalCode } from './refusal';

export interface ProtocolRules {
  /**
   * Weak rule: how the protocol's registered voters must relate to the definition.
   * `exact` (default): registeredVoters = the precinct's registered voters + addedSameDay.
   * `off`: not checked, for elections whose definition is loaded before the voter list is
   * final (removals on polling day make the line legitimately differ).
   */
  readonly registeredVoters: 'exact' | 'off';
}

export const defaultProtocolRules: ProtocolRules = { registeredVoters: 'exact' };

export interface ValidationOptions {
  /** Prefix of every refusal's `field`; `protocol` gives `protocol.ballotsIssued.early`. */
  readonly at?: string;
  readonly rules?: ProtocolRules;
}

/** Codes of the control relations proper (as opposed to shape, identity, scope and state). */
export const CONTROL_RELATION_CODES = [
  'NOT_A_COUNT',
  'BALLOTS_RECEIVED_MISMATCH',
  'BALLOTS_FOUND_MISMATCH',
  'FOUND_EXCEEDS_ISSUED',
  'ISSUED_EXCEEDS_REGISTERED',
  'ADDED_EXCEEDS_REGISTERED',
  'REGISTERED_MISMATCH',
  'MISSING_CHOICE',
  'UNKNOWN_CHOICE',
  'AGAINST_ALL_NOT_ON_BALLOT',
] as const satisfies readonly RefusalCode[];

const join = (at: string, path: readonly PropertyKey[]): string =>
  [at, ...path.map(String)].filter((s) => s !== '').join('.');

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown => {
  let v = input;
  for (const k of path) {
    if (typeof v !== 'object' || v === null || !Object.prototype.hasOwnProperty.call(v, k)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
};

/** Past 2^53 − 1 a JSON number is no longer exact: what was signed may not be what was typed. */
const notACountMessage = (n: number): string =>
  Number.isFinite(n) && Math.abs(n) > Number.MAX_SAFE_INTEGER
    ? `a count is at most ${Number.MAX_SAFE_INTEGER}: past it, a JSON number is not exact`
    : 'a count is a non-negative whole number';

/**
 * NOT_A_COUNT for each line (name, count) that is not a non-negative safe integer, named under
 * `at`; the one rule for a count, also run by `tally sign` before it signs.
 */
export const countRefusals = (lines: ReadonlyArray<readonly [line: string, count: number]>, at: string): Refusal[] =>
  lines.filter(([, n]) => !isCount(n)).map(([line, n]) => ({ code: 'NOT_A_COUNT', field: join(at, [line]), message: notACountMessage(n), operands: { value: n } }));

/** Zod issues become refusals naming the field; a number that is no count (Infinity, from `1e999`) is NOT_A_COUNT. */
export const refusalsFromZod = (input: unknown, issues: readonly z.core.$ZodIssue[], at: string): Refusal[] =>
  issues.flatMap((issue): Refusal[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        code: 'MALFORMED',
        field: join(at, [...issue.path, key]),
        message: `unknown field "${key}"`,
      }));
    }
    const raw = valueAt(input, issue.path);
    if (issue.code === 'invalid_type' && issue.expected === 'number' && typeof raw === 'number') {
      return [{ code: 'NOT_A_COUNT', field: join(at, issue.path), message: notACountMessage(raw), operands: { value: String(raw) } }];
    }
    return [{ code: 'MALFORMED', field: join(at, issue.path), message: issue.message }];
  });

// zod's record silently drops an own "__proto__" key; a line must never vanish unnoticed.
const hiddenVoteKeys = (input: unknown, at: string): Refusal[] => {
  const votes = valueAt(input, ['votes']);
  return typeof votes === 'object' && votes !== null && Object.prototype.hasOwnProperty.call(votes, '__proto__')
    ? [{ code: 'MALFORMED', field: join(at, ['votes', '__proto__']), message: 'not a list or candidate id' }]
    : [];
};

/** CONTEST_NOT_AT_PRECINCT, when the precinct does not vote in the contest (`field` names where the contest id came from). */
export const contestNotAtPrecinct = (contest: Contest, precinct: PrecinctCommission, field: string): Refusal[] =>
  precinct.contests.includes(contest.id)
    ? []
    : [{ code: 'CONTEST_NOT_AT_PRECINCT', field, message: `contest ${contest.id} is not voted at precinct ${precinct.id}`, operands: { contestId: contest.id, precinctId: precinct.id } }];

export const choicesOf = (contest: Contest): readonly string[] => (contest.kind === 'list' ? contest.lists : contest.candidates);

/**
 * Parses a protocol as received and checks it against its contest and precinct.
 * Returns the parsed protocol (defaults filled in) or every refusal found.
 */
export function validateProtocol(
  input: unknown,
  contest: Contest,
  precinct: PrecinctCommission,
  options: ValidationOptions = {},
): Result<Protocol, Refusal[]> {
  const at = options.at ?? 'protocol';
  const rules = options.rules ?? defaultProtocolRules;
  const parsed = ProtocolShape.safeParse(input);
  if (!parsed.success) return err([...refusalsFromZod(input, parsed.error.issues, at), ...hiddenVoteKeys(input, at)]);
  const p = parsed.data;
  const refusals: Refusal[] = [...hiddenVoteKeys(input, at)];
  const field = (...path: string[]): string => join(at, path);

  if (p.contestId !== contest.id) {
    refusals.push({ code: 'CONTEST_MISMATCH', field: field('contestId'), message: `the protocol is for contest ${p.contestId}, not ${contest.id}`, operands: { contestId: p.contestId, expected: contest.id } });
  }
  refusals.push(...contestNotAtPrecinct(contest, precinct, field('contestId')));

  // Which lines are on this ballot does not depend on the arithmetic, so it is always checked.
  const choices = choicesOf(contest);
  for (const id of choices) {
    if (!Object.prototype.hasOwnProperty.call(p.votes, id)) {
      refusals.push({ code: 'MISSING_CHOICE', field: field('votes', id), message: `no line for ${id}, which is on the ballot of ${contest.id}`, operands: { choice: id } });
    }
  }
  for (const id of Object.keys(p.votes)) {
    if (!choices.includes(id)) {
      refusals.push({ code: 'UNKNOWN_CHOICE', field: field('votes', id), message: `${id} is not on the ballot of ${contest.id}`, operands: { choice: id } });
    }
  }

  const notCounts = countRefusals(protocolLines(p), at);
  refusals.push(...notCounts);
  if (!contest.againstAll && p.againstAll !== 0) {
    refusals.push({ code: 'AGAINST_ALL_NOT_ON_BALLOT', field: field('againstAll'), message: `contest ${contest.id} has no "against all" line`, operands: { againstAll: p.againstAll } });
  }
  // Sums of negative, fractional or imprecise numbers would only add noise to the refusals above.
  if (notCounts.length > 0) return err(refusals);

  const issued = totalIssued(p);
  const votes = Object.values(p.votes).reduce((a, b) => a + b, 0);
  const valid = votes + p.againstAll;

  if (p.ballotsReceived !== issued + p.ballotsCancelled + p.ballotsLost) {
    refusals.push({
      code: 'BALLOTS_RECEIVED_MISMATCH',
      field: field('ballotsReceived'),
      message: 'ballots received must equal ballots issued + cancelled + lost',
      operands: { ballotsReceived: p.ballotsReceived, ballotsIssued: issued, ballotsCancelled: p.ballotsCancelled, ballotsLost: p.ballotsLost },
    });
  }
  if (p.ballotsFound !== valid + p.invalid) {
    refusals.push({
      code: 'BALLOTS_FOUND_MISMATCH',
      field: field('ballotsFound'),
      message: 'ballots found must equal valid (votes + against all) + invalid',
      operands: { ballotsFound: p.ballotsFound, valid, votes, againstAll: p.againstAll, invalid: p.invalid },
    });
  }
  if (p.ballotsFound > issued) {
    refusals.push({ code: 'FOUND_EXCEEDS_ISSUED', field: field('ballotsFound'), message: 'more ballots found than issued', operands: { ballotsFound: p.ballotsFound, ballotsIssued: issued } });
  }
  if (issued > p.registeredVoters) {
    refusals.push({ code: 'ISSUED_EXCEEDS_REGISTERED', field: field('ballotsIssued'), message: 'more ballots issued than voters on the list', operands: { ballotsIssued: issued, registeredVoters: p.registeredVoters } });
  }
  if (p.addedSameDay > p.registeredVoters) {
    refusals.push({ code: 'ADDED_EXCEEDS_REGISTERED', field: field('addedSameDay'), message: 'more voters added on polling day than on the whole list', operands: { addedSameDay: p.addedSameDay, registeredVoters: p.registeredVoters } });
  }
  if (rules.registeredVoters === 'exact' && p.registeredVoters !== precinct.registeredVoters + p.addedSameDay) {
    refusals.push({
      code: 'REGISTERED_MISMATCH',
      field: field('registeredVoters'),
      message: "voters on the list must equal the precinct's registered voters plus same-day additions",
      operands: { registeredVoters: p.registeredVoters, definition: precinct.registeredVoters, addedSameDay: p.addedSameDay },
    });
  }
  return refusals.length > 0 ? err(refusals) : ok(p);
}

export const TurnoutReportShape = z.object({ time: z.string(), ballotsIssued: z.number() }).strict();
export type TurnoutReport = z.infer<typeof TurnoutReportShape>;

/**
 * A running-turnout report on its own: a known reporting time, and a count no larger than the
 * precinct's voter list. Whether it fits the earlier reports needs the stream (the decider).
 */
export function validateTurnoutReport(
  input: unknown,
  precinct: PrecinctCommission,
  turnoutTimes: readonly string[],
  options: Pick<ValidationOptions, 'at'> = {},
): Result<TurnoutReport, Refusal[]> {
  const at = options.at ?? 'turnout';
  const parsed = TurnoutReportShape.safeParse(input);
  if (!parsed.success) return err(refusalsFromZod(input, parsed.error.issues, at));
  const r = parsed.data;
  const refusals: Refusal[] = [];
  if (!turnoutTimes.includes(r.time)) {
    refusals.push({ code: 'UNKNOWN_TURNOUT_TIME', field: join(at, ['time']), message: `turnout is reported at ${turnoutTimes.join(', ')}`, operands: { time: r.time, turnoutTimes: turnoutTimes.join(',') } });
  }
  const notCount = countRefusals([['ballotsIssued', r.ballotsIssued]], at);
  if (notCount.length > 0) {
    refusals.push(...notCount);
  } else if (r.ballotsIssued > precinct.registeredVoters) {
    // Same-day additions are not known before the protocol, so the list as defined is the bound.
    refusals.push({ code: 'ISSUED_EXCEEDS_REGISTERED', field: join(at, ['ballotsIssued']), message: 'more ballots issued than voters on the list', operands: { ballotsIssued: r.ballotsIssued, registeredVoters: precinct.registeredVoters } });
  }
  return refusals.length > 0 ? err(refusals) : ok(r);
}
