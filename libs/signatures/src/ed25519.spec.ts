// Verification is libsodium's, signing node:crypto's (ed25519.ts). Held here: every signature
// OpenSSL makes verifies, every change to the message, the signature or the key is refused as
// OpenSSL refuses it, and the only disagreement is libsodium's stricter refusal of degenerate keys
// and signatures (the identity key, which under OpenSSL "signs" any message).
import { createPublicKey, randomBytes, verify as opensslVerify } from 'node:crypto';
import { crypto_core_ed25519_add } from 'sodium-native';
import { generateEd25519KeyPair, publicKeyProblem, signBytes, verifyBytes } from './index';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const openssl = (publicKey: string, message: Buffer, signature: string): boolean =>
  opensslVerify(null, message, createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(publicKey, 'base64')]), format: 'der', type: 'spki' }), Buffer.from(signature, 'base64'));

const flipBit = (bytes: Buffer, bit: number): Buffer => {
  const copy = Buffer.from(bytes);
  copy[bit >> 3] ^= 1 << (bit & 7);
  return copy;
};

describe('verifyBytes (libsodium) against OpenSSL', () => {
  const pairs = Array.from({ length: 12 }, () => generateEd25519KeyPair());

  it('accepts what OpenSSL signs and refuses every altered message, signature or key, as OpenSSL does', () => {
    let checks = 0;
    for (const [i, pair] of pairs.entries()) {
      const message = randomBytes(1 + 97 * i);
      const signature = signBytes(pair.privateKeyPem, message);
      expect(verifyBytes(pair.publicKey, message, signature)).toBe(true);
      expect(openssl(pair.publicKey, message, signature)).toBe(true);

      const signatureRaw = Buffer.from(signature, 'base64');
      const keyRaw = Buffer.from(pair.publicKey, 'base64');
      const altered: [string, Buffer, string][] = [
        [pair.publicKey, flipBit(message, (i * 37) % (8 * message.length)), signature],
        [pair.publicKey, message, flipBit(signatureRaw, (i * 41) % 256).toString('base64')], // R
        [pair.publicKey, message, flipBit(signatureRaw, 256 + ((i * 43) % 250)).toString('base64')], // S
        [flipBit(keyRaw, (i * 29) % 255).toString('base64'), message, signature],
        [pairs[(i + 1) % pairs.length].publicKey, message, signature],
      ];
      for (const [key, m, s] of altered) {
        expect(verifyBytes(key, m, s)).toBe(false);
        // OpenSSL may throw on a flipped key that decodes to no point: a refusal too.
        let theirs: boolean;
        try {
          theirs = openssl(key, m, s);
        } catch {
          theirs = false;
        }
        expect(theirs).toBe(false);
        checks++;
      }
    }
    expect(checks).toBe(60);
  });

  it('refuses S not reduced below the group order (S + L), as OpenSSL does', () => {
    const pair = pairs[0];
    const message = Buffer.from('a protocol');
    const signature = Buffer.from(signBytes(pair.privateKeyPem, message), 'base64');
    // L = 2^252 + 27742317777372353535851937790883648493, little-endian: S + L is the same scalar mod L.
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(signature[32 + i]);
    let sl = s + L;
    const high = Buffer.alloc(32);
    for (let i = 0; i < 32; i++, sl >>= 8n) high[i] = Number(sl & 0xffn);
    const malleated = Buffer.concat([signature.subarray(0, 32), high]).toString('base64');
    expect(verifyBytes(pair.publicKey, message, malleated)).toBe(false);
    expect(openssl(pair.publicKey, message, malleated)).toBe(false);
  });

  it('refuses the identity key, whose "signature" (R = identity, S = 0) OpenSSL accepts on any message', () => {
    const identity = Buffer.alloc(32);
    identity[0] = 1;
    const forged = Buffer.alloc(64);
    forged[0] = 1;
    const message = Buffer.from('{"votes":{"A":1000000}}');
    expect(openssl(identity.toString('base64'), message, forged.toString('base64'))).toBe(true);
    expect(verifyBytes(identity.toString('base64'), message, forged.toString('base64'))).toBe(false);
  });

  it('refuses keys and signatures of the wrong size or not in canonical base64, without asking libsodium', () => {
    const pair = pairs[1];
    const message = Buffer.from('x');
    const signature = signBytes(pair.privateKeyPem, message);
    expect(verifyBytes(pair.publicKey.slice(0, -4), message, signature)).toBe(false);
    expect(verifyBytes(`${pair.publicKey}AAAA`, message, signature)).toBe(false);
    expect(verifyBytes(pair.publicKey, message, signature.slice(0, -8))).toBe(false);
    expect(verifyBytes(pair.publicKey, message, '')).toBe(false);
    expect(verifyBytes(pair.publicKey, message, signature)).toBe(true);
  });
});

describe('publicKeyProblem: a key no signature could be checked under is refused where it is given', () => {
  const hex = (h: string) => Buffer.from(h, 'hex').toString('base64');
  // The points of small order, as libsodium's own list spells them, and y = p (a non-canonical 0).
  const degenerate: Record<string, string> = {
    identity: hex('01'.padEnd(64, '0')),
    'order 2 (y = -1)': hex('ec'.padEnd(62, 'f') + '7f'),
    'order 4 (y = 0)': hex('00'.repeat(32)),
    'order 4, sign bit set': hex('00'.repeat(31) + '80'),
    'order 8': hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'),
    'order 8, the other': hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'),
    'y = p, not canonical': hex('ed'.padEnd(62, 'f') + '7f'),
  };

  it('passes keys made as keys are', () => {
    for (let i = 0; i < 50; i++) expect(publicKeyProblem(generateEd25519KeyPair().publicKey)).toBeUndefined();
  });

  it.each(Object.entries(degenerate))('refuses %s', (_, key) => {
    expect(publicKeyProblem(key)).toMatch(/not a usable Ed25519 public key/);
  });

  it('refuses an honest key with a small-order part added (a point outside the prime-order group)', () => {
    const honest = Buffer.from(generateEd25519KeyPair().publicKey, 'base64');
    const torsioned = Buffer.alloc(32);
    crypto_core_ed25519_add(torsioned, honest, Buffer.from(degenerate['order 8'], 'base64'));
    expect(torsioned.equals(honest)).toBe(false);
    expect(publicKeyProblem(torsioned.toString('base64'))).toMatch(/not a usable Ed25519 public key/);
  });

  it('refuses bytes that are not a point at all, and text that is not 32 bytes of base64', () => {
    // About half of all 32-byte strings decode to no point (libsodium's add then throws): the first such here.
    const notAPoint = (bytes: Buffer) => {
      try {
        crypto_core_ed25519_add(Buffer.alloc(32), bytes, bytes);
        return false;
      } catch {
        return true;
      }
    };
    const offCurve = Array.from({ length: 64 }, (_, i) => Buffer.alloc(32, i + 2)).find(notAPoint);
    expect(offCurve).toBeDefined();
    expect(publicKeyProblem(offCurve!.toString('base64'))).toMatch(/not a usable Ed25519 public key/);
    expect(publicKeyProblem('AAAA')).toMatch(/32 bytes, base64/);
    expect(publicKeyProblem(`${generateEd25519KeyPair().publicKey}AAAA`)).toMatch(/32 bytes, base64/);
  });
});
