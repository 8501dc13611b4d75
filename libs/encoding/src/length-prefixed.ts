// Length-prefixed fields: each field as a 4-byte big-endian byte length followed by its UTF-8
// bytes. Lengths, never separators, so no two different field lists encode alike by moving text
// from one field into the next (the Abraxas lesson). What commissions sign, what the hash chain
// hashes and what the log's tree heads sign are all built this way, from this one function.

/**
 * The fields, encoded, as one buffer: sized first, then each field written in place (a buffer per
 * field, a length buffer each and a concat, or a hash fed piece by piece, cost twice as much: the
 * recorder and the audit hash every event this way).
 */
export function encodeLengthPrefixed(fields: readonly string[]): Buffer {
  let size = 0;
  for (const field of fields) size += 4 + Buffer.byteLength(field, 'utf8');
  // Every byte is written below: the lengths and the fields cover the buffer exactly.
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const field of fields) {
    const written = out.write(field, at + 4, 'utf8');
    out.writeUInt32BE(written, at);
    at += 4 + written;
  }
  if (at !== size) throw new Error(`length-prefixed encoding wrote ${at} bytes of ${size}`);
  return out;
}
