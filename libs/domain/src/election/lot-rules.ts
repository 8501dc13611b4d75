// When is a lot's order valid for a contest? One rule, two readers: the election decider judges
// a new draw with `lotProblems`; the results view and its snapshots judge a recorded lot with
// `lotOrderProblems` (a recorded lot that breaks it is ignored there, with a reason).
import type { Contest } from './election-definition';
import { choicesOf } from '../protocol/protocol.validation';

export interface LotProblem {
  readonly code: 'UNKNOWN_CHOICE' | 'INVALID_LOT';
  /** `order`, `order.<i>` or `contestId`. */
  readonly field: string;
  readonly message: string;
  readonly operands?: Readonly<Record<string, string>>;
}

/**
 * What is wrong with the order drawn: nothing drawn, an id not on the contest's ballot, an id
 * drawn twice. Takes what was recorded as it is (`unknown`): a snapshot or another writer may
 * hold anything.
 */
export function lotOrderProblems(contest: Contest, order: unknown): LotProblem[] {
  if (!Array.isArray(order) || order.length === 0) {
    return [{ code: 'INVALID_LOT', field: 'order', message: 'a lot draws at least one id of the ballot' }];
  }
  const ballot = new Set(choicesOf(contest));
  const seen = new Set<unknown>();
  const problems: LotProblem[] = [];
  order.forEach((id: unknown, i) => {
    if (typeof id !== 'string' || !ballot.has(id)) {
      problems.push({ code: 'UNKNOWN_CHOICE', field: `order.${i}`, message: `${String(id)} is not on the ballot of contest ${contest.id}`, operands: { id: String(id) } });
    } else if (seen.has(id)) {
      problems.push({ code: 'INVALID_LOT', field: `order.${i}`, message: `${id} is drawn more than once`, operands: { id } });
    }
    seen.add(id);
  });
  return problems;
}

/** Everything that makes a new draw invalid: the order's problems, and a list contest whose ties are not settled by lot. */
export function lotProblems(contest: Contest, order: readonly string[]): LotProblem[] {
  const problems = lotOrderProblems(contest, order);
  if (contest.kind === 'list' && contest.tieRule !== 'lot') {
    problems.push({ code: 'INVALID_LOT', field: 'contestId', message: `contest ${contest.id} settles ties by ${contest.tieRule}, not by lot`, operands: { tieRule: contest.tieRule } });
  }
  return problems;
}
