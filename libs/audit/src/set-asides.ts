// What intake acknowledged and a recorder set aside (dead-lettered), as the service keeps it in
// `intake-rejections-<election>` (SubmissionSetAside, written by
// apps/tally-server/src/intake/set-aside-watcher.service.ts for the very attempt it queued). An
// audit shows it beside what was recorded and refused: an attempt that was heard and not counted,
// and why. It carries the command as the commission signed it (unless the store could not keep
// it: UNSTORABLE), so its signature can be checked like a recorded fact's.
import type { PrecinctCommand } from '@tally/domain';
import type { RecordedEvent } from '@tally/event-store';
import { z } from 'zod';
import { KeptCommandShape, read as readShape } from './kept-signed';
import { recordedAt } from './unreadable';

export const SET_ASIDE_TYPE = 'SubmissionSetAside';

export interface SetAsideRecord extends ReturnType<typeof recordedAt> {
  readonly recordedAt: string;
  readonly submissionId: string;
  readonly precinctId: string;
  readonly submittedBy: string;
  readonly kind: 'protocol' | 'correction' | 'turnout';
  /** When intake received this attempt (its clock). */
  readonly receivedAt: string;
  /** The dead letter's reason code (MISDATED, UNKNOWN_ELECTION, UNVERIFIED, UNSTORABLE, ...) and words. */
  readonly code: string;
  readonly reason: string;
  /** The original's place on the submissions topic, and when it was set aside. */
  readonly deadLetter: { readonly topic: string; readonly partition: number; readonly offset: string; readonly at: string };
  readonly command?: PrecinctCommand;
}

const SetAsideData = z.object({
  submissionId: z.string(),
  precinctId: z.string(),
  submittedBy: z.string(),
  kind: z.enum(['protocol', 'correction', 'turnout']),
  receivedAt: z.string(),
  code: z.string(),
  reason: z.string(),
  deadLetter: z.object({ topic: z.string(), partition: z.number(), offset: z.string(), at: z.string() }),
  command: KeptCommandShape.optional(),
});

/** One record as a set-aside, or why it is not one. */
export function readSetAside(e: RecordedEvent): { ok: true; value: SetAsideRecord } | { ok: false; reason: string } {
  if (e.type !== SET_ASIDE_TYPE) return { ok: false, reason: `not a ${SET_ASIDE_TYPE}: ${e.type}` };
  const read = readShape(SetAsideData, e.data);
  if (!read.ok) return { ok: false, reason: `not a set-aside: ${read.reason}` };
  const d = read.value;
  const meta = d.command?.meta;
  // The command is the attempt the record names, or the record is not what it says.
  if (meta !== undefined && (meta.submissionId !== d.submissionId || meta.precinctId !== d.precinctId || meta.submittedBy !== d.submittedBy || meta.receivedAt !== d.receivedAt)) {
    return { ok: false, reason: "not a set-aside: its command's meta names another submission, precinct, submitter or receipt time than the record" };
  }
  return {
    ok: true,
    value: {
      ...recordedAt(e),
      recordedAt: e.recordedAt.toISOString(),
      submissionId: d.submissionId,
      precinctId: d.precinctId,
      submittedBy: d.submittedBy,
      kind: d.kind,
      receivedAt: d.receivedAt,
      code: d.code,
      reason: d.reason,
      deadLetter: d.deadLetter,
      ...(d.command !== undefined ? { command: d.command } : {}),
    },
  };
}
