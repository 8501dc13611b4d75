// The PostgreSQL executor on the real server (DATABASE_URL) when connections are cut under it, as
// a server restart cuts them. Found by the fault campaign (tools/cluster/faults.js): a recorder
// whose transaction's connection was terminated between two statements died of an unhandled
// 'error' event.
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/postgres';
import { PgExecutor } from './pg-executor';

let db: TestDatabase;
let executor: PgExecutor;

beforeAll(async () => {
  db = await createTestDatabase('tally_pgexec');
  executor = PgExecutor.fromUrl(db.url, { max: 2 });
});

afterAll(async () => {
  await executor.close();
  await db.drop();
});

async function terminate(pid: number): Promise<void> {
  const admin = new Client({ connectionString: db.url });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

describe('PgExecutor when the server cuts a connection', () => {
  it('fails a transaction whose connection is terminated while it works, without an unhandled error, and serves the next one', async () => {
    let seen: unknown;
    const failed = executor
      .transaction(async (tx) => {
        const [{ pid }] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // Between two statements, as when the recorder folds a batch: the backend goes away.
        await terminate(pid);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return tx.query('SELECT 1');
      })
      .catch((error: unknown) => (seen = error));
    await failed;
    expect(seen).toBeInstanceOf(Error);
    // The broken connection was discarded: the pool gives a working one.
    await expect(executor.transaction((tx) => tx.query<{ one: number }>('SELECT 1 AS one'))).resolves.toEqual([{ one: 1 }]);
  });
});

describe('PgExecutor with connect_timeout in DATABASE_URL', () => {
  it('connects to the real server with libpq’s connect_timeout in the URL (read by Tally, not sent to the server)', async () => {
    const timed = PgExecutor.fromUrl(`${db.url}${db.url.includes('?') ? '&' : '?'}connect_timeout=5`, { max: 1 });
    try {
      expect(await timed.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      let woken = 0;
      const unlisten = await timed.listen('tally_timed', () => (woken += 1));
      await timed.query(`NOTIFY tally_timed`);
      for (let i = 0; i < 50 && woken === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      await unlisten();
      expect(woken).toBe(1);
    } finally {
      await timed.close();
    }
  });
});
