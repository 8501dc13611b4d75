// `tally log watch --server URL --state DIR [--once] [--interval SECONDS]`: a monitor of the
// transparency log. It keeps, in DIR, the log's key (key.json), the last head it verified
// (head.json) and a mirror of every leaf hash up to it (leaves.bin, 32 bytes each). Each new head:
// signed by the same key, never smaller, consistent with the last one (RFC 9162 consistency
// proof), and the mirror extended with the server's new leaves must hash to its root. Anything
// else is a loud failure — both heads as evidence (also written to DIR/evidence-*.json), and the
// first leaf the server now serves differently from the mirror — with exit 1. So is the server's own
// report (GET /v1/log/status) that its store no longer holds what its log recorded.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { MerkleTree, parseSignedTreeHead, verifyConsistency, verifyTreeHead, type LeafInfo, type SignedTreeHead } from '@tally/merkle-log';
import { ExitCode, type CliCommand, type CliIo } from '../cli.types';
import { fetchJson } from '../fetch-json';

export interface LogWatchOptions {
  readonly server: string;
  readonly state: string;
  readonly once?: boolean;
  readonly interval?: string;
}

export interface WatchDeps {
  readonly fetchJson: (url: string) => Promise<unknown>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
}

const processWatchDeps: WatchDeps = { fetchJson: (url) => fetchJson(url), sleep: (ms) => new Promise((r) => setTimeout(r, ms)), now: () => new Date() };

/** The first bad leaf as the server names it (its own start-up check of the store). */
interface ReportedLeaf {
  readonly index: number;
  readonly streamName: string;
  readonly revision: string;
  readonly position: string;
  readonly expected: string;
  readonly found: string;
}

class Inconsistency extends Error {
  constructor(
    readonly reason: string,
    readonly evidence: { readonly previous?: SignedTreeHead; readonly current: SignedTreeHead },
    readonly reported?: ReportedLeaf,
  ) {
    super(reason);
  }
}

interface WatchState {
  publicKey: string | undefined;
  head: SignedTreeHead | undefined;
  mirror: Buffer;
}

function loadState(dir: string): WatchState {
  mkdirSync(dir, { recursive: true });
  const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name)) : undefined);
  const key = read('key.json');
  const head = read('head.json');
  const parsedHead = head ? parseSignedTreeHead(JSON.parse(head.toString('utf8'))) : undefined;
  if (parsedHead && !parsedHead.ok) throw new Error(`${join(dir, 'head.json')}: ${parsedHead.reason}`);
  const mirror = read('leaves.bin') ?? Buffer.alloc(0);
  return {
    publicKey: key ? (JSON.parse(key.toString('utf8')) as { publicKey: string }).publicKey : undefined,
    head: parsedHead?.ok ? parsedHead.head : undefined,
    // Only what the kept head vouches for: a tail written before a crash is fetched again.
    mirror: mirror.subarray(0, Math.min(mirror.length, (parsedHead?.ok ? parsedHead.head.treeSize : 0) * 32)),
  };
}

async function allLeaves(deps: WatchDeps, server: string, from: number, to: number): Promise<LeafInfo[]> {
  const out: LeafInfo[] = [];
  while (from + out.length < to) {
    const page = (await deps.fetchJson(new URL(`/v1/log/leaves?from=${from + out.length}&limit=1000`, server).href)) as { leaves: LeafInfo[] };
    if (page.leaves.length === 0) break;
    out.push(...page.leaves.slice(0, to - from - out.length));
  }
  return out;
}

/** One look at the server: verifies its latest head against the state and moves the state forward. */
async function poll(options: LogWatchOptions, io: CliIo, deps: WatchDeps, state: WatchState): Promise<void> {
  const key = (await deps.fetchJson(new URL('/v1/log/key', options.server).href)) as { publicKey?: unknown };
  if (typeof key.publicKey !== 'string') throw new Error('GET /v1/log/key answered no publicKey');
  if (state.publicKey === undefined) {
    state.publicKey = key.publicKey;
    writeFileSync(join(options.state, 'key.json'), `${JSON.stringify(key)}\n`);
  }
  let latest: unknown;
  try {
    latest = await deps.fetchJson(new URL('/v1/log/heads/latest', options.server).href);
  } catch (error) {
    if (error instanceof Error && / 404 /.test(error.message)) return void io.stdout('no signed head yet\n');
    throw error;
  }
  const parsed = parseSignedTreeHead(latest);
  if (!parsed.ok) throw new Error(`GET /v1/log/heads/latest: ${parsed.reason}`);
  const head = parsed.head;
  const previous = state.head;
  if (key.publicKey !== state.publicKey) throw new Inconsistency(`the log's key changed from ${state.publicKey} to ${key.publicKey}`, { previous, current: head });
  if (!verifyTreeHead(head, state.publicKey)) throw new Inconsistency("the head's signature does not verify under the log's key", { previous, current: head });
  // The service's own check of the store against the leaves it kept (a rewrite while it was down).
  const status = (await deps.fetchJson(new URL('/v1/log/status', options.server).href)) as { storeCheck?: { state?: string; reason?: string; firstBadLeaf?: ReportedLeaf } };
  if (status.storeCheck?.state === 'contradicted') {
    throw new Inconsistency(`the server reports: ${status.storeCheck.reason ?? 'its store contradicts its log'}`, { previous, current: head }, status.storeCheck.firstBadLeaf);
  }
  if (previous) {
    if (head.treeSize < previous.treeSize) throw new Inconsistency(`the log shrank from ${previous.treeSize} to ${head.treeSize} leaves`, { previous, current: head });
    if (head.treeSize === previous.treeSize && head.rootHash !== previous.rootHash) {
      throw new Inconsistency(`two roots for the tree of size ${head.treeSize}`, { previous, current: head });
    }
    // From the empty tree every tree is consistent: RFC 9162 proofs start at size 1.
    if (head.treeSize > previous.treeSize && previous.treeSize > 0) {
      const proof = (await deps.fetchJson(new URL(`/v1/log/proofs/consistency?first=${previous.treeSize}&second=${head.treeSize}`, options.server).href)) as { consistencyPath?: unknown };
      const path = Array.isArray(proof.consistencyPath) ? proof.consistencyPath.map((h) => Buffer.from(String(h), 'hex')) : [];
      const consistent = verifyConsistency({ first: previous.treeSize, second: head.treeSize, firstHash: Buffer.from(previous.rootHash, 'hex'), secondHash: Buffer.from(head.rootHash, 'hex'), path });
      if (!consistent) throw new Inconsistency(`the head of size ${head.treeSize} is not consistent with the head of size ${previous.treeSize} (RFC 9162 consistency proof fails)`, { previous, current: head });
    }
  }
  // The mirror, extended by the server's new leaves, must hash to the new root.
  const mirrored = state.mirror.length / 32;
  const fresh = await allLeaves(deps, options.server, mirrored, head.treeSize);
  const mirror = Buffer.concat([state.mirror, ...fresh.map((l) => Buffer.from(l.leafHash, 'hex'))]);
  const tree = new MerkleTree();
  for (let i = 0; i < mirror.length / 32; i++) tree.appendLeafHash(mirror.subarray(i * 32, (i + 1) * 32));
  if (tree.size !== head.treeSize || tree.root().toString('hex') !== head.rootHash) {
    throw new Inconsistency(`the leaves the server serves do not hash to the head of size ${head.treeSize}`, { previous, current: head });
  }
  appendFileSync(join(options.state, 'leaves.bin'), mirror.subarray(state.mirror.length));
  writeFileSync(join(options.state, 'head.json'), `${JSON.stringify(head)}\n`);
  state.mirror = mirror;
  state.head = head;
  io.stdout(`OK ${deps.now().toISOString()} size ${head.treeSize} root ${head.rootHash} signed ${head.timestamp}${previous ? ` (consistent with size ${previous.treeSize})` : ' (first head seen)'}\n`);
}

/** The first leaf the server serves now that differs from the mirror, if any. */
async function firstChangedLeaf(options: LogWatchOptions, deps: WatchDeps, state: WatchState): Promise<{ index: number; kept: string; served: string; position: string } | undefined> {
  const size = state.mirror.length / 32;
  for (let from = 0; from < size; from += 1000) {
    const served = await allLeaves(deps, options.server, from, Math.min(size, from + 1000));
    for (const leaf of served) {
      const kept = state.mirror.subarray(leaf.index * 32, (leaf.index + 1) * 32).toString('hex');
      if (kept !== leaf.leafHash) return { index: leaf.index, kept, served: leaf.leafHash, position: leaf.position };
    }
    if (served.length === 0) return undefined;
  }
  return undefined;
}

export async function runLogWatch(options: LogWatchOptions, io: CliIo, deps: WatchDeps = processWatchDeps): Promise<ExitCode> {
  const seconds = options.interval === undefined ? 10 : Number(options.interval);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3600) {
    io.stderr('tally log watch: --interval: seconds between looks, from 1 to 3600\n');
    return ExitCode.badInput;
  }
  try {
    new URL(options.server);
  } catch {
    io.stderr(`tally log watch: --server: not a URL: ${options.server}\n`);
    return ExitCode.badInput;
  }
  let state: WatchState;
  try {
    state = loadState(options.state);
  } catch (error) {
    io.stderr(`tally log watch: --state: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.badInput;
  }
  for (;;) {
    try {
      await poll(options, io, deps, state);
    } catch (error) {
      if (!(error instanceof Inconsistency)) {
        io.stderr(`tally log watch: ${error instanceof Error ? error.message : String(error)}\n`);
        if (options.once) return ExitCode.failure;
        await deps.sleep(seconds * 1000);
        continue;
      }
      const changed = error.reported
        ? { index: error.reported.index, kept: error.reported.expected, served: error.reported.found, position: error.reported.position }
        : await firstChangedLeaf(options, deps, state).catch(() => undefined);
      const evidence = { reason: error.reason, server: options.server, observedAt: deps.now().toISOString(), previousHead: error.evidence.previous ?? null, currentHead: error.evidence.current, firstBadLeaf: changed ?? null };
      const file = join(options.state, `evidence-${evidence.observedAt.replace(/[:.]/g, '-')}.json`);
      writeFileSync(file, `${JSON.stringify(evidence, null, 2)}\n`);
      io.stderr(
        [
          `LOG INCONSISTENT: ${error.reason}`,
          `  previous head: ${JSON.stringify(error.evidence.previous ?? null)}`,
          `  current head:  ${JSON.stringify(error.evidence.current)}`,
          changed
            ? `  first bad leaf: ${changed.index} at position ${changed.position}: kept ${changed.kept}, now ${error.reported ? `in the store ${changed.served} (${error.reported.streamName} revision ${error.reported.revision})` : `served ${changed.served}`}`
            : '  first bad leaf: none of the mirrored leaves is served differently',
          `  evidence: ${file}`,
          '',
        ].join('\n'),
      );
      return ExitCode.failure;
    }
    if (options.once) return ExitCode.ok;
    await deps.sleep(seconds * 1000);
  }
}

export const logCommand: CliCommand = {
  name: 'log',
  register(program: Command, io: CliIo, exit: (code: ExitCode) => void) {
    const log = program.command('log').description('the transparency log');
    log
      .command('watch')
      .description("monitor a server's log: each new head signed, consistent with the last one kept, and its leaves hashing to it; exit 1 on any inconsistency")
      .requiredOption('--server <url>', 'the Tally server')
      .requiredOption('--state <dir>', 'where the last head, the key and the mirror of the leaves are kept between runs')
      .option('--once', 'look once and exit (0: consistent)')
      .option('--interval <seconds>', 'seconds between looks (default 10)')
      .action(async (options: LogWatchOptions) => exit(await runLogWatch(options, io)));
  },
};
