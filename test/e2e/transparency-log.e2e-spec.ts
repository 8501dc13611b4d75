// Issue 12 acceptance, on real PostgreSQL: a commission submits, waits for `recorded`, and its
// receipt verifies offline (`tally receipt verify`); a monitor (`tally log watch`) and an auditor
// holding a head (`tally audit verify --head`) agree with the store. Then a database superuser
// rewrites a recorded protocol and recomputes its stream's hash chain (which `verifyStore` can no
// longer see). Restarted on its intact files, the service itself reports the contradiction; with
// its files wiped (the operator's own attack) it signs heads that contradict the kept ones. Either
// way `tally log watch` and `tally audit verify --head` fail, naming the first bad leaf. Needs `npm run build` (the CLI runs as a child process).
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { ALMATY_2023_LIST_CONTEST, almatyCity2023Definition, almatyCity2023Protocols } from '@tally/domain';
import { contentHash, createPostgresEventStore, verifyStore, type JsonObject } from '@tally/event-store';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { expectProblem } from './support/intake-helpers';
import { signedProtocolBody } from './support/signing';
import { startTallyApp, type TallyTestApp } from './support/tally-app';
import { requireBuiltCli, tally } from './support/tally-cli';

jest.setTimeout(300_000);

const E = 'almaty-city-2023';
const protocols = almatyCity2023Protocols(almatyCity2023Definition()).filter((p) => p.contestId === ALMATY_2023_LIST_CONTEST);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('transparency log: receipts, monitors and a rewritten history (PostgreSQL)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let work: string;
  let t: TallyTestApp | undefined;
  let cliEnv: Record<string, string>;

  const start = async () => {
    t = await startTallyApp({
      listen: true,
      env: { EVENT_STORE: 'postgres', DATABASE_URL: db.url, TALLY_DATA_DIR: dataDir, TALLY_DEMO: 'true', TALLY_LOG_HEAD_INTERVAL_MS: '300' },
    });
    return t;
  };

  /** The status of a submission once its receipt is included (a head covering it is signed). */
  async function receiptOf(app: TallyTestApp, submissionId: string) {
    for (let i = 0; i < 100; i++) {
      const res = await request(app.server).get(`/v1/submissions/${submissionId}?wait=20s`).expect(200);
      if (res.body.receipt?.state === 'included') return res.body;
      await sleep(200);
    }
    throw new Error(`no receipt for ${submissionId}`);
  }

  beforeAll(async () => {
    requireBuiltCli();
    db = await createTestDatabase('tally_log');
    dataDir = mkdtempSync(join(tmpdir(), 'tally-log-data-'));
    work = mkdtempSync(join(tmpdir(), 'tally-log-work-'));
    cliEnv = { EVENT_STORE: 'postgres', DATABASE_URL: db.url };
  });

  afterAll(async () => {
    await t?.close();
    await db?.drop();
    for (const dir of [dataDir, work]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('submit → recorded → receipt verified; a rewritten protocol fails the monitor and the head check at its leaf', async () => {
    const app = await start();
    const ids: string[] = [];
    for (const p of protocols.slice(0, 3)) {
      const res = await request(app.server).post(`/v1/elections/${E}/precincts/${p.precinctId}/protocols`).send(signedProtocolBody(E, p.precinctId, p.protocol)).expect(202);
      ids.push(res.body.submissionId);
    }
    const first = await receiptOf(app, ids[0]);
    expect(first.state).toBe('recorded');
    const receipt = first.receipt.receipt;
    expect(receipt).toMatchObject({ scheme: 'tally-receipt-v1', event: { streamName: first.stream, revision: first.revision, position: first.position } });
    expect(receipt.leafHash).toMatch(/^[0-9a-f]{64}$/);

    // The commission keeps its receipt and the log key; both are checked offline.
    const keyFile = join(work, 'log-key.json');
    writeFileSync(keyFile, JSON.stringify((await request(app.server).get('/v1/log/key').expect(200)).body));
    const receiptFile = join(work, 'status.json');
    writeFileSync(receiptFile, JSON.stringify(first));
    const verified = await tally(['receipt', 'verify', '--receipt', receiptFile, '--key', keyFile]);
    expect(verified).toMatchObject({ code: 0, stderr: '' });
    expect(verified.stdout).toMatch(new RegExp(`^VERIFIED: leaf ${receipt.leafIndex} `));
    const forged = join(work, 'forged.json');
    writeFileSync(forged, JSON.stringify({ ...receipt, leafHash: receipt.inclusionPath[0] ?? '0'.repeat(64) }));
    expect((await tally(['receipt', 'verify', '--receipt', forged, '--key', keyFile])).code).toBe(1);

    // Bad query parameters: problem+json naming the field and the rule.
    const bad = expectProblem(await request(app.server).get('/v1/log/proofs/inclusion?leafIndex=x&treeSize=1'), 400, 'MALFORMED');
    expect(bad.field).toBe('leafIndex');
    const beyond = expectProblem(await request(app.server).get('/v1/log/proofs/consistency?first=3&second=2'), 400, 'MALFORMED');
    expect(beyond).toMatchObject({ field: 'first', message: 'first is from 1 to second' });

    // A monitor and an auditor see the same history as the store; every receipt is in.
    for (const id of ids.slice(1)) await receiptOf(app, id);
    const state = join(work, 'monitor');
    const watched = await tally(['log', 'watch', '--server', app.baseUrl!, '--state', state, '--once']);
    expect(watched).toMatchObject({ code: 0, stderr: '' });
    expect(watched.stdout).toMatch(/^OK .* size \d+ root [0-9a-f]{64} .*\(first head seen\)/);
    const head = JSON.parse(readFileSync(join(state, 'head.json'), 'utf8'));
    expect(head.treeSize).toBeGreaterThan(receipt.leafIndex);
    const clean = await tally(['audit', 'verify', '--head', join(state, 'head.json'), '--key', keyFile], cliEnv);
    expect(clean).toMatchObject({ code: 0, stderr: '' });
    expect(clean.stdout).toMatch(/^VERIFIED: over the store's first [\d,]+ events?, the root is the head's, [0-9a-f]{64} \(head signature verified\)/);

    // The superuser: stop the service, rewrite the first protocol's votes, recompute its stream's
    // chain, and have the service rebuild its log from the rewritten store (its state files gone,
    // its key kept: the same operator).
    await t!.close();
    t = undefined;
    const store = await createPostgresEventStore({ connectionString: db.url });
    const stream = await store.readStream(first.stream);
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    try {
      await sql.query('ALTER TABLE tally_events DISABLE TRIGGER USER');
      let previous = String(stream[0].metadata.previousHash);
      for (const event of stream) {
        const data = event.revision.toString() === first.revision ? rewriteVotes(event.data) : event.data;
        const metadata = { ...event.metadata, previousHash: previous, contentHash: contentHash({ ...event, data }, previous) };
        previous = metadata.contentHash;
        await sql.query('UPDATE tally_events SET data = $1, metadata = $2 WHERE stream_name = $3 AND stream_revision = $4', [data, metadata, event.streamName, event.revision.toString()]);
      }
      await sql.query('ALTER TABLE tally_events ENABLE TRIGGER USER');
    } finally {
      await sql.end();
    }
    // The stream's own chain no longer shows anything: that is the attack the log is for.
    expect(await verifyStore(store, { streamName: first.stream })).toMatchObject({ ok: true });
    await store.close();

    // Restarted on its intact files, the service reads the store against them and says so; the
    // monitor asks, and fails naming the leaf.
    const intact = await start();
    let status = (await request(intact.server).get('/v1/log/status').expect(200)).body;
    for (let i = 0; i < 100 && status.storeCheck.state === 'pending'; i++) {
      await sleep(200);
      status = (await request(intact.server).get('/v1/log/status').expect(200)).body;
    }
    expect(status.storeCheck).toMatchObject({ state: 'contradicted', firstBadLeaf: { index: receipt.leafIndex, streamName: first.stream, revision: first.revision, position: first.position } });
    const reported = await tally(['log', 'watch', '--server', intact.baseUrl!, '--state', state, '--once']);
    expect(reported.code).toBe(1);
    expect(reported.stderr).toContain(`LOG INCONSISTENT: the server reports: the store no longer holds what the log recorded: leaf ${receipt.leafIndex} (${first.stream} revision ${first.revision}`);
    expect(reported.stderr).toContain(`first bad leaf: ${receipt.leafIndex} at position ${first.position}`);
    await t!.close();
    t = undefined;

    // The operator's own attack: the log's files wiped too, so the service rebuilds its log from
    // the rewritten store and signs heads that contradict the ones outsiders kept.
    for (const file of ['leaves.bin', 'checkpoint.json', 'heads.jsonl']) unlinkSync(join(dataDir, 'log', file));
    const again = await start();
    for (let i = 0; i < 100 && !((await request(again.server).get('/v1/log/heads/latest')).body?.treeSize >= head.treeSize); i++) await sleep(200);

    const alarm = await tally(['log', 'watch', '--server', again.baseUrl!, '--state', state, '--once']);
    expect(alarm.code).toBe(1);
    expect(alarm.stderr).toContain('LOG INCONSISTENT');
    expect(alarm.stderr).toContain(`previous head: ${JSON.stringify(head)}`);
    expect(alarm.stderr).toContain(`first bad leaf: ${receipt.leafIndex} at position ${first.position}`);

    const audit = await tally(['audit', 'verify', '--head', join(state, 'head.json'), '--key', keyFile], cliEnv);
    expect(audit.code).toBe(1);
    expect(audit.stdout).toMatch(/^FAILED: over the store's first [\d,]+ events?, the root is [0-9a-f]{64}, not the head's root/);
    expect(audit.stdout).toContain(`first bad leaf: ${receipt.leafIndex} — ${first.stream} revision ${first.revision}, position ${first.position}`);

    // The receipt the commission kept still verifies: it proves what was recorded then.
    expect((await tally(['receipt', 'verify', '--receipt', receiptFile, '--key', keyFile])).code).toBe(0);
  });
});

/** The recorded protocol with ten votes moved from the first list to the second. */
function rewriteVotes(data: JsonObject): JsonObject {
  const protocol = data.protocol as { votes: Record<string, number> };
  const [a, b] = Object.keys(protocol.votes);
  return { ...data, protocol: { ...protocol, votes: { ...protocol.votes, [a]: protocol.votes[a] - 10, [b]: protocol.votes[b] + 10 } } };
}
