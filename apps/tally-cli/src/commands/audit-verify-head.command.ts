// `tally audit verify --head FILE [--leaves FILE] [--key FILE]`: the store checked against a
// signed tree head saved earlier (by `tally log watch`, from a receipt, from GET
// /v1/log/heads/latest): the tree recomputed from the store's events must have the head's root at
// its size. With a mirror of the leaves (--leaves, or leaves.bin beside the head: what `tally log
// watch --state DIR` keeps) the first leaf that differs is named, with its event.
// Exit 0: the store matches; 1: it does not; 2: bad usage.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkStoreAgainstHead, LeafMirror, parseSignedTreeHead, verifyTreeHead, type HeadCheck } from '@tally/merkle-log';
import { ExitCode, type CliIo } from '../cli.types';
import { parseLogKeyFile } from '../log-key-file';
import { counted, withStore, type AuditDeps } from './audit-support';

export interface AuditVerifyHeadOptions {
  readonly head: string;
  readonly leaves?: string;
  readonly key?: string;
  readonly json?: boolean;
}

export async function runAuditVerifyHead(options: AuditVerifyHeadOptions, io: CliIo, deps: AuditDeps): Promise<ExitCode> {
  const usage = (message: string) => {
    io.stderr(`tally audit verify: ${message}\n`);
    return ExitCode.badInput;
  };
  let headValue: unknown;
  try {
    headValue = JSON.parse(readFileSync(options.head, 'utf8'));
  } catch (error) {
    return usage(`--head: ${error instanceof Error ? error.message : String(error)}`);
  }
  // A receipt carries its head: take it from there too.
  const candidate = typeof headValue === 'object' && headValue !== null && 'treeHead' in headValue ? (headValue as { treeHead: unknown }).treeHead : headValue;
  const parsed = parseSignedTreeHead(candidate);
  if (!parsed.ok) return usage(`--head: ${parsed.reason}`);
  const head = parsed.head;
  let signature = 'not checked (no --key)';
  if (options.key !== undefined) {
    let key;
    try {
      key = parseLogKeyFile(readFileSync(options.key, 'utf8'));
    } catch (error) {
      return usage(`--key: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!key.ok) return usage(`--key: ${key.reason}`);
    if (!verifyTreeHead(head, key.publicKey)) return usage("--head: its signature does not verify under --key: not the log's head");
    signature = 'verified';
  }
  const leavesFile = options.leaves ?? join(dirname(options.head), 'leaves.bin');
  let mirror: LeafMirror | undefined;
  if (options.leaves !== undefined || existsSync(leavesFile)) {
    try {
      mirror = new LeafMirror(readFileSync(leavesFile));
    } catch (error) {
      return usage(`--leaves: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const check = await withStore(deps, io, 'verify', (store) => checkStoreAgainstHead(store, head, mirror));
  if (!check) return ExitCode.failure;
  if (options.json) io.stdout(`${JSON.stringify({ head, signature, leaves: mirror ? leavesFile : null, ...check }, null, 2)}\n`);
  else io.stdout(formatHeadCheck(check, signature, mirror ? leavesFile : undefined));
  return check.ok ? ExitCode.ok : ExitCode.failure;
}

export function formatHeadCheck(check: HeadCheck, signature: string, leavesFile: string | undefined): string {
  if (check.ok) return `VERIFIED: over the store's first ${counted(check.treeSize, 'event')}, the root is the head's, ${check.rootHash} (head signature ${signature})\n`;
  const lines = [
    check.problem === 'store-too-short'
      ? `FAILED: the head covers ${counted(check.treeSize, 'event')}; the store holds only ${counted(check.leaves, 'event')}`
      : `FAILED: over the store's first ${counted(check.treeSize, 'event')}, the root is ${check.found}, not the head's root ${check.expected}`,
  ];
  const bad = check.firstBadLeaf;
  if (bad) lines.push(`  first bad leaf: ${bad.index} — ${bad.streamName} revision ${bad.revision}, position ${bad.position}, event ${bad.eventId}: logged ${bad.expected}, the store now gives ${bad.found}`);
  else lines.push(leavesFile ? `  every leaf in ${leavesFile} matches: what differs lies beyond the mirror` : '  give --leaves (a monitor\'s mirror: tally log watch --state DIR keeps DIR/leaves.bin) to name the first bad leaf');
  lines.push(`  head signature ${signature}`);
  return `${lines.join('\n')}\n`;
}
