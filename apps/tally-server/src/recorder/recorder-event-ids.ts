// Event ids derived from what was submitted (UUIDv5), so that a redelivered message produces
// the very same ids: the store recognises the retry and the decider skips the seen submission.
import { v5 as uuidv5 } from 'uuid';

const RECORDER_NAMESPACE = 'a77e9439-2323-4526-8056-55ad4bd1b902';

/** The id of the `index`-th event a submission produced. */
export function submissionEventId(submissionId: string, index: number): string {
  return uuidv5(`submission/${submissionId}/${index}`, RECORDER_NAMESPACE);
}
