// The key ring: the definition's keys folded with amendments, and THE rule for whether a key counts
// at an instant — at every boundary: before, exactly at and after `from` (revoked from: no longer
// valid; valid from: valid), across offsets, and without an instant at all.
import { parsedOrThrow, SMALL_ELECTION_INPUT } from '../views/results.test-helper';
import type { KeyAmendment } from './amendments';
import { indexElection } from './election-index';
import { definitionDirectory, describeKeyOutsideValidity, judgeSignature, keyStatusAt, KeyRing, keysNamed, type RingKey } from './key-ring';

const pk = (n: number): string => Buffer.alloc(32, n).toString('base64');
const FROM = '2026-03-15T14:00:00.000Z';
const definition = parsedOrThrow({
  ...SMALL_ELECTION_INPUT,
  commissions: SMALL_ELECTION_INPUT.commissions.map((c) =>
    c.id === 'cec' ? { ...c, keys: [{ keyId: 'root-1', publicKey: pk(1) }] } : c.id === 'p1' ? { ...c, keys: [{ keyId: 'p1-a', publicKey: pk(2) }] } : c.id === 'p2' ? { ...c, keys: [{ keyId: 'shared', publicKey: pk(3) }] } : c.id === 'p3' ? { ...c, keys: [{ keyId: 'shared', publicKey: pk(4) }] } : c,
  ),
});
const ring = KeyRing.of(definitionDirectory(definition));
const amended = (amendment: KeyAmendment, receivedAt = '2026-03-15T12:00:00Z', base = ring) => base.amend({ amendment, receivedAt });
const only = (r: KeyRing, commissionId: string, keyId: string): RingKey => {
  const keys = r.keysOf(commissionId).filter((k) => k.keyId === keyId);
  expect(keys).toHaveLength(1);
  return keys[0];
};

describe('keyStatusAt: every boundary', () => {
  const revoked = { revokedFrom: FROM };
  const later = { validFrom: FROM };

  it('a key revoked from an instant: valid before it, revoked exactly at it and after', () => {
    expect(keyStatusAt(revoked, '2026-03-15T13:59:59.999Z')).toBe('valid');
    expect(keyStatusAt(revoked, FROM)).toBe('revoked-key');
    expect(keyStatusAt(revoked, '2026-03-15T14:00:00Z')).toBe('revoked-key');
    expect(keyStatusAt(revoked, '2026-03-15T14:00:00.001Z')).toBe('revoked-key');
  });

  it('a key valid from an instant: not yet valid before it, valid exactly at it and after', () => {
    expect(keyStatusAt(later, '2026-03-15T13:59:59.999Z')).toBe('not-yet-valid');
    expect(keyStatusAt(later, FROM)).toBe('valid');
    expect(keyStatusAt(later, '2026-03-16T00:00:00Z')).toBe('valid');
  });

  it('compares instants, not text: the same boundary in another offset', () => {
    expect(keyStatusAt(revoked, '2026-03-15T18:59:59.999+05:00')).toBe('valid');
    expect(keyStatusAt(revoked, '2026-03-15T19:00:00+05:00')).toBe('revoked-key');
    expect(keyStatusAt({ revokedFrom: '2026-03-15T19:00:00+05:00' }, '2026-03-15T13:59:59Z')).toBe('valid');
  });

  it('a recorded bound that names no instant lets the key count at no instant, on either side', () => {
    for (const at of ['1970-01-01T00:00:00Z', FROM, '2999-12-31T23:59:59Z']) {
      expect(keyStatusAt({ revokedFrom: 'not a time' }, at)).toBe('revoked-key');
      expect(keyStatusAt({ validFrom: 'not a time' }, at)).toBe('not-yet-valid');
    }
  });

  it('a window: valid from one instant until another', () => {
    const window = { validFrom: FROM, revokedFrom: '2026-03-15T16:00:00Z' };
    expect(keyStatusAt(window, '2026-03-15T13:00:00Z')).toBe('not-yet-valid');
    expect(keyStatusAt(window, '2026-03-15T15:00:00Z')).toBe('valid');
    expect(keyStatusAt(window, '2026-03-15T16:00:00Z')).toBe('revoked-key');
  });

  it('without an instant (or with text that names none) only an unbounded key counts', () => {
    expect(keyStatusAt({}, undefined)).toBe('valid');
    expect(keyStatusAt({}, 'not a time')).toBe('valid');
    expect(keyStatusAt(revoked, undefined)).toBe('revoked-key');
    expect(keyStatusAt(later, undefined)).toBe('not-yet-valid');
    expect(keyStatusAt(later, '15.03.2026 14:00')).toBe('not-yet-valid');
  });
});

describe('judgeSignature', () => {
  const p2 = ring.named('shared', 'p2');
  const both = ring.named('shared');
  const by = (publicKey: string) => (candidate: string) => candidate === publicKey;

  it('finds the commission whose key made the signature, a shared key id resolved by the signature', () => {
    expect(both.map((k) => k.commission.id)).toEqual(['p2', 'p3']);
    expect(judgeSignature(both, 'shared', FROM, by(pk(4)))).toMatchObject({ ok: true, key: { commission: { id: 'p3' }, keyId: 'shared' } });
    expect(judgeSignature(p2, 'shared', FROM, by(pk(4)))).toEqual({ ok: false, problem: 'invalid-signature', keyId: 'shared' });
    expect(judgeSignature(both, 'nobody', FROM, by(pk(4)))).toEqual({ ok: false, problem: 'unknown-key', keyId: 'nobody' });
  });

  it('names a key that verifies but was not valid then, with the key', () => {
    const r = amended({ kind: 'revoke-key', commissionId: 'p1', keyId: 'p1-a', from: FROM });
    const candidates = r.named('p1-a', 'p1');
    expect(judgeSignature(candidates, 'p1-a', '2026-03-15T13:59:59.999Z', by(pk(2)))).toMatchObject({ ok: true });
    expect(judgeSignature(candidates, 'p1-a', FROM, by(pk(2)))).toMatchObject({ ok: false, problem: 'revoked-key', keyId: 'p1-a', key: { revokedFrom: FROM } });
    // A signature that verifies under no key is invalid whatever the time.
    expect(judgeSignature(candidates, 'p1-a', FROM, by(pk(9)))).toEqual({ ok: false, problem: 'invalid-signature', keyId: 'p1-a' });
  });

  it('prefers a valid key of the id to one outside its validity', () => {
    const keys: RingKey[] = [
      { ...only(ring, 'p1', 'p1-a'), revokedFrom: FROM },
      { ...only(ring, 'p1', 'p1-a'), validFrom: FROM },
    ];
    expect(judgeSignature(keys, 'p1-a', FROM, by(pk(2)))).toMatchObject({ ok: true, key: { validFrom: FROM } });
  });
});

describe('describeKeyOutsideValidity: the words of a refusal', () => {
  const key = only(ring, 'p1', 'p1-a');

  it('names the key, its commission, its bound and the instant judged', () => {
    expect(describeKeyOutsideValidity({ ...key, revokedFrom: FROM }, 'revoked-key', '2026-03-15T15:00:00Z')).toStrictEqual({
      message: `key p1-a of p1 is revoked from ${FROM}; received at 2026-03-15T15:00:00Z`,
      operands: { commissionId: 'p1', receivedAt: '2026-03-15T15:00:00Z', revokedFrom: FROM },
    });
    expect(describeKeyOutsideValidity({ ...key, validFrom: FROM }, 'not-yet-valid', '2026-03-15T13:00:00Z')).toStrictEqual({
      message: `key p1-a of p1 is valid only from ${FROM}; received at 2026-03-15T13:00:00Z`,
      operands: { commissionId: 'p1', receivedAt: '2026-03-15T13:00:00Z', validFrom: FROM },
    });
  });

  it('says when no instant was given, and names none', () => {
    expect(describeKeyOutsideValidity({ ...key, revokedFrom: FROM }, 'revoked-key', undefined)).toStrictEqual({
      message: `key p1-a of p1 is revoked from ${FROM}; no instant was given to judge it at`,
      operands: { commissionId: 'p1', revokedFrom: FROM },
    });
    expect(describeKeyOutsideValidity({ ...key, validFrom: FROM }, 'not-yet-valid', undefined).operands).toStrictEqual({ commissionId: 'p1', validFrom: FROM });
  });
});

describe('KeyRing', () => {
  it('holds the definition keys, valid at every instant', () => {
    expect(ring.keysOf('p1')).toEqual([{ commission: definition.commissions.find((c) => c.id === 'p1'), keyId: 'p1-a', publicKey: pk(2) }]);
    expect(ring.keysOf('nowhere')).toEqual([]);
    expect(keysNamed(definition.commissions, 'shared', 'p3').map((k) => k.publicKey)).toEqual([pk(4)]);
    // Without a submitter: every commission's keys of that id, and no other key.
    expect(keysNamed(definition.commissions, 'shared').map((k) => [k.commission.id, k.keyId])).toEqual([
      ['p2', 'shared'],
      ['p3', 'shared'],
    ]);
    expect(keysNamed(definition.commissions, 'root-1').map((k) => k.commission.id)).toEqual(['cec']);
  });

  it('add-key: valid from its validFrom, or from when the amendment was received', () => {
    const given = amended({ kind: 'add-key', commissionId: 'p1', key: { keyId: 'p1-b', publicKey: pk(5) }, validFrom: FROM });
    expect(only(given, 'p1', 'p1-b')).toMatchObject({ validFrom: FROM, publicKey: pk(5) });
    const defaulted = amended({ kind: 'add-key', commissionId: 'p1', key: { keyId: 'p1-b', publicKey: pk(5) } }, '2026-03-15T12:34:56.789Z');
    expect(only(defaulted, 'p1', 'p1-b').validFrom).toBe('2026-03-15T12:34:56.789Z');
    // The old key stays, and the ring it came from is unchanged.
    expect(only(given, 'p1', 'p1-a').revokedFrom).toBeUndefined();
    expect(ring.keysOf('p1')).toHaveLength(1);
  });

  it('revoke-key: from its instant; an earlier revocation stands, a later one narrows nothing, an earlier one narrows', () => {
    const once = amended({ kind: 'revoke-key', commissionId: 'p1', keyId: 'p1-a', from: FROM });
    expect(only(once, 'p1', 'p1-a').revokedFrom).toBe(FROM);
    const later = amended({ kind: 'revoke-key', commissionId: 'p1', keyId: 'p1-a', from: '2026-03-15T15:00:00Z' }, undefined, once);
    expect(only(later, 'p1', 'p1-a').revokedFrom).toBe(FROM);
    const earlier = amended({ kind: 'revoke-key', commissionId: 'p1', keyId: 'p1-a', from: '2026-03-15T18:00:00+05:00' }, undefined, once);
    expect(only(earlier, 'p1', 'p1-a').revokedFrom).toBe('2026-03-15T18:00:00+05:00');
    // The same instant written in another offset narrows nothing: the first words stand.
    const same = amended({ kind: 'revoke-key', commissionId: 'p1', keyId: 'p1-a', from: '2026-03-15T19:00:00+05:00' }, undefined, once);
    expect(only(same, 'p1', 'p1-a').revokedFrom).toBe(FROM);
  });

  it('revoke-key revokes the key it names, not the commission’s other keys', () => {
    const two = amended({ kind: 'add-key', commissionId: 'p1', key: { keyId: 'p1-b', publicKey: pk(5) }, validFrom: FROM });
    const r = amended({ kind: 'revoke-key', commissionId: 'p1', keyId: 'p1-a', from: FROM }, undefined, two);
    expect(r.keysOf('p1').map((k) => [k.keyId, k.revokedFrom])).toEqual([
      ['p1-a', FROM],
      ['p1-b', undefined],
    ]);
  });

  it('replace-keys: every key revoked from `from`, the new ones valid from it — the two meet exactly at `from`', () => {
    const r = amended({ kind: 'replace-keys', commissionId: 'p1', keys: [{ keyId: 'p1-b', publicKey: pk(5) }, { keyId: 'p1-c', publicKey: pk(6) }], from: FROM });
    expect(r.keysOf('p1').map((k) => [k.keyId, k.validFrom, k.revokedFrom])).toEqual([
      ['p1-a', undefined, FROM],
      ['p1-b', FROM, undefined],
      ['p1-c', FROM, undefined],
    ]);
    const at = (instant: string) => r.keysOf('p1').filter((k) => keyStatusAt(k, instant) === 'valid').map((k) => k.keyId);
    expect(at('2026-03-15T13:59:59.999Z')).toEqual(['p1-a']);
    expect(at(FROM)).toEqual(['p1-b', 'p1-c']);
    expect(at('2026-03-15T14:00:00.001Z')).toEqual(['p1-b', 'p1-c']);
  });

  it('finds amended keys by id, with and without the submitter, and leaves other commissions as defined', () => {
    const r = amended({ kind: 'add-key', commissionId: 'p3', key: { keyId: 'p1-a', publicKey: pk(7) } });
    expect(r.named('p1-a').map((k) => [k.commission.id, k.publicKey])).toEqual([
      ['p1', pk(2)],
      ['p3', pk(7)],
    ]);
    expect(r.named('p1-a', 'p3').map((k) => k.publicKey)).toEqual([pk(7)]);
    expect(r.named('shared', 'p2')).toEqual(ring.named('shared', 'p2'));
    expect([...r.amendedCommissions().keys()]).toEqual(['p3']);
  });

  it('the index by key id belongs to one ring: an amendment after a lookup is seen by the new ring, not by the old', () => {
    const base = KeyRing.of(definitionDirectory(definition));
    expect(base.named('p1-a').map((k) => k.publicKey)).toEqual([pk(2)]); // builds the old ring's index
    const added = amended({ kind: 'add-key', commissionId: 'p2', key: { keyId: 'p1-a', publicKey: pk(9) } }, undefined, base);
    const replaced = amended({ kind: 'replace-keys', commissionId: 'p1', keys: [{ keyId: 'p1-z', publicKey: pk(10) }], from: FROM }, undefined, added);
    expect(added.named('p1-a').map((k) => [k.commission.id, k.publicKey])).toEqual([
      ['p1', pk(2)],
      ['p2', pk(9)],
    ]);
    expect(replaced.named('p1-a').map((k) => [k.commission.id, k.revokedFrom])).toEqual([
      ['p1', FROM],
      ['p2', undefined],
    ]);
    expect(replaced.named('p1-z').map((k) => [k.commission.id, k.validFrom])).toEqual([['p1', FROM]]);
    expect(base.named('p1-a').map((k) => k.publicKey)).toEqual([pk(2)]);
    expect(base.named('p1-z')).toEqual([]);
    expect(base.named('nobody')).toEqual([]);
  });

  it('otherHolder: another commission that holds or held a public key, amended lists included, the asking one left out', () => {
    expect(ring.otherHolder(pk(2), 'p2')).toBe('p1');
    expect(ring.otherHolder(pk(2), 'p1')).toBeUndefined();
    expect(ring.otherHolder(pk(99), 'p1')).toBeUndefined();
    // p1's key replaced: its new key is p1's now, its old one still counts as held (revoked, not gone).
    const r = amended({ kind: 'replace-keys', commissionId: 'p1', keys: [{ keyId: 'p1-b', publicKey: pk(5) }], from: FROM });
    expect(r.otherHolder(pk(5), 'p2')).toBe('p1');
    expect(r.otherHolder(pk(2), 'p2')).toBe('p1');
    expect(ring.otherHolder(pk(5), 'p2')).toBeUndefined();
  });

  it('an amendment of a commission the definition lacks changes nothing', () => {
    expect(amended({ kind: 'add-key', commissionId: 'ghost', key: { keyId: 'g', publicKey: pk(8) } })).toBe(ring);
  });

  it('rides on an election index: withKeys shares the index and carries the amendments', () => {
    const index = indexElection(definition);
    expect(index.keys.keysOf('p1').map((k) => k.keyId)).toEqual(['p1-a']);
    const r = amended({ kind: 'revoke-key', commissionId: 'p1', keyId: 'p1-a', from: FROM });
    const next = index.withKeys(r);
    expect(only(next.keys, 'p1', 'p1-a').revokedFrom).toBe(FROM);
    expect(only(index.keys, 'p1', 'p1-a').revokedFrom).toBeUndefined();
    expect(next.definition).toBe(index.definition);
    expect(next.precinctsUnder('north')).toEqual(index.precinctsUnder('north'));
    expect(next.root.id).toBe('cec');
  });
});
