// Signing and checking a commission's submission, live at intake and years later in an audit:
// both call `verifySubmissionSignature` on the same encoding.
import type { KeyObject } from 'node:crypto';
import type { Commission, ElectionDefinition, PrecinctEvent, SubmissionSignature } from '@tally/domain';
import { encodeSignedSubject, normalizeProtocol, type SignedSubject } from './canonical-encoding';
import { signBytes, verifyBytes } from './ed25519';

export function signSubmission(subject: SignedSubject, keyId: string, privateKey: KeyObject | string): SubmissionSignature {
  return { keyId, value: signBytes(privateKey, encodeSignedSubject(subject)) };
}

/** True when `signature` is a valid Ed25519 signature of the subject's encoding under the raw base64 public key. */
export function verifySubmissionSignature(subject: SignedSubject, signature: SubmissionSignature, publicKey: string): boolean {
  return verifyBytes(publicKey, encodeSignedSubject(subject), signature.value);
}

export type SignerCheck =
  | { readonly ok: true; readonly commission: Commission; readonly keyId: string }
  | { readonly ok: false; readonly problem: 'unknown-key' | 'invalid-signature'; readonly keyId: string };

/**
 * Which commission of the definition signed the subject. The key id is looked up among every
 * commission's keys (only `submittedBy`'s when given); a key id shared by two commissions is
 * resolved by the signature itself, so no lookup order can let one sign for the other.
 */
export function findSigner(
  definition: Pick<ElectionDefinition, 'commissions'>,
  subject: SignedSubject,
  signature: SubmissionSignature,
  submittedBy?: string,
): SignerCheck {
  let known = false;
  for (const commission of definition.commissions) {
    if (submittedBy !== undefined && commission.id !== submittedBy) continue;
    for (const key of commission.keys) {
      if (key.keyId !== signature.keyId) continue;
      known = true;
      if (verifySubmissionSignature(subject, signature, key.publicKey)) return { ok: true, commission, keyId: key.keyId };
    }
  }
  return { ok: false, problem: known ? 'invalid-signature' : 'unknown-key', keyId: signature.keyId };
}

/**
 * The subject a recorded precinct event's signature covers, rebuilt from the event alone
 * (for an auditor). Undefined for a refusal whose payload is not a protocol: there is nothing
 * well-formed to have signed.
 */
export function signedSubjectOfEvent(event: PrecinctEvent): SignedSubject | undefined {
  const { electionId, precinctId } = event.data;
  switch (event.type) {
    case 'ProtocolRecorded':
      return { kind: 'protocol', electionId, precinctId, contestId: event.data.contestId, protocol: event.data.protocol };
    case 'ProtocolCorrected':
      return { kind: 'correction', electionId, precinctId, contestId: event.data.contestId, protocol: event.data.protocol, reason: event.data.reason };
    case 'TurnoutReported':
      return { kind: 'turnout', electionId, precinctId, time: event.data.time, ballotsIssued: event.data.ballotsIssued };
    case 'SubmissionRefused': {
      const payload = event.data.payload as Record<string, unknown> | null;
      if (typeof payload !== 'object' || payload === null) return undefined;
      if (event.data.kind === 'turnout') {
        const { time, ballotsIssued } = payload;
        return typeof time === 'string' && typeof ballotsIssued === 'number' ? { kind: 'turnout', electionId, precinctId, time, ballotsIssued } : undefined;
      }
      const protocol = normalizeProtocol(event.data.kind === 'protocol' ? payload : payload.protocol);
      if (!protocol) return undefined;
      if (event.data.kind === 'protocol') return { kind: 'protocol', electionId, precinctId, contestId: protocol.contestId, protocol };
      const reason = payload.reason;
      return typeof reason === 'string' ? { kind: 'correction', electionId, precinctId, contestId: protocol.contestId, protocol, reason } : undefined;
    }
    default: {
      const never: never = event;
      throw new TypeError(`unknown precinct event ${JSON.stringify(never)}`);
    }
  }
}
