// The KeyObject cache: keys made ahead by warmPublicKeys verify as keys made on first use, and
// what is not a 32-byte key is skipped, never cached.
import { randomBytes } from 'node:crypto';
import { generateEd25519KeyPair, isPublicKeyCached, signBytes, verifyBytes, warmPublicKeys } from './index';

describe('warmPublicKeys', () => {
  it('makes the KeyObjects of valid keys ahead, skips malformed ones and what is cached already', async () => {
    const pairs = Array.from({ length: 7 }, () => generateEd25519KeyPair());
    const malformed = [Buffer.alloc(31, 1).toString('base64'), 'not base64 at all', ''];
    expect(pairs.some((p) => isPublicKeyCached(p.publicKey))).toBe(false);

    const made = await warmPublicKeys([...pairs.map((p) => p.publicKey), ...malformed, pairs[0].publicKey], 2);
    expect(made).toBe(7);
    expect(pairs.every((p) => isPublicKeyCached(p.publicKey))).toBe(true);
    expect(malformed.some((k) => isPublicKeyCached(k))).toBe(false);
    expect(await warmPublicKeys(pairs.map((p) => p.publicKey))).toBe(0);

    const message = randomBytes(100);
    for (const p of pairs) {
      const signature = signBytes(p.privateKeyPem, message);
      expect(verifyBytes(p.publicKey, message, signature)).toBe(true);
      expect(verifyBytes(p.publicKey, randomBytes(100), signature)).toBe(false);
    }
  });
});
