// One queue batch to record: decided against the precinct streams and appended as one store
// transaction. Dispatched on the CommandBus by the recorder's queue consumer.
import { Command } from '@nestjs/cqrs';
import type { MessageBatch } from '@tally/intake-queue';

export interface RecordSubmissionsOutcome {
  /** Submissions that became a ProtocolRecorded/ProtocolCorrected/TurnoutReported event. */
  readonly recorded: number;
  /** Submissions refused (by the decider, or for an unknown election or precinct). */
  readonly refused: number;
  /** Messages that did not parse, kept in an intake-rejections stream. */
  readonly unparseable: number;
  /** Messages already recorded (redelivered or sent again): nothing appended. */
  readonly skipped: number;
  /** appendMany calls made: 1 + the retries after a conflict (0 when nothing was new). */
  readonly appends: number;
}

export class RecordSubmissionsCommand extends Command<RecordSubmissionsOutcome> {
  constructor(
    readonly topic: string,
    readonly batch: MessageBatch,
  ) {
    super();
  }
}
