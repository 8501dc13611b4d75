// What a commission signs: a byte string built from length-prefixed fields, so no two different
// submissions can encode alike by moving text from one field into the next (the Abraxas lesson:
// signature input is never concatenated without lengths). Documented in ../README.md.
import { ProtocolShape, type Protocol } from '@tally/domain';
import { canonicalJson, encodeLengthPrefixed } from '@tally/encoding';

/** First field of every encoding: names the scheme, so a signature cannot be replayed under another one. */
export const SIGNATURE_SCHEME = 'tally-submission-v1';

/** The content a signature covers, by submission kind. Who signed is the key, not a field. */
export type SignedSubject =
  | { readonly kind: 'protocol'; readonly electionId: string; readonly precinctId: string; readonly contestId: string; readonly protocol: Protocol }
  | {
      readonly kind: 'correction';
      readonly electionId: string;
      readonly precinctId: string;
      readonly contestId: string;
      readonly protocol: Protocol;
      readonly reason: string;
    }
  | { readonly kind: 'turnout'; readonly electionId: string; readonly precinctId: string; readonly time: string; readonly ballotsIssued: number };

/**
 * The protocol as it will be recorded: every optional line present (addedSameDay, ballotsLost,
 * againstAll default to 0). Signing this form means the recorded event verifies years later.
 * Undefined when the input is not a protocol at all (intake refuses it before any signature check).
 */
export function normalizeProtocol(input: unknown): Protocol | undefined {
  const parsed = ProtocolShape.safeParse(input);
  return parsed.success ? parsed.data : undefined;
}

/** The fields of the encoding, in order, as text. */
export function signedFields(subject: SignedSubject): readonly string[] {
  const head = [SIGNATURE_SCHEME, subject.kind, subject.electionId, subject.precinctId];
  switch (subject.kind) {
    case 'protocol':
      return [...head, subject.contestId, canonicalJson(subject.protocol)];
    case 'correction':
      return [...head, subject.contestId, canonicalJson(subject.protocol), subject.reason];
    case 'turnout':
      return [...head, subject.time, canonicalJson(subject.ballotsIssued)];
    default: {
      const never: never = subject;
      throw new TypeError(`unknown subject kind ${JSON.stringify(never)}`);
    }
  }
}

/** The fields, length-prefixed (@tally/encoding): the bytes a commission signs. */
export function encodeSignedSubject(subject: SignedSubject): Buffer {
  return encodeLengthPrefixed(signedFields(subject));
}
