// The command a commission endpoint dispatches: one request as received. The handler judges what
// intake can judge alone and either queues it or answers with every problem found.
import { Command } from '@nestjs/cqrs';
import type { ProblemItem } from '../http/problem';

export type SubmissionKind = 'protocol' | 'correction' | 'turnout';

export interface SubmissionRequest {
  readonly kind: SubmissionKind;
  readonly electionId: string;
  readonly precinctId: string;
  /** From the path of a correction; a submission takes it from the protocol. */
  readonly contestId?: string;
  /** The parsed JSON body, unknown until the schema says otherwise. */
  readonly body: unknown;
  /** ISO 8601 instant at which the request arrived. */
  readonly receivedAt: string;
}

export type AcceptOutcome =
  | { readonly accepted: true; readonly submissionId: string; readonly submittedBy: string }
  | { readonly accepted: false; readonly problems: readonly ProblemItem[]; readonly headers?: Readonly<Record<string, string>> };

export class AcceptSubmission extends Command<AcceptOutcome> {
  constructor(readonly request: SubmissionRequest) {
    super();
  }
}
