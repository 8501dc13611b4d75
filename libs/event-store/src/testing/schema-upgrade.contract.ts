// Test support: a store written under schema version 1 (data and metadata as jsonb) opens under
// the current schema, its events read back equal and its hash chain intact. Both SQL engines run
// it (pglite-event-store.spec.ts, postgres-event-store.int-spec.ts); `.contract.ts`: the build leaves it out, as it does the store contract.
import { verifyStore } from '../hash-chain';
import { SqlEventStore } from '../sql/sql-event-store';
import type { SqlExecutor } from '../sql/sql-executor';
import { readEverything } from './read-everything';

// Pages of two: the upgraded store is read across page boundaries too.
const PAGE = 2;

const columnTypes = async (sql: SqlExecutor): Promise<Record<string, string>> =>
  Object.fromEntries(
    (await sql.query<{ name: string; type: string }>(
      `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = 'tally_events' AND column_name IN ('data', 'metadata')`,
    )).map((r) => [r.name, r.type]),
  );

/** Turns a current store back into what version 1 wrote: jsonb columns, version 2 not applied. */
async function downgradeToVersion1(sql: SqlExecutor): Promise<void> {
  await sql.query(`ALTER TABLE tally_events ALTER COLUMN data TYPE jsonb USING data::jsonb, ALTER COLUMN metadata TYPE jsonb USING metadata::jsonb`);
  await sql.query('DELETE FROM tally_event_store_migrations WHERE version >= 2');
}

export function describeSchemaUpgrade(engine: string, newExecutor: () => Promise<SqlExecutor>): void {
  describe(`${engine}: a store written under schema version 1 (jsonb) upgrades to json`, () => {
    it('keeps every event equal and the hash chain intact, and appends on after it', async () => {
      const sql = await newExecutor();
      try {
        const store = await SqlEventStore.open(sql, { ownsExecutor: false });
        // Keys out of jsonb's order, nesting, non-ASCII text, an integer past 2^31.
        await store.append('precinct-e1.p1', 'no-stream', [
          { id: '5a1c2e3f-4b5d-4e6f-8a7b-9c0d1e2f3a4b', type: 'ProtocolRecorded', data: { zeta: 1, a: { y: [3, 2, 1], b: 'Ақмола 🗳' }, big: 4_294_967_296 } },
          { id: '6b2d3f40-5c6e-4f70-9b8c-0d1e2f3a4b5c', type: 'ProtocolCorrected', data: { votes: { 'list-2': 7, 'list-10': 3 } } },
        ]);
        await store.append('election-e1', 'no-stream', [{ id: '7c3e4051-6d7f-4081-ac9d-1e2f3a4b5c6d', type: 'ElectionOpened', data: { name: 'Мәслихат' } }]);
        const before = await readEverything(store, PAGE);
        await store.close();

        await downgradeToVersion1(sql);
        expect(await columnTypes(sql)).toEqual({ data: 'jsonb', metadata: 'jsonb' });

        const upgraded = await SqlEventStore.open(sql, { ownsExecutor: false });
        expect(await columnTypes(sql)).toEqual({ data: 'json', metadata: 'json' });
        expect(await readEverything(upgraded, PAGE)).toEqual(before);
        await upgraded.append('precinct-e1.p1', 1n, [{ id: '8d4f5162-7e80-4192-bdae-2f3a4b5c6d7e', type: 'ProtocolCorrected', data: { votes: { 'list-1': 1 } } }]);
        const verified = await verifyStore(upgraded);
        expect(verified).toMatchObject({ ok: true, streams: 2, events: 4 });
        await upgraded.close();
      } finally {
        await sql.close();
      }
    }, 60_000);
  });
}
