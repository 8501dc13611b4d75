// The worker pool answers every check as verifyBytes does on this thread, across batches and workers.
import { randomBytes } from 'node:crypto';
import { Ed25519VerifyPool, generateEd25519KeyPair, publicKeyProblem, signBytes, verifyBytes, VERIFY_BATCH, type VerifyJob } from './index';

describe('Ed25519VerifyPool', () => {
  let pool: Ed25519VerifyPool;
  beforeAll(() => (pool = new Ed25519VerifyPool(2)));
  afterAll(() => pool.close());

  it('answers as verifyBytes: valid, tampered, wrong key, malformed key or signature, in order', async () => {
    const pairs = Array.from({ length: 5 }, () => generateEd25519KeyPair());
    const jobs: VerifyJob[] = [];
    // More than two batches, so both workers take some and the answers are put back in order.
    for (let i = 0; jobs.length < 2 * VERIFY_BATCH + 50; i++) {
      const pair = pairs[i % pairs.length];
      const message = randomBytes(50 + (i % 300));
      const signature = signBytes(pair.privateKeyPem, message);
      switch (i % 6) {
        case 0:
          jobs.push({ publicKey: pair.publicKey, message, signature });
          break;
        case 1:
          jobs.push({ publicKey: pair.publicKey, message: Buffer.concat([message, Buffer.from([1])]), signature });
          break;
        case 2:
          jobs.push({ publicKey: pairs[(i + 1) % pairs.length].publicKey, message, signature });
          break;
        case 3:
          jobs.push({ publicKey: Buffer.alloc(31, 1).toString('base64'), message, signature });
          break;
        case 4:
          jobs.push({ publicKey: pair.publicKey, message, signature: signature.slice(0, 40) });
          break;
        default:
          jobs.push({ publicKey: pair.publicKey, message, signature: Buffer.from(signature, 'base64').reverse().toString('base64') });
      }
    }
    const answers = await pool.verify(jobs);
    expect(answers).toEqual(jobs.map((j) => verifyBytes(j.publicKey, j.message, j.signature)));
    expect(answers.filter((a) => a === true)).toHaveLength(jobs.filter((_, i) => i % 6 === 0).length);
  });

  it('answers nothing asked with nothing', async () => {
    expect(await pool.verify([])).toEqual([]);
    expect(await pool.usableKeys([])).toEqual([]);
  });

  it('judges public keys as publicKeyProblem does, in order, across the workers', async () => {
    const hex = (h: string) => Buffer.from(h, 'hex').toString('base64');
    const degenerate = [hex('01'.padEnd(64, '0')), hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'), hex('ed'.padEnd(62, 'f') + '7f'), 'short', ''];
    const keys = Array.from({ length: 37 }, (_, i) => (i % 5 === 0 ? degenerate[(i / 5) % degenerate.length] : generateEd25519KeyPair().publicKey));
    expect(await pool.usableKeys(keys)).toEqual(keys.map((k) => publicKeyProblem(k) === undefined));
    expect((await pool.usableKeys(keys)).filter((ok) => !ok)).toHaveLength(8);
  });
});
