// Event ids derived from what was submitted (UUIDv5), so that a redelivered message produces
// the very same ids: the store recognises the retry and the decider skips the seen submission.
import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

const RECORDER_NAMESPACE = 'a77e9439-2323-4526-8056-55ad4bd1b902';

/** The id of the `index`-th event a submission produced. */
export function submissionEventId(submissionId: string, index: number): string {
  return uuidv5(`submission/${submissionId}/${index}`, RECORDER_NAMESPACE);
}

/**
 * An unparseable message has no submission id: its place in the queue and its bytes name it.
 * The bytes are part of it because the in-process queue restarts its offsets with the process.
 */
export function unparseableEventId(topic: string, partition: number, offset: string, raw: Buffer): string {
  const digest = createHash('sha256').update(raw).digest('hex');
  return uuidv5(`unparseable/${topic}/${partition}/${offset}/${digest}`, RECORDER_NAMESPACE);
}
