// The embedded store: the SQL event store on PGlite (PostgreSQL in WASM, in this process).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EventStore } from '../event-store.port';
import { SqlEventStore, type SqlEventStoreOptions } from '../sql/sql-event-store';
import { lockDataDir } from './data-dir-lock';
import { PgliteExecutor } from './pglite-executor';

export interface PgliteEventStoreOptions extends SqlEventStoreOptions {
  /** Directory holding the data (`<dataDir>/event-store`); omit for an in-memory store (tests). */
  readonly dataDir?: string;
}

export async function createPgliteEventStore(options: PgliteEventStoreOptions = {}): Promise<EventStore> {
  const { PGlite } = loadPglite();
  if (options.dataDir === undefined) {
    const db = await newMemoryPglite();
    await db.waitReady;
    return SqlEventStore.open(new PgliteExecutor(db), { ...options, ownsExecutor: true });
  }
  const dir = join(resolve(options.dataDir), 'event-store');
  mkdirSync(dir, { recursive: true });
  // Before PGlite touches the files: a second process must not even start recovery on them.
  const lock = lockDataDir(dir);
  let executor: PgliteExecutor | undefined;
  try {
    const db = new PGlite(dir);
    await db.waitReady;
    executor = new PgliteExecutor(db, () => lock.release());
    return await SqlEventStore.open(executor, { ...options, ownsExecutor: true });
  } catch (error) {
    if (executor) await executor.close().catch(() => undefined);
    lock.release();
    throw error;
  }
}

/** Where the fresh cluster's dump is kept: on PGlite's module object, see newMemoryPglite. */
const FRESH_CLUSTER = Symbol.for('tally.pglite.freshCluster');
type PgliteModule = typeof import('@electric-sql/pglite') & { [FRESH_CLUSTER]?: Promise<Blob> };

/**
 * A new in-memory PGlite on a fresh cluster. A new PGlite runs initdb, about 3 s here; the first
 * one's data directory, dumped before any use, starts the next ones in about 0.5 s (measured:
 * 2.8–3.7 s against 0.55–0.63 s), the same empty cluster. Tests open hundreds of them.
 * The dump is kept on PGlite's module object rather than in this module: inside Jest this module
 * is loaded again for every test file, PGlite once per worker (see loadPglite), so every file
 * after a worker's first starts from the dump too (an e2e file paid ~4 s of initdb otherwise).
 */
export async function newMemoryPglite(): Promise<import('@electric-sql/pglite').PGlite> {
  const pglite: PgliteModule = loadPglite();
  const { PGlite } = pglite;
  if (pglite[FRESH_CLUSTER] === undefined) {
    const first = new PGlite();
    const dump = first.waitReady.then(() => first.dumpDataDir('none'));
    pglite[FRESH_CLUSTER] = dump;
    // A failed dump is not kept: the next call tries again.
    dump.catch(() => {
      if (pglite[FRESH_CLUSTER] === dump) pglite[FRESH_CLUSTER] = undefined;
    });
    await dump.catch(() => undefined);
    return first;
  }
  const template = await pglite[FRESH_CLUSTER].catch(() => undefined);
  const db = template ? new PGlite({ loadDataDir: template }) : new PGlite();
  await db.waitReady;
  return db;
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
