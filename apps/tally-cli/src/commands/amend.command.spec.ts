// `tally amend` with its I/O in memory: the body it prints verifies under the root key for the
// sequence it names (given, or asked of the server), and bad input is refused before signing.
import { generateEd25519KeyPair, verifyAmendmentSignature } from '@tally/signatures';
import { memoryIo } from '../memory-io.test-helper';
import { runAmend, type AmendOptions, type FetchJson } from './amend.command';

const root = generateEd25519KeyPair();
const added = generateEd25519KeyPair();
const second = generateEd25519KeyPair();

const files = {
  'keys/cec-2026.key.pem': root.privateKeyPem,
  'p1-new.pub.json': `${JSON.stringify({ keyId: 'p1-new', publicKey: added.publicKey })}\n`,
  'register.json': JSON.stringify({ kind: 'register-deputies', bodyId: 'council', on: '2026-03-25', deputies: [{ seat: { kind: 'district', contestId: 'N' }, candidateId: 'n1' }] }),
  'bad-ground.json': JSON.stringify({ kind: 'terminate-mandate', bodyId: 'council', candidateId: 'n1', ground: 'boredom', on: '2026-06-01' }),
  'p1-more.pub.json': `${JSON.stringify({ keyId: 'p1-x', publicKey: second.publicKey })}\n${JSON.stringify({ keyId: 'p1-y', publicKey: root.publicKey })}\n`,
};
const base: AmendOptions = { election: 'e-2026', commission: 'p1', key: 'keys/cec-2026.key.pem' };
const noServer: FetchJson = async () => {
  throw new Error('no server in this test');
};

async function amend(options: AmendOptions, fetchJson: FetchJson = noServer) {
  const m = memoryIo(files);
  const code = await runAmend(options, m.io, fetchJson);
  return { code, body: code === 0 ? JSON.parse(m.out()) : undefined, err: m.err() };
}

describe('tally amend', () => {
  it('signs a revocation for the given sequence with the root key named by its file', async () => {
    const { code, body, err } = await amend({ ...base, revokeKey: 'p1-2026', from: '2026-03-15T14:00:00Z', sequence: '2' });
    expect(code).toBe(0);
    expect(body).toEqual({
      sequence: 2,
      amendment: { kind: 'revoke-key', commissionId: 'p1', keyId: 'p1-2026', from: '2026-03-15T14:00:00Z' },
      signature: { keyId: 'cec-2026', value: expect.any(String) },
    });
    expect(verifyAmendmentSignature({ electionId: 'e-2026', ...body }, root.publicKey)).toBe(true);
    expect(verifyAmendmentSignature({ electionId: 'e-2026', ...body, sequence: 3 }, root.publicKey)).toBe(false);
    expect(err).toContain('POST this body to /v1/elections/e-2026/amendments');
  });

  it('asks the server for the next sequence number', async () => {
    const asked: string[] = [];
    const server: FetchJson = async (url) => {
      asked.push(url);
      return { electionId: 'e-2026', next: 4, amendments: [] };
    };
    const { code, body } = await amend({ ...base, addKey: 'p1-new.pub.json', validFrom: '2026-03-15T14:00:00Z', server: 'http://127.0.0.1:3000' }, server);
    expect(code).toBe(0);
    expect(asked).toEqual(['http://127.0.0.1:3000/v1/elections/e-2026/amendments']);
    expect(body).toMatchObject({ sequence: 4, amendment: { kind: 'add-key', commissionId: 'p1', key: { keyId: 'p1-new', publicKey: added.publicKey }, validFrom: '2026-03-15T14:00:00Z' } });
    expect(verifyAmendmentSignature({ electionId: 'e-2026', ...body }, root.publicKey)).toBe(true);
  });

  it('replaces keys from several files, one key per line or one per file', async () => {
    const { code, body } = await amend({ ...base, replaceKeys: ['p1-new.pub.json', 'p1-more.pub.json'], from: '2026-03-15T19:00:00+05:00', sequence: '1' });
    expect(code).toBe(0);
    expect(body.amendment.keys.map((k: { keyId: string }) => k.keyId)).toEqual(['p1-new', 'p1-x', 'p1-y']);
  });

  it.each([
    [{ revokeKey: 'k', addKey: 'p1-new.pub.json', from: '2026-03-15T14:00:00Z', sequence: '1' }, '--add-key | --revoke-key | --replace-keys'],
    [{ sequence: '1' }, '--add-key | --revoke-key | --replace-keys'],
    [{ revokeKey: 'k', sequence: '1' }, '--from'],
    [{ revokeKey: 'k', from: '2026-03-15 14:00', sequence: '1' }, '--from'],
    [{ revokeKey: 'k', from: '2026-03-15T14:00:00Z' }, '--sequence | --server'],
    [{ revokeKey: 'k', from: '2026-03-15T14:00:00Z', sequence: '0' }, '--sequence'],
    [{ addKey: 'missing.json', sequence: '1' }, '--add-key'],
    [{ addKey: 'p1-more.pub.json', sequence: '1' }, '--add-key'],
    [{ addKey: 'p1-new.pub.json', from: '2026-03-15T14:00:00Z', sequence: '1' }, '--from'],
    [{ revokeKey: 'k', from: '2026-03-15T14:00:00Z', sequence: '1', key: 'nowhere.pem' }, '--key'],
  ])('refuses %j naming %s (exit 2)', async (over, field) => {
    const { code, err } = await amend({ ...base, ...over } as AmendOptions);
    expect(code).toBe(2);
    expect(err).toContain(`  ${field}`);
  });

  it('fails (exit 1) when the server cannot say', async () => {
    const { code, err } = await amend({ ...base, revokeKey: 'k', from: '2026-03-15T14:00:00Z', server: 'http://127.0.0.1:9' });
    expect(code).toBe(1);
    expect(err).toContain('no server in this test');
    const silent = await amend({ ...base, revokeKey: 'k', from: '2026-03-15T14:00:00Z', server: 'http://127.0.0.1:9' }, async () => ({ status: 'up' }));
    expect(silent.code).toBe(1);
  });

  it('signs any amendment given whole in a file (--amendment), and refuses one the domain would refuse', async () => {
    const { code, body } = await amend({ election: 'e-2026', key: 'keys/cec-2026.key.pem', amendment: 'register.json', sequence: '4' });
    expect(code).toBe(0);
    expect(body.amendment).toEqual(JSON.parse(files['register.json']));
    expect(verifyAmendmentSignature({ electionId: 'e-2026', sequence: 4, amendment: body.amendment, signature: body.signature }, root.publicKey)).toBe(true);
    const bad = await amend({ election: 'e-2026', key: 'keys/cec-2026.key.pem', amendment: 'bad-ground.json', sequence: '4' });
    expect(bad).toMatchObject({ code: 2, err: expect.stringContaining('amendment.ground') });
    const both = await amend({ ...base, amendment: 'register.json', revokeKey: 'p1-a', from: '2026-03-15T14:00:00Z', sequence: '4' });
    expect(both).toMatchObject({ code: 2, err: expect.stringContaining('give exactly one') });
  });
});
