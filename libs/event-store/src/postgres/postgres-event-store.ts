// The server store: the SQL event store on PostgreSQL through a pg.Pool.
import type { EventStore } from '../event-store.port';
import { SqlEventStore, type SqlEventStoreOptions } from '../sql/sql-event-store';
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
