// The log key a receipt is checked against: the JSON of GET /v1/log/key or the bare key; refused
// when it is no key, or a key nothing could be verified under.
import { generateEd25519KeyPair } from '@tally/signatures';
import { parseLogKeyFile } from './log-key-file';

describe('parseLogKeyFile', () => {
  const { publicKey } = generateEd25519KeyPair();

  it('reads the JSON the service answers, or the bare key on a line', () => {
    expect(parseLogKeyFile(JSON.stringify({ publicKey, algorithm: 'Ed25519' }))).toEqual({ ok: true, publicKey });
    expect(parseLogKeyFile(`${publicKey}\n`)).toEqual({ ok: true, publicKey });
  });

  it('refuses what is no key, and a key of small order with the reason', () => {
    expect(parseLogKeyFile('{ nope')).toEqual({ ok: false, reason: 'not JSON' });
    expect(parseLogKeyFile('AAAA')).toMatchObject({ ok: false, reason: expect.stringContaining('no Ed25519 public key') });
    const identity = Buffer.concat([Buffer.from([1]), Buffer.alloc(31)]).toString('base64');
    expect(parseLogKeyFile(identity)).toMatchObject({ ok: false, reason: expect.stringContaining('not a usable Ed25519 public key') });
  });
});
