// The monitor against a log served from memory: growth that keeps the history passes; a history
// rewritten at one leaf, a shrunk log or a forged head fails loudly with both heads and the leaf.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { leafHash, MerkleTree, signTreeHead, type SignedTreeHead } from '@tally/merkle-log';
import { generateEd25519KeyPair } from '@tally/signatures';
import type { CliIo } from '../cli.types';
import { runLogWatch, type WatchDeps } from './log-watch.command';
import { runReceiptVerify } from './receipt.command';

const key = generateEd25519KeyPair();
const privateKey = createPrivateKey(key.privateKeyPem);
const leaf = (i: number, variant = '') => leafHash(Buffer.from(`event ${i}${variant}`));

/** A log server in memory: its leaves, and the head it signs now. */
function server(leaves: Buffer[], forge?: (head: SignedTreeHead) => SignedTreeHead): WatchDeps {
  const tree = new MerkleTree();
  for (const l of leaves) tree.appendLeafHash(l);
  const signed = signTreeHead({ treeSize: tree.size, rootHash: tree.root().toString('hex'), timestamp: '2026-03-15T14:00:00.000Z' }, privateKey);
  const head = forge ? forge(signed) : signed;
  return {
    now: () => new Date('2026-03-15T14:00:05.000Z'),
    sleep: async () => undefined,
    fetchJson: async (url) => {
      const u = new URL(url);
      const n = (k: string) => Number(u.searchParams.get(k));
      switch (u.pathname) {
        case '/v1/log/key':
          return { algorithm: 'ed25519', publicKey: key.publicKey };
        case '/v1/log/heads/latest':
          return head;
        case '/v1/log/status':
          return { treeSize: tree.size, storeCheck: { state: 'consistent', leaves: tree.size } };
        case '/v1/log/proofs/consistency':
          return { consistencyPath: tree.consistencyProof(n('first'), n('second')).map((h) => h.toString('hex')) };
        case '/v1/log/leaves': {
          const from = n('from');
          return { leaves: leaves.slice(from, from + n('limit')).map((l, i) => ({ index: from + i, leafHash: l.toString('hex'), position: `1:${from + i + 1}` })) };
        }
        default:
          throw new Error(`${url} answered 404 Not Found`);
      }
    },
  };
}

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), readStdin: async () => '', readFile: async (p) => readFileSync(p, 'utf8') };
  return { cli, out: () => out.join(''), err: () => err.join('') };
};

describe('tally log watch', () => {
  let state: string;
  const leaves = Array.from({ length: 40 }, (_, i) => leaf(i));
  const watch = (deps: WatchDeps, o = io()) => runLogWatch({ server: 'http://log.test', state, once: true }, o.cli, deps).then((code) => ({ code, ...o }));

  beforeEach(() => {
    state = mkdtempSync(join(tmpdir(), 'tally-watch-'));
  });
  afterEach(() => rmSync(state, { recursive: true, force: true }));

  it('accepts a log that grows and keeps its history', async () => {
    expect(await watch(server(leaves.slice(0, 13)))).toMatchObject({ code: 0 });
    const grown = await watch(server(leaves.slice(0, 40)));
    expect(grown.code).toBe(0);
    expect(grown.out()).toContain('size 40 root');
    expect(grown.out()).toContain('(consistent with size 13)');
    expect(readFileSync(join(state, 'leaves.bin')).length).toBe(40 * 32);
  });

  it('fails on a history rewritten at one leaf, naming it, with both heads as evidence', async () => {
    await watch(server(leaves.slice(0, 13)));
    const rewritten = leaves.slice(0, 40).map((l, i) => (i === 5 ? leaf(5, ' rewritten') : l));
    const alarm = await watch(server(rewritten));
    expect(alarm.code).toBe(1);
    expect(alarm.err()).toContain('LOG INCONSISTENT: the head of size 40 is not consistent with the head of size 13');
    expect(alarm.err()).toContain('first bad leaf: 5 at position 1:6');
    const evidence = JSON.parse(readFileSync(join(state, readdirSync(state).find((f) => f.startsWith('evidence-'))!), 'utf8'));
    expect(evidence).toMatchObject({ previousHead: { treeSize: 13 }, currentHead: { treeSize: 40 }, firstBadLeaf: { index: 5 } });
    // The same size with another root is caught even without a proof.
    const same = await watch(server(rewritten.slice(0, 13)));
    expect(same.err()).toContain('two roots for the tree of size 13');
  });

  it('fails on a shrunk log and on a head the key did not sign', async () => {
    await watch(server(leaves.slice(0, 20)));
    expect((await watch(server(leaves.slice(0, 19)))).err()).toContain('the log shrank from 20 to 19 leaves');
    const forged = await watch(server(leaves.slice(0, 21), (h) => ({ ...h, treeSize: 22 })));
    expect(forged.code).toBe(1);
    expect(forged.err()).toContain("the head's signature does not verify");
  });
});

describe('tally receipt verify', () => {
  it('usage: a pending receipt and a missing file are bad input (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-receipt-'));
    try {
      const o = io();
      const pending = join(dir, 'pending.json');
      writeFileSync(pending, JSON.stringify({ state: 'recorded', receipt: { state: 'pending', message: 'not yet signed' } }));
      expect(await runReceiptVerify({ receipt: pending }, o.cli)).toBe(2);
      expect(o.err()).toContain('not a receipt yet: not yet signed');
      expect(await runReceiptVerify({ receipt: join(dir, 'absent.json') }, o.cli)).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
