// A submission's id is derived, not drawn: the same request gets the same id on every intake
// process, so a commission that retries after a timeout is answered with its first submission,
// and the decider (which decides nothing for an id it has seen) adds no event when a retry is
// queued twice. Two sources, in this order:
// - the `Idempotency-Key` header, scoped to the election, the precinct, the kind and the
//   commission whose key signed (two commissions cannot collide, nor one's retries across kinds);
// - otherwise the signature value itself: a signed body is one act, whoever posts it again.
// The id is a UUID (RFC 9562 version 8, "custom") over SHA-256 of the length-prefixed fields
// below; the first field names the scheme, so another derivation can never produce the same id.
import { hash } from 'node:crypto';
import { encodeLengthPrefixed } from '@tally/encoding';

export const SUBMISSION_ID_SCHEME = 'tally-submission-id-v1';

/** RFC 9110 field value of the Idempotency-Key draft: 1–255 visible ASCII characters. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export const isIdempotencyKey = (value: string): boolean => IDEMPOTENCY_KEY.test(value);

export interface SubmissionIdSource {
  readonly electionId: string;
  readonly precinctId: string;
  readonly kind: 'protocol' | 'correction' | 'turnout';
  /** The commission the signing key belongs to. */
  readonly submittedBy: string;
  /** The signature value (base64), as verified. */
  readonly signatureValue: string;
  /** The request's Idempotency-Key, when it sent one (already checked with isIdempotencyKey). */
  readonly idempotencyKey?: string;
}

export function deriveSubmissionId(source: SubmissionIdSource): string {
  const by =
    source.idempotencyKey !== undefined
      ? ['idempotency-key', source.electionId, source.precinctId, source.kind, source.submittedBy, source.idempotencyKey]
      : ['signature', source.electionId, source.precinctId, source.kind, source.signatureValue];
  const bytes = hash('sha256', encodeLengthPrefixed([SUBMISSION_ID_SCHEME, ...by]), 'buffer').subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // the RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A short fingerprint of a signed body (its signature value), kept with each outcome so a reused
 * Idempotency-Key with another body is told apart from a retry. 48 bits: a collision needs a
 * forged retry of the same key by the same commission, and costs only a wrong "conflict" answer.
 */
export const signatureTag = (signatureValue: string): string => hash('sha256', signatureValue, 'hex').slice(0, 12);
