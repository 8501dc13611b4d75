// The transparency log's cost and service (issue 12): the embedded record rate with the log on and
// off in the same run (the log follows the store in the same process, so it competes for the one
// PGlite connection and the event loop), inclusion proofs served over HTTP per second, the log's state on disk per event, and the tree's
// own append and proof rates without the store.
import { readdirSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { generateSyntheticElection } from '@tally/domain';
import { START_POSITION, type EventStore } from '@tally/event-store';
import { leafHash, MerkleTree } from '@tally/merkle-log';
import { withDemoKeys } from '@tally/signatures';
import { EVENT_STORE } from '../apps/tally-server/src/infrastructure/tokens';
import { LogService } from '../apps/tally-server/src/log/log.service';
import { syntheticSubmissions } from '../apps/tally-server/src/recorder/recorder.test-helper';
import type { BenchResult } from './bench.types';
import { autocannon } from './intake.bench';
import { runPipeline } from './pipeline.bench';

const PRECINCTS = 10_000; // × 2 contests = 20,000 protocols
const PROOF_REQUESTS = 20_000;
const TREE_LEAVES = 1_000_000;
const log = (line: string) => process.stderr.write(`log.bench: ${line}\n`);

async function storeSize(store: EventStore): Promise<number> {
  let n = 0;
  for (let from = START_POSITION; ; ) {
    const page = await store.readAll({ from, batchSize: 5000 });
    n += page.events.length;
    from = page.checkpoint;
    if (page.isEnd) return n;
  }
}

export default async function run(): Promise<BenchResult[]> {
  const definition = withDemoKeys(generateSyntheticElection({ seed: 2026, precincts: PRECINCTS }));
  const subs = syntheticSubmissions(definition, PRECINCTS * 2, { seed: 1 });
  const dirs = [mkdtempSync(join(tmpdir(), 'tally-bench-log-off-')), mkdtempSync(join(tmpdir(), 'tally-bench-log-on-'))];
  const results: BenchResult[] = [];
  try {
    log('embedded, log off');
    const off = await runPipeline({ TALLY_DATA_DIR: dirs[0], TALLY_LOG: 'off' }, definition, subs);
    log('embedded, log on');
    let leaves = 0;
    let proofs = { perSecond: NaN, note: '' };
    // On by name: a recorder-only process (runPipeline's roles) leaves the log off by default.
    const on = await runPipeline({ TALLY_DATA_DIR: dirs[1], TALLY_LOG: 'on' }, definition, subs, async (app: INestApplication) => {
      const service = app.get(LogService);
      const events = await storeSize(app.get<EventStore>(EVENT_STORE));
      await service.log.waitForSize(events);
      leaves = service.log.size;
      proofs = await serveProofs(app, leaves);
    });
    const stateBytes = readdirSync(join(dirs[1], 'log'))
      .filter((f) => f !== 'log-key.pem' && f !== 'lock')
      .reduce((sum, f) => sum + statSync(join(dirs[1], 'log', f)).size, 0);
    results.push(
      { name: 'log.record-rate-off', value: off.perSecond, unit: 'protocols/s', note: `TALLY_LOG=off; ${off.note}` },
      { name: 'log.record-rate-on', value: on.perSecond, unit: 'protocols/s', note: `the log following the store in the same process; ${on.note}` },
      { name: 'log.record-rate-ratio', value: on.perSecond / off.perSecond, unit: 'ratio', note: 'record rate with the log on / off, same run, same submissions' },
      { name: 'log.proofs-per-s', value: proofs.perSecond, unit: 'req/s', note: proofs.note },
      { name: 'log.state-bytes-per-event', value: stateBytes / leaves, unit: 'bytes', note: `leaves.bin (48 B per leaf) + checkpoint + heads.jsonl, ${stateBytes} bytes for ${leaves} events` },
    );
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  results.push(...treeAlone());
  return results;
}

/** GET /v1/log/proofs/inclusion for leaves spread over the tree, at the full size, with autocannon in this process. */
async function serveProofs(app: INestApplication, size: number): Promise<{ perSecond: number; note: string }> {
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  let next = 0;
  let bad = 0;
  const result = await autocannon({
    url,
    connections: 16,
    amount: PROOF_REQUESTS,
    headers: {},
    requests: [
      {
        method: 'GET',
        // A stride coprime to most sizes walks every part of the tree.
        setupRequest: (req) => ({ ...req, path: `/v1/log/proofs/inclusion?leafIndex=${(next++ * 7919) % size}&treeSize=${size}` }),
        onResponse: (status) => {
          if (status !== 200) bad++;
        },
      },
    ],
  });
  return { perSecond: result['2xx'] / result.duration, note: `${PROOF_REQUESTS} inclusion proofs in a tree of ${size}, 16 connections, autocannon in the same process${bad ? `; ${bad} not 200` : ''}` };
}

function treeAlone(): BenchResult[] {
  const tree = new MerkleTree();
  const leaf = Buffer.alloc(200, 7);
  let started = process.hrtime.bigint();
  for (let i = 0; i < TREE_LEAVES; i++) {
    leaf.writeUInt32BE(i, 0);
    tree.appendLeafHash(leafHash(leaf));
  }
  const appendMs = Number(process.hrtime.bigint() - started) / 1e6;
  started = process.hrtime.bigint();
  const PROOFS = 100_000;
  for (let i = 0; i < PROOFS; i++) {
    const size = TREE_LEAVES - (i % 1000);
    tree.inclusionProof((i * 7919) % size, size);
  }
  const proofMs = Number(process.hrtime.bigint() - started) / 1e6;
  return [
    { name: 'log.tree-append-rate', value: (TREE_LEAVES / appendMs) * 1000, unit: 'leaves/s', note: `${TREE_LEAVES} leaves of 200 B, leaf hash included, no store` },
    { name: 'log.tree-inclusion-proofs-per-s', value: (PROOFS / proofMs) * 1000, unit: 'proofs/s', note: `in process, trees of ~${TREE_LEAVES} leaves, sizes not powers of two` },
  ];
}
