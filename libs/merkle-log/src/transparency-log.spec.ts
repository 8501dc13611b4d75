// The log over a real (in-memory PGlite) store: leaves in global order, heads signed and kept,
// receipts that verify offline, and a restart that resumes from the files, not from scratch.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgliteEventStore, type EventStore } from '@tally/event-store';
import { generateEd25519KeyPair } from '@tally/signatures';
import { encodeTreeHead, LEAF_RECORD_BYTES, leafBytes, loadLogKey, storeTree, TransparencyLog, verifyConsistency, verifyReceipt, verifyTreeHead } from './index';

const append = (store: EventStore, stream: string, n: number) =>
  store.append(stream, 'no-stream', Array.from({ length: n }, (_, i) => ({ id: randomUUID(), type: 'Counted', data: { n: i } })));

describe('TransparencyLog', () => {
  let store: EventStore;
  let dir: string;
  const clock = () => new Date('2026-03-15T14:00:00.000Z');

  beforeAll(async () => {
    store = await createPgliteEventStore();
    dir = mkdtempSync(join(tmpdir(), 'tally-log-'));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes every event in, signs heads, answers receipts, and resumes from its files', async () => {
    const key = loadLogKey(join(dir, 'log'), undefined);
    expect(loadLogKey(join(dir, 'log'), undefined).publicKey).toBe(key.publicKey);
    const open = () => new TransparencyLog({ store, dir: join(dir, 'log'), privateKey: key.privateKey, publicKey: key.publicKey, headIntervalMs: 60_000, clock });
    await append(store, 'precinct-a', 3);
    const log = open();
    await log.start();
    await log.caughtUp;
    expect(log.size).toBe(3);
    const first = log.latestHead()!;
    expect(first).toMatchObject({ treeSize: 3, timestamp: '2026-03-15T14:00:00.000Z' });
    expect(verifyTreeHead(first, key.publicKey)).toBe(true);
    expect(verifyTreeHead({ ...first, treeSize: 4 }, key.publicKey)).toBe(false);
    expect(encodeTreeHead(first).subarray(0, 21).toString('latin1')).toBe('\0\0\0\x11tally-log-head-v1');

    const written = await append(store, 'precinct-b', 2);
    await log.waitForSize(5);
    const event = (await store.readStream('precinct-b'))[1];
    expect(log.receiptFor(event)).toMatchObject({ state: 'pending', leafIndex: 4 });
    const head = log.signNow()!;
    expect(head.treeSize).toBe(5);
    const answer = log.receiptFor(event);
    if (answer.state !== 'included') throw new Error('expected a receipt');
    expect(verifyReceipt(answer.receipt, key.publicKey)).toEqual({ ok: true, keyId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(verifyReceipt({ ...answer.receipt, leafIndex: 3 }, key.publicKey)).toMatchObject({ ok: false, problem: 'not-included' });
    expect(verifyReceipt({ ...answer.receipt, event: { ...answer.receipt.event, data: { n: 2 } } }, key.publicKey)).toMatchObject({ ok: false, problem: 'leaf-mismatch' });
    expect(verifyReceipt(answer.receipt, generateEd25519KeyPair().publicKey)).toMatchObject({ ok: false, problem: 'bad-head-signature' });
    expect(verifyConsistency({ first: 3, second: 5, firstHash: Buffer.from(first.rootHash, 'hex'), secondHash: Buffer.from(head.rootHash, 'hex'), path: log.consistencyProof(3, 5).map((h) => Buffer.from(h, 'hex')) })).toBe(true);
    await log.stop();
    expect(statSync(join(dir, 'log', 'leaves.bin')).size).toBe(5 * LEAF_RECORD_BYTES);

    // Restarted: the same tree and heads from the files, then what was appended meanwhile.
    await append(store, 'precinct-c', 1);
    const again = open();
    await again.start();
    await again.caughtUp;
    expect(again.size).toBe(6);
    expect(await again.storeChecked()).toEqual({ state: 'consistent', leaves: 5 });
    expect(again.rootHash(5)).toBe(head.rootHash);
    expect(again.headsPage(0, 10).heads.map((h) => h.treeSize)).toEqual([3, 5, 6]);
    expect(again.leaves(4, 1)).toEqual([{ index: 4, leafHash: answer.receipt.leafHash, position: written.position }]);
    await again.stop();

    // The auditor's recomputation from the store alone reaches the same root.
    expect(await storeTree(store, 5)).toEqual({ leaves: 5, rootHash: head.rootHash });
    expect(await storeTree(store, 7)).toEqual({ leaves: 6, rootHash: undefined });
  });

  it('one process writes a directory; files of another store are moved aside and the log rebuilt', async () => {
    const key = loadLogKey(join(dir, 'log'), undefined);
    const warnings: string[] = [];
    const logger = { log: () => undefined, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
    const open = (on: EventStore) => new TransparencyLog({ store: on, dir: join(dir, 'log'), privateKey: key.privateKey, publicKey: key.publicKey, headIntervalMs: 60_000, clock, logger });
    const holder = open(store);
    await holder.start();
    const guest = open(store);
    await guest.start();
    await guest.caughtUp;
    expect(warnings.join('\n')).toMatch(/keeps the log's files in .*: this process keeps its log in memory/);
    expect(guest.rootHash(guest.size)).toBe(holder.rootHash(holder.size));
    await guest.stop();
    await holder.stop();

    const other = await createPgliteEventStore();
    try {
      await append(other, 'precinct-z', 2);
      const log = open(other);
      await log.start();
      await log.caughtUp;
      expect(log.size).toBe(2);
      expect(log.headsPage(0, 10).heads.map((h) => h.treeSize)).toEqual([2]);
      expect(warnings.join('\n')).toMatch(/leaf 0 in .* the store's first event is .*: the log's files are moved aside \(\*\.other-store-/);
      expect(readdirSync(join(dir, 'log')).some((f) => f.startsWith('leaves.bin.other-store-'))).toBe(true);
      await log.stop();
    } finally {
      await other.close();
    }
  });

  it('leaf bytes: the documented fields, length-prefixed', () => {
    const bytes = leafBytes({ streamName: 's-1', revision: 2n, type: 'T', data: { b: 1, a: 'x' }, metadata: { contentHash: 'ab', previousHash: 'cd' } });
    const fields: string[] = [];
    for (let at = 0; at < bytes.length; ) {
      const length = bytes.readUInt32BE(at);
      fields.push(bytes.subarray(at + 4, at + 4 + length).toString('utf8'));
      at += 4 + length;
    }
    expect(fields).toEqual(['tally-log-leaf-v1', 's-1', '2', 'T', '{"a":"x","b":1}', 'ab']);
  });
});
