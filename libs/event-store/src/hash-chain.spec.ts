import { canonicalJson } from '@tally/encoding';
import { ChainCheck, contentHash, GENESIS_HASH } from './hash-chain';

const base = { streamName: 'precinct-e1.p1', revision: 0n, id: '0f8c1d4e-5b9a-4c3e-8d2f-1a2b3c4d5e6f', type: 'ProtocolRecorded', data: { a: 1 }, metadata: {} };

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: [{ z: 1, y: 'x' }], a: null })).toBe('{"a":null,"b":[{"y":"x","z":1}]}');
  });
});

describe('contentHash', () => {
  // Every store holds hashes written this way: the bytes may never change. The value was computed
  // by the implementation of 2026-12-04 (a Hash object fed field by field).
  it('gives the hash every stored chain was written with (a known answer)', () => {
    const event = {
      streamName: 'precinct-e2026-p7',
      revision: 2n,
      id: '0192F8A0-1234-7ABC-8DEF-0123456789AB',
      type: 'ProtocolRecorded',
      data: { b: [1, 'päivä'], a: { z: null, y: true } },
      metadata: { submissionId: 's-1', contentHash: 'x', previousHash: 'y', recordedBy: 'астана' },
    };
    expect(contentHash(event, GENESIS_HASH)).toBe('76e170415eeefebfad5963be2135ea28b1ef14cbb30d526fab27bead383b11ff');
  });

  it('is the same for the same content in any key order and ignores the stored hash links', () => {
    const h = contentHash(base, GENESIS_HASH);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash({ ...base, data: { a: 1 }, metadata: { contentHash: 'x', previousHash: 'y' } }, GENESIS_HASH)).toBe(h);
  });

  it('changes with every hashed field, including the previous hash', () => {
    const h = contentHash(base, GENESIS_HASH);
    const variants = [
      { ...base, streamName: 'precinct-e1.p2' },
      { ...base, revision: 1n },
      { ...base, id: '1f8c1d4e-5b9a-4c3e-8d2f-1a2b3c4d5e6f' },
      { ...base, type: 'ProtocolCorrected' },
      { ...base, data: { a: 2 } },
      { ...base, metadata: { submissionId: 's' } },
    ];
    const hashes = new Set([h, ...variants.map((v) => contentHash(v, GENESIS_HASH)), contentHash(base, 'f'.repeat(64))]);
    expect(hashes.size).toBe(variants.length + 2);
  });

  it('length-prefixes fields, so moving a character between fields changes the hash', () => {
    const a = contentHash({ ...base, streamName: 'precinct-ab', type: 'cX' }, GENESIS_HASH);
    const b = contentHash({ ...base, streamName: 'precinct-a', type: 'bcX' }, GENESIS_HASH);
    expect(a).not.toBe(b);
  });
});

describe('ChainCheck: what each event must show', () => {
  const recorded = (previousHash: string, contentHashOf: (h: string) => string = (h) => h) => ({
    ...base,
    position: '1:1',
    recordedAt: new Date('2026-03-15T15:00:00Z'),
    metadata: { contentHash: contentHashOf(contentHash(base, previousHash)), previousHash },
  });

  it('a stream starts from the genesis hash: a first event that claims to follow another is a break', () => {
    expect(new ChainCheck().visit(recorded(GENESIS_HASH))).toBe(true);
    const check = new ChainCheck();
    // Its own hash is consistent with the link it claims; the link is what is wrong.
    expect(check.visit(recorded('a'.repeat(64)))).toBe(false);
    expect(check.result()).toMatchObject({ ok: false, firstBreak: { revision: 0n, kind: 'chain-broken', expected: GENESIS_HASH } });
  });

  it('hashes that are not 64 lowercase hex digits are no hashes', () => {
    const check = new ChainCheck();
    expect(check.visit(recorded(GENESIS_HASH, (h) => h.toUpperCase()))).toBe(false);
    expect(check.result()).toMatchObject({ ok: false, firstBreak: { kind: 'missing-hash' } });
  });
});
