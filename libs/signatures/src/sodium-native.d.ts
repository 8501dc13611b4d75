// The functions of sodium-native (which ships no types) that Tally calls. crypto_sign_verify_detached:
// true when `signature` (64 bytes) is `publicKey`'s (32 bytes, raw) Ed25519 signature of `message`;
// it throws only on wrong buffer sizes. crypto_core_ed25519_is_valid_point: true when the 32 bytes
// are a canonical encoding of a point of the prime-order subgroup, not of small order.
declare module 'sodium-native' {
  export function crypto_core_ed25519_is_valid_point(point: Uint8Array): boolean;
  /** Used by the spec only, to build a key outside the prime-order group. */
  export function crypto_core_ed25519_add(sum: Uint8Array, p: Uint8Array, q: Uint8Array): void;
  export function crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}
