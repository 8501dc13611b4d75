// Event-store throughput on PostgreSQL (a fresh database) and embedded PGlite (in memory):
// appends with 1 and 100 events per append, and a full read of the store in global order.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createPgliteEventStore, createPostgresEventStore, START_POSITION, streams, type EventStore, type EventToAppend } from '@tally/event-store';
import { createTestDatabase } from '../test/support/postgres';
import type { BenchResult } from './bench.types';

const SINGLE_APPENDS = 1500;
const BATCH_APPENDS = 150;
const EVENTS_PER_BATCH = 100;

function protocolEvent(i: number): EventToAppend {
  return {
    id: randomUUID(),
    type: 'ProtocolRecorded',
    data: { contestId: 'maslihat', version: 1, votes: { amanat: 151531 + i, peoples: 38563, respublica: 38369, againstAll: 16490 }, invalid: 312 },
    metadata: { submissionId: randomUUID() },
  };
}

async function measure(engine: string, store: EventStore): Promise<BenchResult[]> {
  const single = streams.precinct('bench', 'single');
  let t = performance.now();
  for (let i = 0; i < SINGLE_APPENDS; i++) await store.append(single, i === 0 ? 'no-stream' : BigInt(i - 1), [protocolEvent(i)]);
  const singleRate = SINGLE_APPENDS / ((performance.now() - t) / 1000);

  t = performance.now();
  for (let b = 0; b < BATCH_APPENDS; b++) {
    await store.append(streams.precinct('bench', `batch${b}`), 'no-stream', Array.from({ length: EVENTS_PER_BATCH }, (_, i) => protocolEvent(i)));
  }
  const batchRate = (BATCH_APPENDS * EVENTS_PER_BATCH) / ((performance.now() - t) / 1000);

  t = performance.now();
  let read = 0;
  for (let from = START_POSITION; ; ) {
    const page = await store.readAll({ from, batchSize: 1000 });
    read += page.events.length;
    from = page.checkpoint;
    if (page.isEnd) break;
  }
  const readRate = read / ((performance.now() - t) / 1000);

  return [
    { name: `event-store ${engine}: append, 1 event per append`, value: Math.round(singleRate), unit: 'events/s', note: `${SINGLE_APPENDS} sequential appends, one stream, exact revisions` },
    { name: `event-store ${engine}: append, 100 events per append`, value: Math.round(batchRate), unit: 'events/s', note: `${BATCH_APPENDS} appends to new streams` },
    { name: `event-store ${engine}: full read in global order`, value: Math.round(readRate), unit: 'events/s', note: `${read} events, batches of 1000` },
  ];
}

export default async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const db = await createTestDatabase('tally_bench');
  try {
    const pg = await createPostgresEventStore({ connectionString: db.url });
    try {
      results.push(...(await measure('postgres', pg)));
    } finally {
      await pg.close();
    }
  } finally {
    await db.drop();
  }
  const pglite = await createPgliteEventStore();
  try {
    results.push(...(await measure('pglite', pglite)));
  } finally {
    await pglite.close();
  }
  return results;
}
