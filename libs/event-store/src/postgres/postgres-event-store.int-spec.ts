// The contract on real PostgreSQL (a fresh database per run), plus what only SQL engines promise.
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/postgres';
import { eventStoreContract } from '../event-store.contract';
import type { EventStore } from '../event-store.port';
import { copyIntoTamperableStore } from '../testing/sql-tamper-copy';
import { PgExecutor } from './pg-executor';
import { createPostgresEventStore } from './postgres-event-store';

const databases: TestDatabase[] = [];
async function freshDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  databases.push(db);
  return db;
}

afterAll(async () => {
  await Promise.all(databases.splice(0).map((db) => db.drop()));
});

eventStoreContract('PostgreSQL', {
  open: async () => createPostgresEventStore({ connectionString: (await freshDatabase()).url }),
  atomicBatches: true,
  tamperableCopy: async (store) => copyIntoTamperableStore(store, PgExecutor.fromUrl((await freshDatabase()).url, { max: 2 })),
});

describe('PostgreSQL store: the database itself keeps the log append-only', () => {
  let store: EventStore;
  let client: Client;

  beforeAll(async () => {
    const db = await freshDatabase();
    store = await createPostgresEventStore({ connectionString: db.url });
    await store.append('precinct-e1.p1', 'no-stream', [{ id: '0f8c1d4e-5b9a-4c3e-8d2f-1a2b3c4d5e6f', type: 'A', data: { votes: 1 } }]);
    client = new Client({ connectionString: db.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await store?.close();
  });

  it.each([
    ['UPDATE', `UPDATE tally_events SET data = '{"votes": 2}'::jsonb`],
    ['DELETE', 'DELETE FROM tally_events'],
    ['TRUNCATE', 'TRUNCATE tally_events'],
  ])('refuses %s', async (_op, sql) => {
    await expect(client.query(sql)).rejects.toThrow(/append-only/);
    expect(await store.readStream('precinct-e1.p1')).toHaveLength(1);
  });

  it('lets several processes migrate the same database concurrently', async () => {
    const db = await freshDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => createPostgresEventStore({ connectionString: db.url })));
    await stores[0].append('precinct-e1.p1', 'no-stream', [{ id: '1f8c1d4e-5b9a-4c3e-8d2f-1a2b3c4d5e6f', type: 'A', data: {} }]);
    expect(await stores[2].readStream('precinct-e1.p1')).toHaveLength(1);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('hides a slower transaction’s events until it commits, so readers never skip them', async () => {
    // Hold a transaction open that has already inserted (taking a lower global position).
    const before = await store.readAll({ filter: { categories: ['gap'] } });
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO tally_events (stream_name, stream_revision, event_id, event_type, data, metadata)
       VALUES ('gap-slow', 0, '2f8c1d4e-5b9a-4c3e-8d2f-1a2b3c4d5e6f', 'Slow', '{}', '{}')`,
    );
    await store.append('gap-fast', 'no-stream', [{ id: '3f8c1d4e-5b9a-4c3e-8d2f-1a2b3c4d5e6f', type: 'Fast', data: {} }]);
    const during = await store.readAll({ from: before.checkpoint, filter: { categories: ['gap'] } });
    // The fast event committed, but an older transaction is still running: nothing is visible yet.
    expect(during.events).toEqual([]);
    await client.query('COMMIT');
    const after = await store.readAll({ from: before.checkpoint, filter: { categories: ['gap'] } });
    expect(after.events.map((e) => e.type)).toEqual(['Slow', 'Fast']);
  });
});
