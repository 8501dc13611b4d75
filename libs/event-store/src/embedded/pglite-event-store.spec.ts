// The contract on the embedded engine (PGlite in memory), plus what only SQL engines promise.
import { eventStoreContract } from '../event-store.contract';
import { SqlEventStore } from '../sql/sql-event-store';
import { describeSchemaUpgrade } from '../testing/schema-upgrade.contract';
import { copyIntoTamperableStore } from '../testing/sql-tamper-copy';
import { createPgliteEventStore, newMemoryPglite } from './pglite-event-store';
import { PgliteExecutor } from './pglite-executor';

async function memoryExecutor(): Promise<PgliteExecutor> {
  return new PgliteExecutor(await newMemoryPglite());
}

eventStoreContract('embedded (PGlite in memory)', {
  open: () => createPgliteEventStore(),
  atomicBatches: true,
  tamperableCopy: async (store) => copyIntoTamperableStore(store, await memoryExecutor()),
});

describeSchemaUpgrade('embedded store', memoryExecutor);

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
    ['UPDATE', `UPDATE tally_events SET data = '{"votes": 2}'::json`],
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

describe('embedded store: subscriptions woken together share one read', () => {
  it('sends one query for subscriptions at the same checkpoint, and each still gets exactly its own categories', async () => {
    // No fallback poll within the test: every read here is a wake-up's.
    const store = await SqlEventStore.open(await memoryExecutor(), { ownsExecutor: true, pollIntervalMs: 600_000 });
    const seen = { all: [] as string[], precinct: [] as string[], election: [] as string[] };
    const caughtUp = new Set<string>();
    const follow = (name: keyof typeof seen, categories?: string[]) =>
      store.subscribe({
        ...(categories ? { filter: { categories } } : {}),
        onEvent: (e) => void seen[name].push(`${e.streamName}:${e.type}`),
        onCaughtUp: () => void caughtUp.add(name),
      });
    const handles = [follow('all'), follow('precinct', ['precinct']), follow('election', ['election'])];
    try {
      while (caughtUp.size < 3) await new Promise((resolve) => setTimeout(resolve, 5));
      const reads = jest.spyOn(store, 'readAll');
      await store.appendMany([
        { streamName: 'precinct-e1.p1', expectedRevision: 'no-stream', events: [{ id: '1b0e7a52-93f4-4c1e-9a37-5d3c0f6e2a11', type: 'P', data: {} }] },
        { streamName: 'election-e1', expectedRevision: 'no-stream', events: [{ id: '2c1f8b63-a405-4d2f-8b48-6e4d107f3b22', type: 'E', data: {} }] },
        { streamName: 'audit-e1', expectedRevision: 'no-stream', events: [{ id: '3d209c74-b516-4e30-9c59-7f5e21804c33', type: 'A', data: {} }] },
      ]);
      while (seen.all.length < 3 || seen.precinct.length < 1 || seen.election.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(seen).toEqual({ all: ['precinct-e1.p1:P', 'election-e1:E', 'audit-e1:A'], precinct: ['precinct-e1.p1:P'], election: ['election-e1:E'] });
      // The wake-up's read, shared by all three (a later read from the new checkpoint may follow).
      expect(reads.mock.calls[0][0]?.filter).toBeUndefined();
      expect(reads.mock.calls.filter(([options]) => options?.from === reads.mock.calls[0][0]?.from)).toHaveLength(1);
    } finally {
      await Promise.all(handles.map((h) => h.stop()));
      await store.close();
    }
  }, 60_000);
});
