// Intake's refusal events: what intake refused before the queue from a commission whose valid key
// signed the request (a scope, reason or control-relation refusal, a reused Idempotency-Key), kept
// in the election's `intake-rejections-<election>` stream, so the history shows every attempt an
// entitled sender made: recorded, refused by the decider, or refused at the door. Unauthenticated
// requests never become history (recent-intake-refusals.ts keeps them in memory, bounded). Events
// written before that rule (issue 11) have no `submittedBy`. The body itself is not kept; its
// SHA-256 lets a commission prove which body was refused, and `signed` (since 2026-12-06) is what
// its key signed, with the signature, so that an auditor checks the commission did sign it.
import type { ProblemItem } from '../http/problem';
import type { SignedEvidence } from './judge-submission';

export interface SubmissionRefusedAtIntake {
  readonly type: 'SubmissionRefusedAtIntake';
  readonly data: {
    /** ISO 8601 instant at which intake received the request. */
    readonly receivedAt: string;
    readonly method: string;
    /** The request path, e.g. /v1/elections/e/precincts/p/protocols. */
    readonly path: string;
    readonly kind: 'protocol' | 'correction' | 'turnout';
    readonly precinctId: string;
    /** The HTTP status answered. */
    readonly status: number;
    readonly reasons: readonly ProblemItem[];
    /** SHA-256 (hex) of the body bytes as received; null when none were read (too large, wrong type). */
    readonly bodySha256: string | null;
    readonly bodyBytes: number | null;
    /** The commission whose key signed the refused request (every event written since issue 11). */
    readonly submittedBy?: string;
    /** The signed subject and its signature (left out where the store could not keep the subject). */
    readonly signed?: SignedEvidence;
  };
}
