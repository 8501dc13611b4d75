// `tally db setup` through the CLI's own argument parsing, on the real PostgreSQL server: a fresh
// database owned by a throwaway owner role, a throwaway service role, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ADMIN_DATABASE_URL } from '../../../../test/support/postgres';
import { runCli } from '../main';
import { memoryIo as capture } from '../memory-io.test-helper';

const suffix = randomBytes(5).toString('hex');
const owner = `tally_cli_owner_${suffix}`;
const service = `tally_cli_service_${suffix}`;
const database = `tally_cli_${suffix}`;

function urlAs(user: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.username = user;
  url.password = '';
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin(...statements: string[]): Promise<void> {
  const client = new Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(() => admin(`CREATE ROLE ${owner} LOGIN`, `CREATE ROLE ${service} LOGIN`, `CREATE DATABASE ${database} OWNER ${owner}`));
afterAll(() => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`, `DROP ROLE IF EXISTS ${service}`, `DROP ROLE IF EXISTS ${owner}`));

describe('tally db setup', () => {
  it('creates the schema as the owner and grants the service role SELECT and INSERT only', async () => {
    const run = capture();
    expect(await runCli(['db', 'setup', '--service-role', service, '--database-url', urlAs(owner)], run.io)).toBe(0);
    expect(JSON.parse(run.out())).toEqual({ owner, serviceRole: service, grants: ['tally_event_store_migrations: SELECT', 'tally_events: INSERT, SELECT'] });
    expect(run.err()).toContain(`owned by ${owner}`);
  });

  it('names the option when the service role is missing or wrong (exit 2)', async () => {
    const missing = capture();
    expect(await runCli(['db', 'setup', '--database-url', urlAs(owner)], missing.io)).toBe(2);
    expect(missing.err()).toContain("required option '-s, --service-role <name>' not specified");
    const unknown = capture();
    expect(await runCli(['db', 'setup', '--service-role', `nobody_${suffix}`, '--database-url', urlAs(owner)], unknown.io)).toBe(2);
    expect(unknown.err()).toMatch(/--service-role: service role "nobody_\w+" does not exist/);
  });

  it('needs a postgres:// URL (exit 2)', async () => {
    const run = capture();
    expect(await runCli(['db', 'setup', '--service-role', service, '--database-url', 'mysql://x'], run.io)).toBe(2);
    expect(run.err()).toContain('--database-url (or DATABASE_URL)');
  });
});
