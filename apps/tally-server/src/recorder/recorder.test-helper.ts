// Test and bench helpers for the recorder: queue messages for a synthetic election, as intake
// would produce them (signed with the demo keys: define the election through withDemoKeys), and
// a count of what the store holds per submission id.
import { generateProtocols, type ElectionDefinition } from '@tally/domain';
import { categories, categoryFilter, type EventStore } from '@tally/event-store';
import { encodeEnvelope, toCommand, type OutgoingMessage, type SubmissionEnvelope } from '@tally/intake-queue';
import { demoKeyPair, signedSubjectOfCommand, signSubmission, SIGNATURE_SCHEME_V2 } from '@tally/signatures';
import { v5 as uuidv5 } from 'uuid';
import { SET_ASIDE_TYPE } from '../intake/set-aside.events';

const TEST_SUBMISSION_NAMESPACE = '0c8e52f6-6f0f-4d49-9a53-3f1b0e3f6a51';

export interface TestSubmission {
  readonly submissionId: string;
  readonly envelope: SubmissionEnvelope;
  readonly message: OutgoingMessage;
}

/** The message intake produces for an envelope: keyed by precinct. */
export function messageOf(envelope: SubmissionEnvelope): OutgoingMessage {
  return { key: envelope.precinctId, value: encodeEnvelope(envelope) };
}

/**
 * The envelope signed by the demo key of its `submittedBy`, over the subject the recorder rebuilds
 * from it (signedSubjectOfCommand). A body with a version is signed under scheme v2, which the
 * signature names (the scheme selects the subject), so it is named before the subject is built.
 */
export function signedWithDemoKey<E extends SubmissionEnvelope>(envelope: E): E {
  const key = demoKeyPair(envelope.submittedBy);
  const scheme = envelope.version === undefined ? {} : { scheme: SIGNATURE_SCHEME_V2 as typeof SIGNATURE_SCHEME_V2 };
  const subject = signedSubjectOfCommand(toCommand({ ...envelope, signature: { keyId: key.keyId, value: 'unsigned', ...scheme } }));
  if (subject === undefined) throw new Error(`submission ${envelope.submissionId} cannot be signed: its protocol is malformed`);
  return { ...envelope, signature: signSubmission(subject, key.keyId, key.privateKey) };
}

/**
 * `count` valid submissions for the election (turnout reports, protocols, corrections, in
 * polling-day order), signed with the demo keys, each with a submission id derived from the
 * election, the seed and the generator's key: the same call gives the same ids. Received now,
 * unless `receivedAt` says otherwise: publish them within the recorder's TALLY_MAX_QUEUE_DELAY_S.
 */
export function syntheticSubmissions(
  definition: ElectionDefinition,
  count: number,
  options: { seed?: number; turnoutReportShare?: number; correctionShare?: number; receivedAt?: string } = {},
): TestSubmission[] {
  const seed = options.seed ?? 1;
  const parentOf = new Map(definition.commissions.map((c) => [c.id, c.parent]));
  // Now, as intake stamps it: a recorder reading a real queue (Kafka's broker clock, the
  // in-process queue's) dead-letters an envelope received long before the queue took it (MISDATED).
  const receivedAt = options.receivedAt ?? new Date().toISOString();
  const out: TestSubmission[] = [];
  for (const s of generateProtocols(definition, seed, { turnoutReportShare: options.turnoutReportShare, correctionShare: options.correctionShare })) {
    if (out.length >= count) break;
    const submissionId = uuidv5(`${definition.id}/${seed}/${s.key}`, TEST_SUBMISSION_NAMESPACE);
    const common = { v: 1 as const, submissionId, electionId: definition.id, precinctId: s.precinctId, receivedAt, signature: null };
    let envelope: SubmissionEnvelope;
    switch (s.kind) {
      case 'turnout':
        envelope = { ...common, kind: 'turnout', submittedBy: s.precinctId, time: s.time, ballotsIssued: s.ballotsIssued, version: s.version };
        break;
      case 'protocol':
        envelope = { ...common, kind: 'protocol', submittedBy: s.precinctId, protocol: s.protocol, version: s.version };
        break;
      case 'correction':
        envelope = { ...common, kind: 'correction', submittedBy: parentOf.get(s.precinctId) ?? 'central', protocol: s.protocol, reason: s.reason, version: s.version };
        break;
      default: {
        const never: never = s;
        throw new Error(`unknown synthetic submission ${JSON.stringify(never)}`);
      }
    }
    const signed = signedWithDemoKey(envelope);
    out.push({ submissionId, envelope: signed, message: messageOf(signed) });
  }
  if (out.length < count) throw new Error(`the election yields only ${out.length} submissions, ${count} asked`);
  return out;
}

export interface StoreCensus {
  /** Events per submission id, over the precinct and intake-rejections categories. */
  readonly bySubmission: ReadonlyMap<string, number>;
  /** Events per type. */
  readonly byType: ReadonlyMap<string, number>;
  /** Events per `recordedBy` metadata value. */
  readonly byRecorder: ReadonlyMap<string, number>;
  readonly total: number;
}

/** Reads the whole precinct and intake-rejections categories. */
export async function storeCensus(store: EventStore): Promise<StoreCensus> {
  const bySubmission = new Map<string, number>();
  const byType = new Map<string, number>();
  const byRecorder = new Map<string, number>();
  let total = 0;
  let from: string | undefined;
  for (;;) {
    const page = await store.readAll({ from, filter: categoryFilter(categories.precinct, categories.intakeRejections), batchSize: 5000 });
    for (const e of page.events) {
      total++;
      byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
      // An attempt set aside decided nothing of its submission (intake/set-aside.events.ts): by type only.
      if (e.type === SET_ASIDE_TYPE) continue;
      const id = (e.data as { submissionId?: string }).submissionId ?? `(none:${e.id})`;
      bySubmission.set(id, (bySubmission.get(id) ?? 0) + 1);
      const by = String(e.metadata.recordedBy);
      byRecorder.set(by, (byRecorder.get(by) ?? 0) + 1);
    }
    from = page.checkpoint;
    if (page.isEnd) break;
  }
  return { bySubmission, byType, byRecorder, total };
}

/** Polls the store until `expected` submissions are in it (or `timeoutMs` passes); returns the last census. */
export async function waitForSubmissions(store: EventStore, expected: number, timeoutMs: number, intervalMs = 500): Promise<StoreCensus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const census = await storeCensus(store);
    if (census.bySubmission.size >= expected || Date.now() > deadline) return census;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
