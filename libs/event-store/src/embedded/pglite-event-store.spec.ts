// The contract on the embedded engine (PGlite in memory), plus what only SQL engines promise.
import type { PGlite } from '@electric-sql/pglite';
import { eventStoreContract } from '../event-store.contract';
import { SqlEventStore } from '../sql/sql-event-store';
import { copyIntoTamperableStore } from '../testing/sql-tamper-copy';
import { createPgliteEventStore, loadPglite } from './pglite-event-store';
import { PgliteExecutor } from './pglite-executor';

async function memoryExecutor(): Promise<PgliteExecutor> {
  const { PGlite } = loadPglite();
  const db: PGlite = new PGlite();
  await db.waitReady;
  return new PgliteExecutor(db);
}

eventStoreContract('embedded (PGlite in memory)', {
  open: () => createPgliteEventStore(),
  atomicBatches: true,
  tamperableCopy: async (store) => copyIntoTamperableStore(store, await memoryExecutor()),
});

describe('embedded store: the database itself keeps the log append-only', () => {
  let executor: PgliteExecutor;
  let store: SqlEventStore;

  beforeAll(async () => {
    executor = await memoryExecutor();
    store = await SqlEventStore.open(executor, { ownsExecutor: true });
    await store.append('precinct-e1.p1', 'no-stream', [{ id: '0f8c1d4e-5b9a-4c3e-8d2f-1a2b3c4d5e6f', type: 'A', data: { votes: 1 } }]);
  }, 60_000);

  afterAll(() => store.close());

  it.each([
    ['UPDATE', `UPDATE tally_events SET data = '{"votes": 2}'::jsonb`],
    ['DELETE', 'DELETE FROM tally_events'],
    ['TRUNCATE', 'TRUNCATE tally_events'],
  ])('refuses %s', async (_op, sql) => {
    await expect(executor.query(sql)).rejects.toThrow(/append-only/);
    expect(await store.readStream('precinct-e1.p1')).toHaveLength(1);
  });

  it('migrates idempotently when opened again on the same database', async () => {
    const again = await SqlEventStore.open(executor, { ownsExecutor: false });
    expect(await again.readStream('precinct-e1.p1')).toHaveLength(1);
    await again.close();
  });
});
