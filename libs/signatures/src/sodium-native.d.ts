// The one function of sodium-native (which ships no types) that Tally calls: libsodium's
// crypto_sign_verify_detached. True when `signature` (64 bytes) is `publicKey`'s (32 bytes,
// raw) Ed25519 signature of `message`; it throws only on wrong buffer sizes.
declare module 'sodium-native' {
  export function crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}
