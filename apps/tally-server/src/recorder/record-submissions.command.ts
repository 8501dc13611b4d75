// One queue batch to record: decided against the precinct streams and appended as one store
// transaction. Dispatched on the CommandBus by the recorder's queue consumer.
import { Command } from '@nestjs/cqrs';
import type { DeadLetterReasonCode, MessageBatch } from '@tally/intake-queue';

export interface RecordSubmissionsOutcome {
  /** Submissions that became a ProtocolRecorded/ProtocolCorrected/TurnoutReported event. */
  readonly recorded: number;
  /** Verified submissions refused (by the decider, or for a precinct the election does not have). */
  readonly refused: number;
  /** Messages already recorded (redelivered or sent again): nothing appended. */
  readonly skipped: number;
  /** Messages put on the dead-letter topic, by reason code (codes with none are left out). */
  readonly deadLettered: Readonly<Partial<Record<DeadLetterReasonCode, number>>>;
  /** appendMany calls that wrote: 1 + the retries after a conflict, + the halves when a batch had to be split (0 when nothing was new). */
  readonly appends: number;
}

/** Messages the outcome accounts for: every one of the batch, once the handler resolved. */
export function messagesHandled(outcome: RecordSubmissionsOutcome): number {
  const letters = Object.values(outcome.deadLettered).reduce((sum, n) => sum + n, 0);
  return outcome.recorded + outcome.refused + outcome.skipped + letters;
}

export class RecordSubmissionsCommand extends Command<RecordSubmissionsOutcome> {
  constructor(
    readonly topic: string,
    readonly batch: MessageBatch,
  ) {
    super();
  }
}
