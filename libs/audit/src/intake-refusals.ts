// What intake refused at the door from a commission whose valid key signed the request, as the
// service keeps it in `intake-rejections-<election>` (SubmissionRefusedAtIntake, written by
// apps/tally-server/src/intake/intake-rejection-log.service.ts). An audit reads it to show every
// attempt an entitled sender made, beside what was recorded or refused by the decider. The body
// itself is not kept (its SHA-256 is); records written since 2026-12-06 keep what the key signed
// and the signature (`signed`: verify checks it, and it names a protocol's contest), older ones
// name their precinct and kind only. Intake writes these best effort: a full buffer or a store down
// drops one (counted in its metrics), so their absence proves nothing.
import { streams, type EventStore, type RecordedEvent } from '@tally/event-store';
import { isBeyond, type Bound } from './audit-scan';
import { readSignedEvidence, type KeptSignedEvidence } from './kept-signed';
import { readSetAside, SET_ASIDE_TYPE, type SetAsideRecord } from './set-asides';
import { recordedAt, type UnreadableRecord } from './unreadable';

export const INTAKE_REFUSAL_TYPE = 'SubmissionRefusedAtIntake';

export interface IntakeRefusalRecord {
  readonly position: string;
  readonly recordedAt: string;
  readonly streamName: string;
  readonly revision: string;
  readonly eventId: string;
  /** When intake received the request (its clock). */
  readonly receivedAt: string;
  readonly precinctId: string;
  readonly kind: 'protocol' | 'correction' | 'turnout';
  /** The HTTP status answered. */
  readonly status: number;
  readonly codes: readonly string[];
  /** The commission whose key signed the request; absent in records written before issue 11. */
  readonly submittedBy?: string;
  /** SHA-256 (hex) of the body as received: a commission proves with it which body was refused. */
  readonly bodySha256: string | null;
  /**
   * What the commission's key signed and the signature (records written since 2026-12-06; verify
   * checks it). A protocol's or correction's names its contest.
   */
  readonly signed?: KeptSignedEvidence;
  /** The contest of a refused protocol or correction, when what was signed is kept. */
  readonly contestId?: string;
}

const KINDS: ReadonlySet<string> = new Set(['protocol', 'correction', 'turnout']);

/** One record as an intake refusal, or why it is not one. */
export function readIntakeRefusal(e: RecordedEvent): { ok: true; value: IntakeRefusalRecord } | { ok: false; reason: string } {
  if (e.type !== INTAKE_REFUSAL_TYPE) return { ok: false, reason: `an intake-rejections stream holds no ${e.type} events` };
  const d = e.data as Record<string, unknown>;
  const reasons = Array.isArray(d.reasons) ? (d.reasons as unknown[]) : undefined;
  const codes = reasons?.map((r) => (r !== null && typeof r === 'object' ? (r as { code?: unknown }).code : undefined));
  if (typeof d.precinctId !== 'string' || typeof d.kind !== 'string' || !KINDS.has(d.kind) || typeof d.receivedAt !== 'string' || typeof d.status !== 'number' || !codes?.every((c) => typeof c === 'string')) {
    return { ok: false, reason: 'not a refusal at intake: precinctId, kind (protocol, correction, turnout), receivedAt, status and reasons[].code are required' };
  }
  const signed = d.signed === undefined ? undefined : readSignedEvidence(d.signed);
  if (signed !== undefined && !signed.ok) return { ok: false, reason: `not a refusal at intake: signed, when kept, is a subject (with its kind) and a signature { keyId, value }: ${signed.reason}` };
  return {
    ok: true,
    value: {
      ...recordedAt(e),
      recordedAt: e.recordedAt.toISOString(),
      receivedAt: d.receivedAt,
      precinctId: d.precinctId,
      kind: d.kind as IntakeRefusalRecord['kind'],
      status: d.status,
      codes: codes as string[],
      ...(typeof d.submittedBy === 'string' ? { submittedBy: d.submittedBy } : {}),
      bodySha256: typeof d.bodySha256 === 'string' ? d.bodySha256 : null,
      ...(signed === undefined ? {} : { signed: signed.value, ...('contestId' in signed.value.subject ? { contestId: signed.value.subject.contestId } : {}) }),
    },
  };
}

/**
 * Kept in the same stream and not intake's door: a recorder's refusal of a precinct the election
 * does not have (no precinct's explanation can list it), and raw messages recorders kept before issue 11.
 */
const NOT_AT_THE_DOOR: ReadonlySet<string> = new Set(['SubmissionRefused', 'UnparseableSubmission']);

/**
 * The election's refusals at intake and its set-aside attempts within the bound, in order; what
 * reads as neither (nor as a record kept there for other reasons) goes to `unreadable`.
 */
export async function readIntakeRejections(
  store: EventStore,
  electionId: string,
  until: Bound | undefined,
  unreadable: UnreadableRecord[],
): Promise<{ refusals: IntakeRefusalRecord[]; setAside: SetAsideRecord[] }> {
  const refusals: IntakeRefusalRecord[] = [];
  const setAside: SetAsideRecord[] = [];
  for (const e of await store.readStream(streams.intakeRejections(electionId))) {
    if (isBeyond(e, until)) break;
    if (NOT_AT_THE_DOOR.has(e.type)) continue;
    const read = e.type === SET_ASIDE_TYPE ? readSetAside(e) : readIntakeRefusal(e);
    if (!read.ok) unreadable.push({ ...recordedAt(e), type: e.type, reason: read.reason });
    else if (e.type === SET_ASIDE_TYPE) setAside.push(read.value as SetAsideRecord);
    else refusals.push(read.value as IntakeRefusalRecord);
  }
  return { refusals, setAside };
}
