// Base64 for snapshots, written out because the domain uses no platform buffers (Node's Buffer
// is not part of the pure library's contract). Standard alphabet, with padding.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ENCODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const DECODE = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();
const PAD = '='.charCodeAt(0);
const ASCII = new TextDecoder('latin1');

export function encodeBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = ENCODE[n >>> 18];
    out[o++] = ENCODE[(n >>> 12) & 63];
    out[o++] = ENCODE[(n >>> 6) & 63];
    out[o++] = ENCODE[n & 63];
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    out[o++] = ENCODE[n >>> 18];
    out[o++] = ENCODE[(n >>> 12) & 63];
    out[o++] = rest === 2 ? ENCODE[(n >>> 6) & 63] : PAD;
    out[o++] = PAD;
  }
  return ASCII.decode(out);
}

/** undefined if the text is not canonical padded base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  let pad = 0;
  if (text.length > 0 && text.charCodeAt(text.length - 1) === PAD) pad++;
  if (text.length > 1 && text.charCodeAt(text.length - 2) === PAD) pad++;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const code = text.charCodeAt(i + j);
      const isPad = code === PAD && i + j >= text.length - pad;
      const v = isPad ? 0 : code < 128 ? DECODE[code] : -1;
      if (v < 0) return undefined;
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = n >>> 16;
    if (o < out.length) out[o++] = (n >>> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
