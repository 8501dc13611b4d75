// A log's public key as a file holds it: the JSON `GET /v1/log/key` answers ({ publicKey, … }), or
// the raw 32-byte key in base64 on a line of its own.
import { publicKeyProblem, rawKeyBytes } from '@tally/signatures';

export function parseLogKeyFile(text: string): { ok: true; publicKey: string } | { ok: false; reason: string } {
  const trimmed = text.trim();
  let candidate: unknown = trimmed;
  if (trimmed.startsWith('{')) {
    try {
      candidate = (JSON.parse(trimmed) as { publicKey?: unknown }).publicKey;
    } catch {
      return { ok: false, reason: 'not JSON' };
    }
  }
  if (typeof candidate !== 'string' || !rawKeyBytes(candidate)) return { ok: false, reason: 'no Ed25519 public key (raw 32 bytes, base64, or the JSON of GET /v1/log/key)' };
  // A key nothing could be verified under would fail every receipt as a bad signature; say why once.
  const problem = publicKeyProblem(candidate);
  if (problem !== undefined) return { ok: false, reason: problem };
  return { ok: true, publicKey: candidate };
}
