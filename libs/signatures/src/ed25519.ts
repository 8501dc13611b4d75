// Ed25519. Public keys travel as the raw 32 bytes in base64 (the election definition's format);
// private keys as PKCS8 PEM files. Nothing here reads a clock or a file.
//
// Signing and key handling are node:crypto's (OpenSSL). Verification is libsodium's
// (sodium-native), for two reasons, both measured: it takes the raw key as it is, so no KeyObject
// is made or cached per precinct key (a cache of 200,000 of them, ~1.1 KB each, warmed when an
// election loaded), and a check costs about 0.55 of OpenSSL's here (2,000–3,000 distinct keys:
// 48 against 80 µs a check on the pool, 67 against 118 inline; the audit bench reports both
// rates). Its rule is RFC 8032's cofactorless equation with stricter inputs: it also refuses a
// public key or an R that is of small order or not canonically encoded. So whatever
// Tally accepts verifies under any RFC 8032 verifier (OpenSSL's included); the converse fails only
// for such degenerate keys and signatures, which no honest signer produces
// (ed25519.spec.ts judges honest, altered and degenerate signatures by both).
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { crypto_core_ed25519_is_valid_point, crypto_sign_verify_detached } from 'sodium-native';

// DER prefix of an Ed25519 PKCS8 PrivateKeyInfo (RFC 8410): the raw 32-byte seed follows.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface Ed25519KeyPair {
  /** Raw 32-byte public key, base64: what the definition's `keys[].publicKey` holds. */
  readonly publicKey: string;
  /** PKCS8 PEM: what the commission keeps and `tally sign --key` reads. */
  readonly privateKeyPem: string;
}

/** The 32 bytes of a raw base64 public key; undefined when it is not exactly that (it verifies nothing). */
export function rawKeyBytes(publicKey: string): Buffer | undefined {
  const raw = Buffer.from(publicKey, 'base64');
  return raw.length === 32 && raw.toString('base64') === publicKey ? raw : undefined;
}

/**
 * Why no signature can ever be verified under this public key, or undefined for a usable one. A key
 * made as keys are (a secret scalar times the base point) is a canonically encoded point of the
 * curve's prime-order subgroup; libsodium's is_valid_point says exactly that. Anything else (the
 * identity, another point of small order, a point with a torsion part, a non-canonical encoding,
 * bytes off the curve) is refused where keys are given (definition, amendments), not met later as
 * every submission's BAD_SIGNATURE.
 */
export function publicKeyProblem(publicKey: string): string | undefined {
  const raw = rawKeyBytes(publicKey);
  if (raw === undefined) return 'not a raw Ed25519 public key (32 bytes, base64)';
  if (!crypto_core_ed25519_is_valid_point(raw)) {
    return 'not a usable Ed25519 public key: not a canonically encoded point of the prime-order group (small order, torsion or off the curve), so no signature would verify under it';
  }
  return undefined;
}

/** The bytes of a base64 signature; undefined unless 64 (Ed25519's size: anything else is not worth asking libsodium about). */
export function signatureBytes(signature: string): Buffer | undefined {
  const bytes = Buffer.from(signature, 'base64');
  return bytes.length === 64 ? bytes : undefined;
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
  const key = rawKeyBytes(publicKey);
  const bytes = signatureBytes(signature);
  return key !== undefined && bytes !== undefined && crypto_sign_verify_detached(bytes, message, key);
}
