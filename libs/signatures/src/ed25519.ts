// Ed25519 through node:crypto. Public keys travel as the raw 32 bytes in base64 (the election
// definition's format); private keys as PKCS8 PEM files. Nothing here reads a clock or a file.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

// DER prefix of an Ed25519 PKCS8 PrivateKeyInfo (RFC 8410): the raw 32-byte seed follows.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface Ed25519KeyPair {
  /** Raw 32-byte public key, base64: what the definition's `keys[].publicKey` holds. */
  readonly publicKey: string;
  /** PKCS8 PEM: what the commission keeps and `tally sign --key` reads. */
  readonly privateKeyPem: string;
}

/**
 * KeyObjects by raw public key. On election night nearly every request brings a precinct key not
 * seen yet (a precinct posts a handful of protocols), so making one was on almost every request's
 * path (9% of intake's busy time, profiled, when it was imported from DER): the keys of a loaded
 * election are made ahead (warmPublicKeys), not on the request path.
 * Bounded: about 1.1 KB each (measured), so at most ~220 MB; past the bound the oldest goes.
 */
export const PUBLIC_KEY_CACHE_LIMIT = 200_000;
const publicKeyCache = new Map<string, KeyObject>();

/** The KeyObject of a raw base64 public key; undefined when it is not 32 bytes. Cached: verification is hot. */
export function publicKeyFromRaw(publicKey: string): KeyObject | undefined {
  const cached = publicKeyCache.get(publicKey);
  if (cached) return cached;
  const raw = rawKeyBytes(publicKey);
  if (!raw) return undefined;
  // As a JWK, not DER: OpenSSL 3's DER decoder made this import ~7× slower than the raw-key path
  // the JWK import takes (measured 135 µs vs 18 µs a key), and an audit meets each precinct's key
  // about twice, so the import was a third of verify's time.
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  if (publicKeyCache.size >= PUBLIC_KEY_CACHE_LIMIT) publicKeyCache.delete(publicKeyCache.keys().next().value as string);
  publicKeyCache.set(publicKey, key);
  return key;
}

/** The 32 bytes of a raw base64 public key; undefined when it is not exactly that (it verifies nothing). */
export function rawKeyBytes(publicKey: string): Buffer | undefined {
  const raw = Buffer.from(publicKey, 'base64');
  return raw.length === 32 && raw.toString('base64') === publicKey ? raw : undefined;
}

/** The bytes of a base64 signature; undefined unless 64 (Ed25519's size: anything else is not worth asking OpenSSL about). */
export function signatureBytes(signature: string): Buffer | undefined {
  const bytes = Buffer.from(signature, 'base64');
  return bytes.length === 64 ? bytes : undefined;
}

/** Whether the key's KeyObject is made already (for tests and the warm-up's own bound). */
export const isPublicKeyCached = (publicKey: string): boolean => publicKeyCache.has(publicKey);

/**
 * Makes the KeyObjects of `publicKeys` ahead of their first verification, a slice at a time so the
 * event loop keeps answering meanwhile, and stops once the cache is full (a larger election then
 * makes the rest on first use). Resolves with how many it made.
 */
export async function warmPublicKeys(publicKeys: Iterable<string>, slice = 500): Promise<number> {
  let made = 0;
  let inSlice = 0;
  for (const publicKey of publicKeys) {
    if (publicKeyCache.size >= PUBLIC_KEY_CACHE_LIMIT) break;
    if (publicKeyCache.has(publicKey)) continue;
    if (publicKeyFromRaw(publicKey)) made++;
    if (++inSlice >= slice) {
      inSlice = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return made;
}

export function rawPublicKey(key: KeyObject): string {
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32).toString('base64');
}

export function generateEd25519KeyPair(): Ed25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey: rawPublicKey(publicKey), privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

/** The key pair whose private key is the given 32-byte seed. */
export function keyPairFromSeed(seed: Buffer): Ed25519KeyPair {
  if (seed.length !== 32) throw new TypeError('an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return { publicKey: rawPublicKey(createPublicKey(privateKey)), privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

/** Reads a PKCS8 PEM private key; throws a TypeError naming the problem when it is not Ed25519. */
export function privateKeyFromPem(pem: string): KeyObject {
  const key = createPrivateKey({ key: pem, format: 'pem' });
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`not an Ed25519 key (${key.asymmetricKeyType ?? 'unknown type'})`);
  return key;
}

export function signBytes(privateKey: KeyObject | string, message: Buffer): string {
  const key = typeof privateKey === 'string' ? privateKeyFromPem(privateKey) : privateKey;
  return sign(null, message, key).toString('base64');
}

export function verifyBytes(publicKey: string, message: Buffer, signature: string): boolean {
  const key = publicKeyFromRaw(publicKey);
  if (!key) return false;
  const bytes = signatureBytes(signature);
  return bytes !== undefined && verify(null, message, key, bytes);
}
