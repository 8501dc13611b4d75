// The public API of @tally/encoding: the byte encodings everything signed or hashed is built from.
export { canonicalJson, canonicallyEqual } from './canonical-json';
export { encodeLengthPrefixed } from './length-prefixed';
