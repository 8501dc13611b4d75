// The command a commission endpoint dispatches: one request as received. The handler judges what
// intake can judge alone and either queues it or answers with every problem found.
import { Command } from '@nestjs/cqrs';
import type { ProblemItem } from '../http/problem';
import type { SignedEvidence } from './judge-submission';
import type { SubmissionState } from '../submissions/submission-status.service';

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
  /** The `Idempotency-Key` request header, as sent (checked by the judgement). */
  readonly idempotencyKey?: string;
}

export type AcceptOutcome =
  | {
      readonly accepted: true;
      readonly submissionId: string;
      readonly submittedBy: string;
      /** queued, unless a retry finds its submission decided already. */
      readonly state: SubmissionState;
      /** True when this request is a retry of a submission already known (same body, or same Idempotency-Key): nothing new was queued. */
      readonly duplicate: boolean;
    }
  | {
      readonly accepted: false;
      readonly problems: readonly ProblemItem[];
      readonly headers?: Readonly<Record<string, string>>;
      /** The commission whose valid key signed the refused request; absent when no signature verified. */
      readonly signedBy?: string;
      /** What that key signed (kept with the refusal: an auditor checks the signature). */
      readonly signed?: SignedEvidence;
    };

export class AcceptSubmission extends Command<AcceptOutcome> {
  constructor(readonly request: SubmissionRequest) {
    super();
  }
}
