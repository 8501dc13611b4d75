// An administrator's command on an election stream that lost to concurrent writers every time the
// command handler retried it: answered 503 UNAVAILABLE, to be tried again.
import { WrongExpectedRevisionError } from '@tally/event-store';
import { problem, ProblemException } from '../http/problem';

export async function unavailableOnConflict<T>(electionId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof WrongExpectedRevisionError) {
      throw new ProblemException([problem('UNAVAILABLE', 'electionId', `the stream of election ${electionId} kept changing; try again`, { electionId })]);
    }
    throw e;
  }
}
