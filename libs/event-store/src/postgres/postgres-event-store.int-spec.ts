// The contract on real PostgreSQL (a fresh database per run), plus what only SQL engines promise.
import { Client } from 'pg';
import { ADMIN_DATABASE_URL, createTestDatabase, type TestDatabase } from '../../../../test/support/postgres';
import { eventStoreContract } from '../event-store.contract';
import type { EventStore } from '../event-store.port';
import { categoryFilter } from '../stream-names';
import { SupervisedSubscription } from '../supervised-subscription';
import { describeSchemaUpgrade } from '../testing/schema-upgrade.contract';
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

describeSchemaUpgrade('PostgreSQL store', async () => PgExecutor.fromUrl((await freshDatabase()).url, { max: 2 }));

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
    ['UPDATE', `UPDATE tally_events SET data = '{"votes": 2}'::json`],
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

describe('PostgreSQL store: a connection drop ends a subscription, and a supervised one recovers', () => {
  let db: TestDatabase;
  let store: EventStore;
  let adminClient: Client;
  const filter = categoryFilter('precinct');
  const eventId = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;

  beforeAll(async () => {
    db = await freshDatabase();
    store = await createPostgresEventStore({ connectionString: db.url });
    adminClient = new Client({ connectionString: ADMIN_DATABASE_URL });
    await adminClient.connect();
  });

  afterAll(async () => {
    await adminClient?.end();
    await store?.close();
  });

  /** Every connection of the test database, the LISTEN one and the pool's, is killed as a restart would. */
  const terminateBackends = () =>
    adminClient.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name]);

  /**
   * `work` again while it fails on a connection the server killed. An append is two statements,
   * each on whichever pooled client is free, and every idle client of the pool may be a dead one
   * (pg's pool holds up to 10): each failure drops one, so at most 11 tries are needed.
   */
  async function pastDeadClients<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (e) {
        if (attempt > 10 || !/terminat/i.test(String((e as Error).message))) throw e;
      }
    }
  }

  async function until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('a plain subscription fails when its LISTEN connection is killed (it does not poll on silently)', async () => {
    let caughtUp = false;
    const handle = store.subscribe({ filter, onEvent: () => undefined, onCaughtUp: () => (caughtUp = true) });
    await until(() => caughtUp, 'the first catch-up');
    await terminateBackends();
    const end = await handle.ended;
    expect(end.kind).toBe('failed');
    expect(end.kind === 'failed' && String((end.error as Error).message)).toMatch(/NOTIFY channel was lost|terminat/);
  });

  it('a supervised subscription resumes from its position and misses nothing appended meanwhile', async () => {
    const seen: number[] = [];
    const sub = new SupervisedSubscription(store, {
      name: 'int-spec',
      filter,
      backoff: { initialMs: 50, maxMs: 500 },
      onEvent: (e) => {
        seen.push((e.data as { n: number }).n);
      },
    });
    // The test before killed every connection: the pool may still hold dead idle ones (retried, as below).
    await pastDeadClients(() => store.append('precinct-s.p0', 'no-stream', [{ id: eventId(100), type: 'N', data: { n: 0 } }]));
    await until(() => seen.length === 1 && sub.status().state === 'running', 'the first event');
    await terminateBackends();
    await until(() => sub.status().restarts > 0, 'the supervisor to notice the drop');
    // The pool replaces its dead clients as it meets them; an append may meet one, so it is retried.
    for (let n = 1; n <= 5; n++) {
      await pastDeadClients(() => store.append(`precinct-s.p${n}`, 'no-stream', [{ id: eventId(100 + n), type: 'N', data: { n } }]));
    }
    await until(() => seen.length === 6, 'the events appended after the drop');
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    await until(() => sub.status().state === 'running', 'running again');
    expect(sub.status().lastError).not.toBeNull();
    await sub.stop();
  });
});
