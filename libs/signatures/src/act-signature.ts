// What a commission signs when it acts on the count — its result protocol (summary), or the
// certification or decertification of a body's seats — and how that is checked: in the election
// decider (handed `verifyActSignature`, so the domain stays pure) and by an auditor re-deciding
// the recorded acts. Length-prefixed fields, like a submission's and an amendment's. Also the
// digest of the sums a certification was computed from.
import { createHash, type KeyObject } from 'node:crypto';
import type { ActSignature, ContestTotals, SignedAct } from '@tally/domain';
import { canonicalJson, encodeLengthPrefixed } from '@tally/encoding';
import { signBytes, verifyBytes } from './ed25519';

/** First field: names the scheme, so an act's signature can never pass for a submission's or an amendment's. */
export const ACT_SCHEME = 'tally-act-v1';

export type UnsignedAct = Omit<SignedAct, 'signature'>;

/**
 * The fields, in order: the scheme, the election id, the signing commission, the sequence (its
 * place among that commission's acts, decimal, so the act applies once at most), the act's kind,
 * and the canonical JSON of the whole act.
 */
export function actFields({ electionId, signedBy, sequence, act }: UnsignedAct): readonly string[] {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError(`an act's sequence is a positive integer, got ${sequence}`);
  return [ACT_SCHEME, electionId, signedBy, String(sequence), act.kind, canonicalJson(act)];
}

export function encodeAct(unsigned: UnsignedAct): Buffer {
  return encodeLengthPrefixed(actFields(unsigned));
}

export function signAct(unsigned: UnsignedAct, keyId: string, privateKey: KeyObject | string): ActSignature {
  return { keyId, value: signBytes(privateKey, encodeAct(unsigned)) };
}

export function verifyActSignature(signed: SignedAct, publicKey: string): boolean {
  return verifyBytes(publicKey, encodeAct(signed), signed.signature.value);
}

/**
 * SHA-256 (hex) of the canonical JSON of the sums, contest by contest in id order: `[{ contestId,
 * precincts, lines }]`. What a certification names, so an auditor can tell the exact figures
 * the seats were certified on.
 */
export function votesDigest(totals: readonly ContestTotals[]): string {
  const canonical = [...totals]
    .sort((a, b) => (a.contestId < b.contestId ? -1 : a.contestId > b.contestId ? 1 : 0))
    .map((t) => ({ contestId: t.contestId, precincts: t.reported, lines: t.lines }));
  return createHash('sha256').update(canonicalJson(canonical), 'utf8').digest('hex');
}
