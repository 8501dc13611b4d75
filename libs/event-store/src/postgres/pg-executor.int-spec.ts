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
