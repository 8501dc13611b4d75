// A submission intake acknowledged (202) and a recorder could not record: it dead-lettered the
// message (a tighter receivedAt bound than intake's, an election it still did not know, a store
// that refused the write twice, ...). Intake learns it from the dead-letter topic and writes this
// record in the election's `intake-rejections-<election>` stream, so that the commission's status
// says why, an auditor sees the attempt, and "every submission ends recorded or refused, in the
// history" holds for these too. Only the intake process that queued the attempt writes it, and
// only for the very attempt it queued (submission id, receivedAt and signature alike): a copy a
// topic writer put on the topic never becomes history this way. Not final: the same signed body
// sent again is queued anew (set-aside-watcher.service.ts).
import type { PrecinctCommand } from '@tally/domain';
import type { DeadLetterReasonCode } from '@tally/intake-queue';
import { v5 as uuidv5 } from 'uuid';

export const SET_ASIDE_TYPE = 'SubmissionSetAside';

export interface SubmissionSetAside {
  readonly type: typeof SET_ASIDE_TYPE;
  readonly data: {
    readonly submissionId: string;
    readonly electionId: string;
    readonly precinctId: string;
    /** The commission whose key signed it (the envelope's, which intake verified). */
    readonly submittedBy: string;
    readonly kind: 'protocol' | 'correction' | 'turnout';
    /** When intake received this attempt (its clock): one attempt of the submission. */
    readonly receivedAt: string;
    /** The dead letter's reason: its stable code and its words. */
    readonly code: DeadLetterReasonCode;
    readonly reason: string;
    /** Where the original stood on the submissions topic, and when the recorder set it aside. */
    readonly deadLetter: { readonly topic: string; readonly partition: number; readonly offset: string; readonly at: string };
    /**
     * What the commission signed, as the recorder would have decided it: an auditor checks its
     * signature. Absent when the store cannot keep it (UNSTORABLE); the letter has its bytes.
     */
    readonly command?: PrecinctCommand;
  };
}

const SET_ASIDE_NAMESPACE = '5d3f0c8e-2b7a-4f51-9c1e-7a0b6c2d9e41';

/** One id per attempt: a letter delivered again (at least once) writes the same event, which the store recognises. */
export function setAsideEventId(submissionId: string, receivedAt: string): string {
  return uuidv5(`set-aside/${submissionId}/${receivedAt}`, SET_ASIDE_NAMESPACE);
}
