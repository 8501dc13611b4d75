// A refusal of a request whose signature verified, naming the commission whose key signed it: the
// one kind of intake refusal the refusal sink may write to the event history (intake-refusals.filter.ts).
import { ProblemException, type ProblemItem } from '../http/problem';
import type { SignedEvidence } from './judge-submission';

export class SignedRefusal extends ProblemException {
  constructor(
    problems: readonly ProblemItem[],
    headers: Readonly<Record<string, string>> | undefined,
    readonly signedBy: string,
    /** What the key signed, when known: kept with the record so that its signature can be checked. */
    readonly signed?: SignedEvidence,
  ) {
    super(problems, headers);
  }
}
