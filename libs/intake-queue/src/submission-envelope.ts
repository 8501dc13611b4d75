// What travels on the submission queue: one commission submission as intake accepted it. It
// lives beside the queue so that every producer the queue admits (intake, a bulk loader, a
// replay tool) writes the same envelope. Intake produces it keyed by precinct; the recorder
// parses it again, because the queue may have other producers, and turns it into a precinct
// command. A message that does not decode goes to the dead-letter topic with its bytes and the
// code decodeEnvelope names (UNDECODABLE, TOO_LARGE): nothing that reached the queue is lost, and
// none of it becomes history.
import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import { MAX_VERSION, type PrecinctCommand, type SubmissionMeta } from '@tally/domain';

export const SUBMISSION_ENVELOPE_VERSION = 1;

const Signature = z.object({ keyId: z.string().min(1), value: z.string().min(1), scheme: z.literal('tally-submission-v2').optional() }).strict();
/** The signed place in the precinct's history (scheme v2); absent in envelopes of v1 bodies. */
const Version = z.number().int().min(1).max(MAX_VERSION).optional();

const Common = {
  v: z.literal(SUBMISSION_ENVELOPE_VERSION),
  submissionId: z.string().uuid(),
  electionId: z.string().min(1),
  precinctId: z.string().min(1),
  submittedBy: z.string().min(1),
  /** ISO 8601 instant at which intake received the request. */
  receivedAt: z.string().datetime({ offset: true }),
  signature: Signature.nullable(),
};

/** The protocol is carried as received (unknown): the decider validates it and names what is wrong. */
export const SubmissionEnvelope = z.discriminatedUnion('kind', [
  z.object({ ...Common, kind: z.literal('protocol'), protocol: z.unknown(), version: Version }).strict(),
  z
    .object({ ...Common, kind: z.literal('correction'), protocol: z.unknown(), reason: z.string(), supersedes: z.string().optional(), version: Version })
    .strict(),
  z.object({ ...Common, kind: z.literal('turnout'), time: z.string(), ballotsIssued: z.number(), version: Version }).strict(),
]);
export type SubmissionEnvelope = z.infer<typeof SubmissionEnvelope>;

export function encodeEnvelope(envelope: SubmissionEnvelope): Buffer {
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

/**
 * The most bytes an envelope may have. Intake takes request bodies of at most 64 KiB and wraps
 * them in a few hundred bytes; 1 MiB leaves room for any re-encoding of such a body, and a message
 * beyond it did not come from intake (the topic itself takes up to 10 MiB: MAX_MESSAGE_BYTES).
 */
export const MAX_ENVELOPE_BYTES = 1024 * 1024;

/** Why bytes are not an envelope, as a dead-letter reason code: too large to read, or not one. */
export type EnvelopeProblem = 'TOO_LARGE' | 'UNDECODABLE';

export type DecodedEnvelope =
  | { readonly ok: true; readonly envelope: SubmissionEnvelope }
  | { readonly ok: false; readonly code: EnvelopeProblem; readonly reason: string };

export function decodeEnvelope(bytes: Buffer): DecodedEnvelope {
  if (bytes.length > MAX_ENVELOPE_BYTES) {
    return { ok: false, code: 'TOO_LARGE', reason: `${bytes.length} bytes; an envelope has at most ${MAX_ENVELOPE_BYTES}` };
  }
  // Buffer#toString would replace malformed sequences with U+FFFD: bytes that are not what was sent.
  if (!isUtf8(bytes)) return { ok: false, code: 'UNDECODABLE', reason: 'not UTF-8' };
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    return { ok: false, code: 'UNDECODABLE', reason: `not JSON: ${(e as Error).message}` };
  }
  const parsed = SubmissionEnvelope.safeParse(json);
  if (!parsed.success) {
    return { ok: false, code: 'UNDECODABLE', reason: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  }
  return { ok: true, envelope: parsed.data };
}

const versionOf = (e: SubmissionEnvelope): { version?: number } => (e.version === undefined ? {} : { version: e.version });

export function envelopeMeta(e: SubmissionEnvelope): SubmissionMeta {
  return {
    submissionId: e.submissionId,
    electionId: e.electionId,
    precinctId: e.precinctId,
    submittedBy: e.submittedBy,
    receivedAt: e.receivedAt,
    signature: e.signature,
  };
}

/** The precinct command an envelope asks for. The protocol stays as received (the decider parses it). */
export function toCommand(e: SubmissionEnvelope): PrecinctCommand {
  const meta = envelopeMeta(e);
  switch (e.kind) {
    case 'protocol':
      return { type: 'SubmitProtocol', meta, protocol: e.protocol as never, ...versionOf(e) };
    case 'correction':
      return { type: 'CorrectProtocol', meta, protocol: e.protocol as never, reason: e.reason, supersedes: e.supersedes, ...versionOf(e) };
    case 'turnout':
      return { type: 'ReportTurnout', meta, time: e.time, ballotsIssued: e.ballotsIssued, ...versionOf(e) };
    default: {
      const never: never = e;
      throw new Error(`unknown submission kind ${JSON.stringify(never)}`);
    }
  }
}
