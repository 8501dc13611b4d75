import type { ExpectedRevision } from './event-store.port';

/** What the stream actually was when the expectation failed: `'no-stream'` or its last revision. */
export type ActualRevision = 'no-stream' | bigint;

function describe(revision: ExpectedRevision | ActualRevision): string {
  return typeof revision === 'string' ? revision : `revision ${revision}`;
}

/** The expected revision did not hold: someone else appended first, or the caller's view is stale. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';

  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: ActualRevision,
    /** Index of the failing item in an `appendMany` batch; undefined for `append`. */
    readonly batchIndex?: number,
  ) {
    super(
      `Wrong expected revision on stream "${streamName}": expected ${describe(expected)}, actual ${describe(actual)}` +
        (batchIndex === undefined ? '' : ` (batch item ${batchIndex})`),
    );
  }

  withBatchIndex(batchIndex: number): WrongExpectedRevisionError {
    return new WrongExpectedRevisionError(this.streamName, this.expected, this.actual, batchIndex);
  }
}

/** The caller passed something the port cannot store (bad UUID, reserved metadata key, ...). */
export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
}

/** Some of the event ids are already recorded in the stream, but not as this exact append: a bug or a stale view. */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';

  constructor(
    readonly streamName: string,
    readonly eventIds: readonly string[],
    readonly batchIndex?: number,
  ) {
    super(
      `Event id(s) ${eventIds.join(', ')} already recorded in stream "${streamName}" at other revisions` +
        (batchIndex === undefined ? '' : ` (batch item ${batchIndex})`),
    );
  }

  withBatchIndex(batchIndex: number): DuplicateEventIdError {
    return new DuplicateEventIdError(this.streamName, this.eventIds, batchIndex);
  }
}

/** The SQL schema is missing or behind and this role may not create it: the owner runs `tally db setup`. */
export class SchemaSetupRequiredError extends Error {
  override readonly name = 'SchemaSetupRequiredError';
}
