import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore, EventStoreConfigError, EventStoreOpenError, parseEventStoreConfig, withoutPassword } from './event-store.config';

describe('event store configuration', () => {
  it('defaults to the embedded store under ./data', () => {
    expect(parseEventStoreConfig({})).toEqual({ kind: 'embedded', dataDir: './data' });
    expect(parseEventStoreConfig({ EVENT_STORE: '', TALLY_DATA_DIR: '/var/tally' })).toEqual({ kind: 'embedded', dataDir: '/var/tally' });
  });

  it('selects postgres and eventstoredb with their connection variables', () => {
    expect(parseEventStoreConfig({ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://u@h/db' })).toEqual({ kind: 'postgres', databaseUrl: 'postgres://u@h/db' });
    expect(parseEventStoreConfig({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' })).toEqual({
      kind: 'eventstoredb',
      connectionString: 'esdb://localhost:2113?tls=false',
    });
  });

  it.each([
    [{ EVENT_STORE: 'mongodb' }, /EVENT_STORE/],
    [{ EVENT_STORE: 'postgres' }, /DATABASE_URL is required/],
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres/],
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://u@h/db?connect_timeout=soon' }, /DATABASE_URL's connect_timeout must be a whole number of seconds/],
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://u@h/db?connect_timeout=-1' }, /DATABASE_URL's connect_timeout must be a whole number of seconds/],
    [{ EVENT_STORE: 'eventstoredb' }, /EVENTSTORE_CONNECTION_STRING is required/],
    [{ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'http://x' }, /EVENTSTORE_CONNECTION_STRING must be/],
  ])('names the variable at fault in %j', (env, message) => {
    expect(() => parseEventStoreConfig(env)).toThrow(EventStoreConfigError);
    expect(() => parseEventStoreConfig(env)).toThrow(message);
  });

  it('hides passwords in a connection string shown to an operator', () => {
    expect(withoutPassword('postgres://tally:s3cret@db.example:5432/tally')).toBe('postgres://tally:***@db.example:5432/tally');
    expect(withoutPassword('postgres://tally@db.example/tally?sslmode=require&password=s3cret')).toBe('postgres://tally@db.example/tally?sslmode=require&password=***');
    expect(withoutPassword('esdb://admin:changeit@es:2113?tls=true')).toBe('esdb://admin:***@es:2113?tls=true');
    expect(withoutPassword('postgres://u@h/db')).toBe('postgres://u@h/db');
    expect(withoutPassword('::not a url')).toBe('(not a readable URL)');
  });

  it('a store that cannot be opened is named by the variables that chose it, password hidden, with the engine’s own words', async () => {
    // Nothing listens on port 1: the connection is refused at once, no server needed.
    const opening = createEventStore({ kind: 'postgres', databaseUrl: 'postgres://tally:s3cret@127.0.0.1:1/tally' });
    const error = await opening.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreOpenError);
    const message = (error as Error).message;
    expect(message).toMatch(/^the event store could not be opened \(EVENT_STORE=postgres, DATABASE_URL=postgres:\/\/tally:\*\*\*@127\.0\.0\.1:1\/tally\): .*ECONNREFUSED/);
    expect(message).not.toContain('s3cret');
    // The engine's error stays attached for the log (an error from node's own realm: compared by its words).
    expect(String((error as { cause?: { message?: unknown } }).cause?.message)).toContain('ECONNREFUSED');
  });

  it('an embedded store whose directory is a file names TALLY_DATA_DIR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-config-'));
    try {
      const file = join(dir, 'not-a-directory');
      writeFileSync(file, 'x');
      const error = await createEventStore({ kind: 'embedded', dataDir: file }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventStoreOpenError);
      expect((error as Error).message).toMatch(new RegExp(`^the event store could not be opened \\(EVENT_STORE=embedded, TALLY_DATA_DIR=${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\): `));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
