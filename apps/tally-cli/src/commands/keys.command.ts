// `tally keys`: a new Ed25519 key pair for a commission. The public key is printed in the election
// definition's format ({ keyId, publicKey }) to paste into `commissions[].keys`; the private key
// is written as a PKCS8 PEM file readable by its owner only, and never overwrites an existing one.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateEd25519KeyPair } from '@tally/signatures';
import type { Command } from 'commander';
import { ExitCode, type CliCommand, type CliIo } from '../cli.types';

export interface KeysOptions {
  readonly commission: string;
  readonly keyId?: string;
  readonly out: string;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** Files are written with node:fs here (the CLI's I/O interface only reads). */
export async function runKeys(options: KeysOptions, io: CliIo): Promise<ExitCode> {
  const pair = generateEd25519KeyPair();
  const keyId = options.keyId ?? `${options.commission}-${createHash('sha256').update(pair.publicKey).digest('hex').slice(0, 8)}`;
  for (const [field, value] of [['--commission', options.commission], ['--key-id', keyId]] as const) {
    if (!ID.test(value)) {
      io.stderr(`tally keys: invalid input\n  ${field}: letters, digits, "_", ".", ":" and "-", at most 128 characters\n`);
      return ExitCode.badInput;
    }
  }
  const file = join(options.out, `${keyId}.key.pem`);
  try {
    await mkdir(options.out, { recursive: true });
    await writeFile(file, pair.privateKeyPem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    io.stderr(`tally keys: ${exists ? `${file} exists; a private key is never overwritten` : `cannot write ${file}: ${(error as Error).message}`}\n`);
    return exists ? ExitCode.badInput : ExitCode.failure;
  }
  io.stdout(JSON.stringify({ keyId, publicKey: pair.publicKey }) + '\n');
  io.stderr(`tally keys: private key written to ${file} (keep it secret); add the line above to commission ${options.commission}'s "keys" in the election definition\n`);
  return ExitCode.ok;
}

export const keysCommand: CliCommand = {
  name: 'keys',
  register(program: Command, io: CliIo, exit: (code: ExitCode) => void) {
    program
      .command('keys')
      .description("create a commission's Ed25519 key pair: prints { keyId, publicKey } for the definition, writes <keyId>.key.pem")
      .requiredOption('-c, --commission <id>', 'the commission the key is for')
      .option('-k, --key-id <id>', 'the key id (default: <commission>-<first 8 hex of the public key hash>)')
      .option('-o, --out <dir>', 'directory for the private key file', '.')
      .action(async (options: KeysOptions) => exit(await runKeys(options, io)));
  },
};
