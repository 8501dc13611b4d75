// The least-privilege deployment on the real PostgreSQL server: roles made by the very script
// docker-compose mounts into the postgres container (deploy/postgres/init-roles.sh), the schema set
// up by its owner (what `tally db setup` runs), and the whole contract passed by a store that logs
// in as the service role — which the server itself stops from changing, deleting or un-guarding
// what it wrote.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { ADMIN_DATABASE_URL, createTestDatabase, type TestDatabase } from '../../../../test/support/postgres';
import { eventStoreContract } from '../event-store.contract';
import { SchemaSetupRequiredError } from '../event-store.errors';
import type { EventStore } from '../event-store.port';
import { SchemaSetupError } from '../sql/sql-setup';
import { copyIntoTamperableStore } from '../testing/sql-tamper-copy';
import { PgExecutor } from './pg-executor';
import { createPostgresEventStore, setupPostgresSchema } from './postgres-event-store';

const INIT_SCRIPT = join(__dirname, '../../../../deploy/postgres/init-roles.sh');
const suffix = randomBytes(5).toString('hex');
const roles = { owner: `tally_owner_${suffix}`, service: `tally_service_${suffix}` };
const adminUrl = new URL(ADMIN_DATABASE_URL);

function urlAs(user: string, database: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.username = user;
  url.password = `pw-${suffix}`;
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs the container's init script against this machine's server, as the admin user. */
function runInitScript(database: string): void {
  execFileSync('bash', [INIT_SCRIPT], {
    env: {
      PATH: process.env.PATH,
      PGHOST: adminUrl.hostname,
      PGPORT: adminUrl.port || '5432',
      PGPASSWORD: decodeURIComponent(adminUrl.password),
      POSTGRES_USER: decodeURIComponent(adminUrl.username),
      POSTGRES_DB: adminUrl.pathname.slice(1) || 'postgres',
      TALLY_DB_NAME: database,
      TALLY_DB_OWNER: roles.owner,
      TALLY_DB_OWNER_PASSWORD: `pw-${suffix}`,
      TALLY_DB_SERVICE_ROLE: roles.service,
      TALLY_DB_SERVICE_PASSWORD: `pw-${suffix}`,
    },
    stdio: 'pipe',
  });
}

async function asAdmin(sql: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const database = `tally_lp_${suffix}`;
const copies: TestDatabase[] = [];
runInitScript(database);

afterAll(async () => {
  await Promise.all(copies.splice(0).map((db) => db.drop()));
  await asAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await asAdmin(`DROP ROLE IF EXISTS ${roles.service}`);
  await asAdmin(`DROP ROLE IF EXISTS ${roles.owner}`);
});

describe('before the owner has set the schema up', () => {
  it('the service role cannot create it, and says what to run', async () => {
    const failure = createPostgresEventStore({ connectionString: urlAs(roles.service, database) });
    await expect(failure).rejects.toThrow(SchemaSetupRequiredError);
    await expect(failure).rejects.toThrow(/tally db setup --service-role/);
  });

  it('the setup refuses a service role that does not exist, or that is the owner itself', async () => {
    await expect(setupPostgresSchema({ connectionString: urlAs(roles.owner, database), serviceRole: `nobody_${suffix}` })).rejects.toThrow(/does not exist/);
    await expect(setupPostgresSchema({ connectionString: urlAs(roles.owner, database), serviceRole: roles.owner })).rejects.toThrow(SchemaSetupError);
    await expect(setupPostgresSchema({ connectionString: urlAs(roles.owner, database), serviceRole: 'Bad-Name' })).rejects.toThrow(/lower-case letters/);
  });
});

describe('set up by the owner', () => {
  beforeAll(async () => {
    const result = await setupPostgresSchema({ connectionString: urlAs(roles.owner, database), serviceRole: roles.service });
    expect(result.grants).toEqual(['tally_event_store_migrations: SELECT', 'tally_events: INSERT, SELECT']);
    // Twice is the upgrade path: migrate (nothing to do) and grant again, the same grants.
    expect((await setupPostgresSchema({ connectionString: urlAs(roles.owner, database), serviceRole: roles.service })).grants).toEqual(result.grants);
  });

  eventStoreContract('PostgreSQL as the least-privilege service role', {
    open: async () => createPostgresEventStore({ connectionString: urlAs(roles.service, database) }),
    atomicBatches: true,
    tamperableCopy: async (store) => {
      const db = await createTestDatabase();
      copies.push(db);
      return copyIntoTamperableStore(store, PgExecutor.fromUrl(db.url, { max: 2 }));
    },
  });

  describe('the server refuses the service role everything but reading and appending', () => {
    let store: EventStore;
    let service: Client;

    beforeAll(async () => {
      store = await createPostgresEventStore({ connectionString: urlAs(roles.service, database) });
      await store.append(`guard${suffix}-p1`, 'no-stream', [{ id: '4f8c1d4e-5b9a-4c3e-8d2f-1a2b3c4d5e6f', type: 'A', data: { votes: 1 } }]);
      service = new Client({ connectionString: urlAs(roles.service, database) });
      await service.connect();
    });

    afterAll(async () => {
      await service?.end();
      await store?.close();
    });

    it.each([
      ['UPDATE', `UPDATE tally_events SET data = '{"votes": 2}'::json`, /permission denied for table tally_events/],
      ['DELETE', 'DELETE FROM tally_events', /permission denied for table tally_events/],
      ['TRUNCATE', 'TRUNCATE tally_events', /permission denied for table tally_events/],
      ['DROP TRIGGER', 'DROP TRIGGER tally_events_append_only ON tally_events', /must be owner of (table|relation) tally_events/],
      ['DISABLE TRIGGER', 'ALTER TABLE tally_events DISABLE TRIGGER tally_events_append_only', /must be owner of (table|relation) tally_events/],
      ['DISABLE TRIGGER ALL', 'ALTER TABLE tally_events DISABLE TRIGGER ALL', /must be owner of (table|relation) tally_events/],
      ['REPLACE the trigger function', `CREATE OR REPLACE FUNCTION tally_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`, /must be owner of function|permission denied for schema/],
      ['DROP TABLE', 'DROP TABLE tally_events', /must be owner of (table|relation) tally_events/],
      ['a shadow table', 'CREATE TABLE tally_shadow (x int)', /permission denied for schema public/],
      ['setval on the sequence', `SELECT setval(pg_get_serial_sequence('tally_events', 'global_position'), 1)`, /permission denied for sequence/],
      ['the migrations ledger', 'DELETE FROM tally_event_store_migrations', /permission denied for table tally_event_store_migrations/],
    ])('refuses %s', async (_what, sql, message) => {
      await expect(service.query(sql)).rejects.toThrow(message);
      expect(await store.readStream(`guard${suffix}-p1`)).toHaveLength(1);
    });

    it('owns nothing: the tables, the trigger function and the sequence belong to the owner', async () => {
      const { rows } = await service.query<{ kind: string; owner: string }>(
        `SELECT c.relkind::text AS kind, pg_get_userbyid(c.relowner)::text AS owner FROM pg_class c
          WHERE c.relname IN ('tally_events', 'tally_event_store_migrations', 'tally_events_global_position_seq')
         UNION ALL
         SELECT 'f', pg_get_userbyid(p.proowner)::text FROM pg_proc p WHERE p.proname = 'tally_events_refuse_change'
          ORDER BY 1`,
      );
      expect(rows).toEqual([
        { kind: 'S', owner: roles.owner },
        { kind: 'f', owner: roles.owner },
        { kind: 'r', owner: roles.owner },
        { kind: 'r', owner: roles.owner },
      ]);
    });
  });
});
