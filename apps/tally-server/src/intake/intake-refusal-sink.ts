// The port through which intake hands over every request it refused on a commission endpoint,
// bound to INTAKE_REFUSAL_SINK (IntakeModule binds the history log, IntakeRejectionLog). Intake
// calls it itself, from the exception filter on its own routes (intake-refusals.filter.ts), with
// what it knows; the implementation decides what is worth keeping. Fire and forget: a refusal
// is never delayed or turned into a 5xx by whatever the sink does.
import type { SubmissionRefusedAtIntake } from './intake-refusal.events';

/** What intake knows of one refusal: the fields of the history's record. */
export type IntakeRefusal = SubmissionRefusedAtIntake['data'];

export interface IntakeRefusalSink {
  refused(electionId: string, refusal: IntakeRefusal): void;
}
