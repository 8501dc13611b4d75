import { EventStoreConfigError, parseEventStoreConfig } from './event-store.config';

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
    [{ EVENT_STORE: 'eventstoredb' }, /EVENTSTORE_CONNECTION_STRING is required/],
    [{ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'http://x' }, /EVENTSTORE_CONNECTION_STRING must be/],
  ])('names the variable at fault in %j', (env, message) => {
    expect(() => parseEventStoreConfig(env)).toThrow(EventStoreConfigError);
    expect(() => parseEventStoreConfig(env)).toThrow(message);
  });
});
