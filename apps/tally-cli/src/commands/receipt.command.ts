// `tally receipt verify --receipt FILE [--key FILE]`: a receipt checked offline — the leaf hash
// recomputed from the event it carries, the head's signature under the log's key, and the leaf's
// inclusion path up to that head's root.
// FILE may be the receipt, or the whole status answer of GET /v1/submissions/{id} carrying it.
// Exit 0: verified; 1: it does not verify; 2: bad usage or input.
import type { Command } from 'commander';
import { verifyReceipt, type Receipt } from '@tally/merkle-log';
import { ExitCode, type CliCommand, type CliIo } from '../cli.types';
import { parseLogKeyFile } from '../log-key-file';

export interface ReceiptVerifyOptions {
  readonly receipt: string;
  readonly key?: string;
}

/** The receipt inside a status answer ({ receipt: { state, receipt } }), an answer ({ state, receipt }), or itself. */
function unwrap(value: unknown): unknown {
  let current = value;
  for (let i = 0; i < 2; i++) {
    if (typeof current !== 'object' || current === null || !('receipt' in current)) return current;
    const inner = (current as { receipt: unknown }).receipt;
    if (typeof inner === 'object' && inner !== null && (inner as { state?: unknown }).state === 'pending') return inner;
    current = inner;
  }
  return current;
}

export async function runReceiptVerify(options: ReceiptVerifyOptions, io: CliIo): Promise<ExitCode> {
  let receipt: unknown;
  try {
    receipt = unwrap(JSON.parse(await io.readFile(options.receipt)));
  } catch (error) {
    io.stderr(`tally receipt verify: --receipt: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.badInput;
  }
  if (typeof receipt === 'object' && receipt !== null && (receipt as { state?: unknown }).state === 'pending') {
    io.stderr(`tally receipt verify: --receipt: not a receipt yet: ${String((receipt as { message?: unknown }).message)}\n`);
    return ExitCode.badInput;
  }
  let publicKey: string;
  let keyNote = '';
  if (options.key !== undefined) {
    let text: string;
    try {
      text = await io.readFile(options.key);
    } catch (error) {
      io.stderr(`tally receipt verify: --key: ${error instanceof Error ? error.message : String(error)}\n`);
      return ExitCode.badInput;
    }
    const parsed = parseLogKeyFile(text);
    if (!parsed.ok) {
      io.stderr(`tally receipt verify: --key: ${parsed.reason}\n`);
      return ExitCode.badInput;
    }
    publicKey = parsed.publicKey;
  } else {
    const carried = (receipt as { logPublicKey?: unknown } | null)?.logPublicKey;
    if (typeof carried !== 'string') {
      io.stderr('tally receipt verify: --key: the receipt names no logPublicKey; give the log key (GET /v1/log/key) with --key\n');
      return ExitCode.badInput;
    }
    publicKey = carried;
    keyNote = ' (key taken from the receipt itself: pass --key with a key obtained elsewhere to trust it)';
  }
  const check = verifyReceipt(receipt, publicKey);
  if (!check.ok) {
    io.stdout(`FAILED (${check.problem}): ${check.reason}\n`);
    return check.problem === 'malformed' ? ExitCode.badInput : ExitCode.failure;
  }
  const r = receipt as Receipt;
  const submission = typeof r.event.data.submissionId === 'string' ? ` of submission ${r.event.data.submissionId}` : '';
  io.stdout(
    `VERIFIED: leaf ${r.leafIndex} ${r.leafHash} (${r.event.type}${submission}: ${r.event.streamName} revision ${r.event.revision}, position ${r.event.position}) is in the log's tree of size ${r.treeHead.treeSize}, root ${r.treeHead.rootHash}, signed at ${r.treeHead.timestamp} by key ${check.keyId}${keyNote}\n`,
  );
  return ExitCode.ok;
}

export const receiptCommand: CliCommand = {
  name: 'receipt',
  register(program: Command, io: CliIo, exit: (code: ExitCode) => void) {
    const receipt = program.command('receipt').description("a submission's receipt from the transparency log");
    receipt
      .command('verify')
      .description("check a receipt offline: the head's signature and the leaf's inclusion path (RFC 9162); exit 0 verified, 1 not")
      .requiredOption('--receipt <file>', 'the receipt (or the status answer of GET /v1/submissions/{id} carrying it)')
      .option('--key <file>', "the log's public key: GET /v1/log/key saved earlier, or the raw key in base64 (default: the one the receipt carries)")
      .action(async (options: ReceiptVerifyOptions) => exit(await runReceiptVerify(options, io)));
  },
};
