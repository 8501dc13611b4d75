// The server store: the SQL event store on PostgreSQL through a pg.Pool.
import type { EventStore } from '../event-store.port';
import { SqlEventStore, type SqlEventStoreOptions } from '../sql/sql-event-store';
import { setupSqlSchema, type SchemaSetupResult } from '../sql/sql-setup';
import { PgExecutor } from './pg-executor';

export interface PostgresEventStoreOptions extends SqlEventStoreOptions {
  readonly connectionString: string;
  /** Pool size (default 10). */
  readonly maxConnections?: number;
}

export async function createPostgresEventStore(options: PostgresEventStoreOptions): Promise<EventStore> {
  const executor = PgExecutor.fromUrl(options.connectionString, { max: options.maxConnections ?? 10 });
  try {
    return await SqlEventStore.open(executor, { ...options, ownsExecutor: true });
  } catch (error) {
    await executor.close().catch(() => undefined);
    throw error;
  }
}

/**
 * The least-privilege setup (`tally db setup`): connected as the role that will own the schema,
 * creates or migrates it and grants `serviceRole` only SELECT and INSERT (see sql/sql-setup.ts).
 */
export async function setupPostgresSchema(options: { readonly connectionString: string; readonly serviceRole: string }): Promise<SchemaSetupResult> {
  const executor = PgExecutor.fromUrl(options.connectionString, { max: 1 });
  try {
    return await setupSqlSchema(executor, { serviceRole: options.serviceRole });
  } finally {
    await executor.close().catch(() => undefined);
  }
}
