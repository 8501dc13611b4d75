// The log's own Ed25519 key: given by the environment (TALLY_LOG_KEY, PKCS8 PEM), else kept in
// the log's directory, generated on first start. Key formats are @tally/signatures'.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { generateEd25519KeyPair, privateKeyFromPem, rawPublicKey } from '@tally/signatures';

export interface LogKey {
  readonly privateKey: KeyObject;
  /** Raw 32-byte public key, base64. */
  readonly publicKey: string;
  /** Where it came from, for the start-up log line. */
  readonly source: string;
}

export function loadLogKey(dir: string, pem: string | undefined): LogKey {
  if (pem !== undefined) {
    const privateKey = privateKeyFromPem(pem);
    return { privateKey, publicKey: rawPublicKey(createPublicKey(privateKey)), source: 'TALLY_LOG_KEY' };
  }
  const file = join(dir, 'log-key.pem');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    try {
      // 'wx': two processes starting on one directory must not each write a different key.
      writeFileSync(file, generateEd25519KeyPair().privateKeyPem, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const privateKey = privateKeyFromPem(readFileSync(file, 'utf8'));
  return { privateKey, publicKey: rawPublicKey(createPublicKey(privateKey)), source: file };
}
