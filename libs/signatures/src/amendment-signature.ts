// What the root commission signs when it amends an election's keys, and how that is checked: in
// the election decider (which is handed `verifyAmendmentSignature`, so the domain stays pure) and
// by an auditor re-deciding the recorded amendments. Length-prefixed fields, like a submission's.
import type { KeyObject } from 'node:crypto';
import type { AmendmentSignature, SignedAmendment } from '@tally/domain';
import { canonicalJson, encodeLengthPrefixed } from '@tally/encoding';
import { signBytes, verifyBytes } from './ed25519';

/** First field: names the scheme, so an amendment's signature can never pass for a submission's, nor the reverse. */
export const AMENDMENT_SCHEME = 'tally-amendment-v1';

export type UnsignedAmendment = Omit<SignedAmendment, 'signature'>;

/**
 * The fields, in order: the scheme, the election id, the sequence number (decimal: the
 * amendment's place among the election's amendments, so it applies once at most), the kind,
 * and the canonical JSON of the whole amendment (kind included).
 */
export function amendmentFields({ electionId, sequence, amendment }: UnsignedAmendment): readonly string[] {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError(`an amendment's sequence is a positive integer, got ${sequence}`);
  return [AMENDMENT_SCHEME, electionId, String(sequence), amendment.kind, canonicalJson(amendment)];
}

/** The bytes a root key signs. */
export function encodeAmendment(unsigned: UnsignedAmendment): Buffer {
  return encodeLengthPrefixed(amendmentFields(unsigned));
}

export function signAmendment(unsigned: UnsignedAmendment, keyId: string, privateKey: KeyObject | string): AmendmentSignature {
  return { keyId, value: signBytes(privateKey, encodeAmendment(unsigned)) };
}

/** True when the signature is a valid Ed25519 signature of the amendment's encoding under the raw base64 public key. */
export function verifyAmendmentSignature(signed: SignedAmendment, publicKey: string): boolean {
  return verifyBytes(publicKey, encodeAmendment(signed), signed.signature.value);
}
