// A refusal of a request whose signature verified, naming the commission whose key signed it: the
// one kind of intake refusal the refusal sink may write to the event history (intake-refusals.filter.ts).
import { ProblemException, type ProblemItem } from '../http/problem';

export class SignedRefusal extends ProblemException {
  constructor(
    problems: readonly ProblemItem[],
    headers: Readonly<Record<string, string>> | undefined,
    readonly signedBy: string,
  ) {
    super(problems, headers);
  }
}
