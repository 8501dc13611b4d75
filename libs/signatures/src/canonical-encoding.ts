// What a commission signs: a byte string built from length-prefixed fields, so no two different
// submissions can encode alike by moving text from one field into the next (the Abraxas lesson:
// signature input is never concatenated without lengths). Documented in ../README.md.
import { ProtocolShape, type Protocol } from '@tally/domain';
import { canonicalJson, encodeLengthPrefixed } from '@tally/encoding';

/**
 * First field of every encoding: names the scheme, so a signature cannot be replayed under another
 * one. v2 adds the subject's place in the precinct's history (its version), so a signed body can
 * be applied once at most: an old body re-sent names a version that is no longer next. v1 bodies
 * recorded before v2 still verify (auditors rebuild them); intake takes v2 only.
 */
export const SIGNATURE_SCHEME_V1 = 'tally-submission-v1';
export const SIGNATURE_SCHEME_V2 = 'tally-submission-v2';
export const SIGNATURE_SCHEMES = [SIGNATURE_SCHEME_V1, SIGNATURE_SCHEME_V2] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];
/** The scheme new submissions are signed under. */
export const SIGNATURE_SCHEME: SignatureScheme = SIGNATURE_SCHEME_V2;

/**
 * The content a signature covers, by submission kind. Who signed is the key, not a field.
 * `version` (v2): a protocol is version 1 of its contest at the precinct; a correction names the
 * version it creates (2, 3, …); a turnout report the version of its time's figure (1, then 2 for
 * its first revision, …). Absent: a v1 subject, as recorded before v2.
 */
export type SignedSubject =
  | {
      readonly kind: 'protocol';
      readonly electionId: string;
      readonly precinctId: string;
      readonly contestId: string;
      readonly protocol: Protocol;
      readonly version?: number;
    }
  | {
      readonly kind: 'correction';
      readonly electionId: string;
      readonly precinctId: string;
      readonly contestId: string;
      readonly protocol: Protocol;
      readonly reason: string;
      readonly version?: number;
    }
  | {
      readonly kind: 'turnout';
      readonly electionId: string;
      readonly precinctId: string;
      readonly time: string;
      readonly ballotsIssued: number;
      readonly version?: number;
    };

/** The scheme a subject is encoded under: v2 when it names its version. */
export const schemeOf = (subject: SignedSubject): SignatureScheme => (subject.version === undefined ? SIGNATURE_SCHEME_V1 : SIGNATURE_SCHEME_V2);

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
  const head = [schemeOf(subject), subject.kind, subject.electionId, subject.precinctId];
  if (subject.version !== undefined && (!Number.isSafeInteger(subject.version) || subject.version < 1)) {
    throw new RangeError(`a signed version is a positive integer, got ${subject.version}`);
  }
  const version = subject.version === undefined ? [] : [String(subject.version)];
  switch (subject.kind) {
    case 'protocol':
      return [...head, subject.contestId, ...version, canonicalJson(subject.protocol)];
    case 'correction':
      return [...head, subject.contestId, ...version, canonicalJson(subject.protocol), subject.reason];
    case 'turnout':
      return [...head, subject.time, ...version, canonicalJson(subject.ballotsIssued)];
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
