// Intake's refusal events: what intake refused before the queue, kept in the election's
// `intake-rejections-<election>` stream beside the recorder's rejections, so the event history
// shows every submission attempt: recorded, refused by the decider, or refused at the door. The
// body itself is not kept (it may be 64 KB of hostile bytes); its SHA-256 lets a commission prove
// which body was refused.
import type { ProblemItem } from '../http/problem';

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
  };
}
