// What a commission signs: a byte string built from length-prefixed fields, so no two different
// submissions can encode alike by moving text from one field into the next (the Abraxas lesson:
// signature input is never concatenated without lengths). Documented in ../README.md.
import { ProtocolShape, type Protocol } from '@tally/domain';

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

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** JSON with object keys sorted by UTF-16 code units, no whitespace, values as JSON.stringify writes them. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite numbers are not JSON');
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw new TypeError(`${typeof value} is not JSON`);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v: Json) => canonicalJson(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

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

/** Each field as a 4-byte big-endian byte length followed by its UTF-8 bytes. */
export function encodeSignedSubject(subject: SignedSubject): Buffer {
  const parts: Buffer[] = [];
  for (const field of signedFields(subject)) {
    const bytes = Buffer.from(field, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length, 0);
    parts.push(length, bytes);
  }
  return Buffer.concat(parts);
}
