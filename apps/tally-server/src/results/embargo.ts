// The results embargo at the HTTP edge. Before an election's release instant (its definition's
// `resultsNotBefore`, or the close of polls: libs/domain/src/election/embargo.ts) the public sees
// turnout and reporting progress only; votes, shares, thresholds and seats answer 403 EMBARGOED
// with the instant, and live frames carry no results. The admin and auditor tokens see
// everything. Intake and recording never wait for it: the embargo is on reading only.
import { Injectable } from '@nestjs/common';
import { isEmbargoed, resultsRelease, type ElectionDefinition, type ResultsRelease } from '@tally/domain';
import { ApiTokens } from '../auth/api-tokens.service';
import { problem, ProblemException } from '../http/problem';

/** What every public document says of the embargo: until when, and whether it still holds. */
export interface EmbargoState {
  readonly resultsNotBefore: string;
  readonly embargoed: boolean;
}

@Injectable()
export class ResultsEmbargo {
  private readonly releases = new WeakMap<ElectionDefinition, ResultsRelease>();

  constructor(private readonly tokens: ApiTokens) {}

  /** Overridable clock: the e2e suites use the real one, with a definition a few seconds ahead. */
  now: () => number = () => Date.now();

  release(definition: ElectionDefinition): ResultsRelease {
    let release = this.releases.get(definition);
    if (!release) this.releases.set(definition, (release = resultsRelease(definition)));
    return release;
  }

  state(definition: ElectionDefinition): EmbargoState {
    const release = this.release(definition);
    return { resultsNotBefore: release.until, embargoed: isEmbargoed(release, this.now()) };
  }

  /** Whether results are withheld from this request: embargoed, and no admin or auditor token. */
  withholds(definition: ElectionDefinition, authorization: string | undefined): boolean {
    if (!isEmbargoed(this.release(definition), this.now())) return false;
    return authorization === undefined || !this.tokens.check(authorization, ['admin', 'auditor']).ok;
  }

  /** Throws 403 EMBARGOED (operands.until) when results are withheld from this request. */
  assertPublic(definition: ElectionDefinition, authorization: string | undefined, what: string): void {
    if (!this.withholds(definition, authorization)) return;
    const until = this.release(definition).until;
    throw new ProblemException([
      problem('EMBARGOED', 'electionId', `${what} of election "${definition.id}" are embargoed until ${until}; turnout and reporting progress are public now`, { until }),
    ]);
  }
}
