// A root commission's signature of a key amendment (tally-amendment-v1), and findSigner judging a
// submission by the keys valid when it was received (the election's key ring).
import { canonicalJson } from '@tally/encoding';
import { almatyCity2023Definition, indexElection, type KeyAmendment } from '@tally/domain';
import {
  amendmentFields,
  encodeAmendment,
  encodeSignedSubject,
  findSigner,
  generateEd25519KeyPair,
  signAmendment,
  signSubmission,
  verifyAmendmentSignature,
  type SignedSubject,
  type UnsignedAmendment,
} from './index';

const revoke: KeyAmendment = { kind: 'revoke-key', commissionId: 'almaty-p001', keyId: 'p1-2026', from: '2026-03-15T14:00:00Z' };
const unsigned: UnsignedAmendment = { electionId: 'almaty-city-2023', sequence: 3, amendment: revoke };

describe('the amendment encoding', () => {
  it('is the scheme, the election, the sequence, the kind and the canonical amendment, length-prefixed', () => {
    expect(amendmentFields(unsigned)).toEqual(['tally-amendment-v1', 'almaty-city-2023', '3', 'revoke-key', canonicalJson(revoke)]);
    const field = (s: string) => Buffer.concat([Buffer.from([0, 0, 0, Buffer.byteLength(s)]), Buffer.from(s)]);
    expect(encodeAmendment(unsigned)).toEqual(Buffer.concat(amendmentFields(unsigned).map(field)));
  });

  it.each([0, -1, 1.5])('refuses to encode sequence %p', (sequence) => {
    expect(() => encodeAmendment({ ...unsigned, sequence })).toThrow(RangeError);
  });

  it('verifies what was signed and nothing else: another sequence, election or amendment fails', () => {
    const root = generateEd25519KeyPair();
    const signature = signAmendment(unsigned, 'cec-2026', root.privateKeyPem);
    const signed = { ...unsigned, signature };
    expect(signature.keyId).toBe('cec-2026');
    expect(verifyAmendmentSignature(signed, root.publicKey)).toBe(true);
    expect(verifyAmendmentSignature({ ...signed, sequence: 4 }, root.publicKey)).toBe(false);
    expect(verifyAmendmentSignature({ ...signed, electionId: 'other' }, root.publicKey)).toBe(false);
    expect(verifyAmendmentSignature({ ...signed, amendment: { ...revoke, from: '2026-03-15T14:00:01Z' } }, root.publicKey)).toBe(false);
    expect(verifyAmendmentSignature(signed, generateEd25519KeyPair().publicKey)).toBe(false);
    // Key order does not matter: the amendment is signed as canonical JSON.
    const reordered = Object.fromEntries(Object.entries(revoke).reverse()) as KeyAmendment;
    expect(verifyAmendmentSignature({ ...signed, amendment: reordered }, root.publicKey)).toBe(true);
  });

  it('cannot pass for a submission signature, nor the reverse: the first field names the scheme', () => {
    const turnout: SignedSubject = { kind: 'turnout', electionId: 'e', precinctId: 'p1', time: '10:00', ballotsIssued: 1 };
    expect(encodeAmendment(unsigned).subarray(4, 22).toString()).toBe('tally-amendment-v1');
    expect(encodeSignedSubject(turnout).subarray(4, 23).toString()).toBe('tally-submission-v1');
  });
});

describe('findSigner at an instant (the key ring)', () => {
  const old = generateEd25519KeyPair();
  const next = generateEd25519KeyPair();
  const base = almatyCity2023Definition();
  const definition = { ...base, commissions: base.commissions.map((c) => (c.id === 'almaty-p001' ? { ...c, keys: [{ keyId: 'p1-2026', publicKey: old.publicKey }] } : c)) };
  const index = indexElection(definition);
  const FROM = '2026-03-15T14:00:00Z';
  const replaced = index.keys.amend({
    amendment: { kind: 'replace-keys', commissionId: 'almaty-p001', keys: [{ keyId: 'p1-2026b', publicKey: next.publicKey }], from: FROM },
    receivedAt: '2026-03-15T14:30:00Z',
  });
  const subject: SignedSubject = { kind: 'turnout', electionId: definition.id, precinctId: 'almaty-p001', time: '12:00', ballotsIssued: 100, version: 1 };
  const byOld = signSubmission(subject, 'p1-2026', old.privateKeyPem);
  const byNext = signSubmission(subject, 'p1-2026b', next.privateKeyPem);

  it('accepts the revoked key for what was received before `from`, and refuses it exactly at `from` and after', () => {
    expect(findSigner(replaced, subject, byOld, undefined, { at: '2026-03-15T13:59:59.999Z' })).toMatchObject({ ok: true, commission: { id: 'almaty-p001' }, keyId: 'p1-2026' });
    for (const at of [FROM, '2026-03-15T19:00:00+05:00', '2026-03-15T14:00:00.001Z']) {
      expect(findSigner(replaced, subject, byOld, 'almaty-p001', { at })).toMatchObject({ ok: false, problem: 'revoked-key', keyId: 'p1-2026', key: { revokedFrom: FROM } });
    }
  });

  it('accepts the replacement from `from` on, not before', () => {
    expect(findSigner(replaced, subject, byNext, undefined, { at: '2026-03-15T13:59:59.999Z' })).toMatchObject({ ok: false, problem: 'not-yet-valid', key: { validFrom: FROM } });
    expect(findSigner(replaced, subject, byNext, undefined, { at: FROM })).toMatchObject({ ok: true, commission: { id: 'almaty-p001' }, keyId: 'p1-2026b' });
  });

  it('without an instant trusts only keys valid at every instant; a bare definition as before', () => {
    expect(findSigner(replaced, subject, byOld)).toMatchObject({ ok: false, problem: 'revoked-key' });
    expect(findSigner(replaced, subject, byNext)).toMatchObject({ ok: false, problem: 'not-yet-valid' });
    expect(findSigner(index.keys, subject, byOld)).toMatchObject({ ok: true, keyId: 'p1-2026' });
    expect(findSigner(definition, subject, byOld, 'almaty-p001', { at: FROM })).toMatchObject({ ok: true, keyId: 'p1-2026' });
  });

  it('still tells a wrong signature and an unknown key from a key outside its validity', () => {
    const forged = { ...byOld, value: byNext.value };
    expect(findSigner(replaced, subject, forged, undefined, { at: FROM })).toEqual({ ok: false, problem: 'invalid-signature', keyId: 'p1-2026' });
    expect(findSigner(replaced, subject, { ...byOld, keyId: 'nobody' }, undefined, { at: FROM })).toEqual({ ok: false, problem: 'unknown-key', keyId: 'nobody' });
  });
});
