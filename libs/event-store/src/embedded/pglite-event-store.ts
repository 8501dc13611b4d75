// The embedded store: the SQL event store on PGlite (PostgreSQL in WASM, in this process).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EventStore } from '../event-store.port';
import { SqlEventStore, type SqlEventStoreOptions } from '../sql/sql-event-store';
import { PgliteExecutor } from './pglite-executor';

export interface PgliteEventStoreOptions extends SqlEventStoreOptions {
  /** Directory holding the data (`<dataDir>/event-store`); omit for an in-memory store (tests). */
  readonly dataDir?: string;
}

export async function createPgliteEventStore(options: PgliteEventStoreOptions = {}): Promise<EventStore> {
  const { PGlite } = loadPglite();
  let db;
  if (options.dataDir === undefined) {
    db = new PGlite();
  } else {
    const dir = join(resolve(options.dataDir), 'event-store');
    mkdirSync(dir, { recursive: true });
    db = new PGlite(dir);
  }
  await db.waitReady;
  return SqlEventStore.open(new PgliteExecutor(db), { ...options, ownsExecutor: true });
}

/**
 * PGlite's CommonJS build loads Node built-ins with `import()` while it starts. Jest's module
 * sandbox refuses `import()` without --experimental-vm-modules, so inside Jest PGlite is loaded by
 * Node's own loader (outside the sandbox); everywhere else a plain require does. Loading lazily
 * keeps start-up cheap when another engine is configured.
 */
export function loadPglite(): typeof import('@electric-sql/pglite') {
  if (process.env.JEST_WORKER_ID === undefined) return require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
  const nodeModule = require('node:module') as { _load(request: string, parent: null, isMain: boolean): unknown };
  return nodeModule._load(require.resolve('@electric-sql/pglite'), null, false) as typeof import('@electric-sql/pglite');
}
