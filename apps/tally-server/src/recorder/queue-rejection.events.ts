// What the recorder writes for a queue message it cannot put in a precinct's stream: it reached
// the queue, so it is kept, in the election's `intake-rejections-<election>` stream (beside what
// intake refused before the queue). A message that does not even parse is kept with its raw bytes.
import type { SubmissionRefused } from '@tally/domain';

export interface UnparseableSubmission {
  readonly type: 'UnparseableSubmission';
  readonly data: {
    /** The message value as received, base64. */
    readonly raw: string;
    /** The message key as received (intake keys by precinct id). */
    readonly key: string;
    readonly topic: string;
    readonly partition: number;
    readonly offset: string;
    /** Why decodeEnvelope refused it. */
    readonly reason: string;
    /** Best effort: the submission id if the bytes were JSON carrying one, so its status resolves. */
    readonly submissionId?: string;
    /** Best effort, as above; it chose the stream (else `unknown`). */
    readonly electionId?: string;
  };
}

/**
 * An envelope for an election this service does not know, or for a precinct its election does
 * not have: the decider's own refusal shape, kept per election instead of in a precinct stream
 * that should not exist.
 */
export type QueueRejectionEvent = UnparseableSubmission | SubmissionRefused;

/** The election id used for rejections whose election cannot be named in a stream. */
export const UNKNOWN_ELECTION_STREAM_ID = 'unknown';
