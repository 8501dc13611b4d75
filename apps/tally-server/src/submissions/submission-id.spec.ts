import { deriveSubmissionId, isIdempotencyKey, signatureTag } from './submission-id';

describe('deriveSubmissionId', () => {
  const base = { electionId: 'e', precinctId: 'p1', kind: 'protocol', submittedBy: 'p1', signatureValue: 'c2lnbmF0dXJl' } as const;

  // Recorded ids and every intake's answer to a retry depend on these bytes: they may never change.
  // The values were computed by the implementation of 2026-12-04 (a Hash object fed field by field).
  it('derives the ids it always derived (known answers)', () => {
    expect(deriveSubmissionId({ electionId: 'e2026', precinctId: 'p7', kind: 'protocol', submittedBy: 'pec-7', signatureValue: 'c2lnbmF0dXJl' })).toBe('8514955d-f4bc-82eb-8222-2d7a400f5756');
    expect(deriveSubmissionId({ electionId: 'e2026', precinctId: 'p7', kind: 'turnout', submittedBy: 'pec-7', signatureValue: 'c2lnbmF0dXJl', idempotencyKey: 'retry-1' })).toBe('cbd79887-2b7d-8215-a69f-901e2a5595b3');
    expect(signatureTag('c2lnbmF0dXJl')).toBe('5b46b2821536');
  });

  it('is a UUID of version 8 with the RFC 9562 variant, the same for the same request', () => {
    const id = deriveSubmissionId(base);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deriveSubmissionId({ ...base })).toBe(id);
  });

  it('follows the signature without a key, and the key (not the body) with one', () => {
    const bySignature = deriveSubmissionId(base);
    expect(deriveSubmissionId({ ...base, signatureValue: 'b3RoZXI=' })).not.toBe(bySignature);
    const byKey = deriveSubmissionId({ ...base, idempotencyKey: 'k1' });
    expect(byKey).not.toBe(bySignature);
    expect(deriveSubmissionId({ ...base, idempotencyKey: 'k1', signatureValue: 'b3RoZXI=' })).toBe(byKey);
  });

  it('scopes a key to the election, the precinct, the kind and the signing commission', () => {
    const byKey = deriveSubmissionId({ ...base, idempotencyKey: 'k1' });
    for (const change of [{ electionId: 'e2' }, { precinctId: 'p2' }, { kind: 'turnout' as const }, { submittedBy: 'd1' }]) {
      expect(deriveSubmissionId({ ...base, ...change, idempotencyKey: 'k1' })).not.toBe(byKey);
    }
  });

  it('cannot be steered by moving text between fields (length-prefixed)', () => {
    expect(deriveSubmissionId({ ...base, electionId: 'ab', precinctId: 'c' })).not.toBe(deriveSubmissionId({ ...base, electionId: 'a', precinctId: 'bc' }));
  });
});

describe('isIdempotencyKey and signatureTag', () => {
  it('takes 1–255 visible ASCII characters', () => {
    expect(isIdempotencyKey('a')).toBe(true);
    expect(isIdempotencyKey('x'.repeat(255))).toBe(true);
    for (const bad of ['', 'x'.repeat(256), 'two words', 'tab\there', 'ключ']) expect(isIdempotencyKey(bad)).toBe(false);
  });

  it('tags a signature value with 12 hex digits, stable per value', () => {
    expect(signatureTag('abc')).toMatch(/^[0-9a-f]{12}$/);
    expect(signatureTag('abc')).toBe(signatureTag('abc'));
    expect(signatureTag('abd')).not.toBe(signatureTag('abc'));
  });
});
