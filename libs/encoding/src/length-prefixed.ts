// Length-prefixed fields: each field as a 4-byte big-endian byte length followed by its UTF-8
// bytes. Lengths, never separators, so no two different field lists encode alike by moving text
// from one field into the next (the Abraxas lesson). What commissions sign, what the hash chain
// hashes and what the log's tree heads sign are all built this way, from this one function.

/** The fields, encoded, as one buffer. */
export function encodeLengthPrefixed(fields: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const field of fields) {
    const bytes = Buffer.from(field, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length, 0);
    parts.push(length, bytes);
  }
  return Buffer.concat(parts);
}

/** Feeds the same encoding to `update` piece by piece (a hash), without building one buffer. */
export function updateLengthPrefixed(update: (chunk: Buffer) => void, fields: readonly string[]): void {
  for (const field of fields) {
    const bytes = Buffer.from(field, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length, 0);
    update(length);
    update(bytes);
  }
}
