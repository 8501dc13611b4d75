// What a record keeps of something a commission signed, read back from the store: a refusal at
// intake keeps the signed subject and its signature, a set-aside keeps the command. Like the
// domain's stored-event codec, this checks the shape the types promise and says, as a value, what
// is wrong; the signature itself is verify's to check (a protocol that has no signed form is
// found there).
import type { Protocol } from '@tally/domain';
import { z } from 'zod';

const Signature = z.object({ keyId: z.string(), value: z.string(), scheme: z.literal('tally-submission-v2').optional() });
/** The protocol as kept: any object; what its lines mean is the signature's and the decider's to judge. */
const KeptProtocol = z.custom<Protocol>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object');
const Version = z.number().int().min(1).optional();
const Place = { electionId: z.string(), precinctId: z.string() };

const SignedSubject = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('protocol'), ...Place, contestId: z.string(), protocol: KeptProtocol, version: Version }),
  z.object({ kind: z.literal('correction'), ...Place, contestId: z.string(), protocol: KeptProtocol, reason: z.string(), version: Version }),
  z.object({ kind: z.literal('turnout'), ...Place, time: z.string(), ballotsIssued: z.number(), version: Version }),
]);

const SignedEvidence = z.object({ subject: SignedSubject, signature: Signature });

const Meta = z.object({ submissionId: z.string(), ...Place, submittedBy: z.string(), receivedAt: z.string(), signature: Signature.nullable() });

export const KeptCommandShape = z.discriminatedUnion('type', [
  z.object({ type: z.literal('SubmitProtocol'), meta: Meta, protocol: KeptProtocol, version: Version }),
  z.object({ type: z.literal('CorrectProtocol'), meta: Meta, protocol: KeptProtocol, reason: z.string(), supersedes: z.string().optional(), version: Version }),
  z.object({ type: z.literal('ReportTurnout'), meta: Meta, time: z.string(), ballotsIssued: z.number(), version: Version }),
]);

export type KeptSignedEvidence = z.infer<typeof SignedEvidence>;
export type KeptCommand = z.infer<typeof KeptCommandShape>;

export type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** The value as the schema reads it, or what is wrong, field by field. */
export function read<T>(schema: z.ZodType<T>, value: unknown): Read<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}

/** A refusal's `signed`: the subject (with its kind) and the signature { keyId, value }. */
export const readSignedEvidence = (value: unknown): Read<KeptSignedEvidence> => read(SignedEvidence, value);
