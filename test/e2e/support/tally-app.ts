// Starts the real service for an end-to-end test, through the same createApp as main.ts: on the
// embedded mode (PGlite in memory or in a temp directory, in-process queue) or on Kafka +
// PostgreSQL (the broker from KAFKA_BROKERS, a fresh database and a fresh topic per app).
// `close()` undoes everything it started. Reuse it: it knows nothing about any one suite.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createApp, type TallyApp } from '../../../apps/tally-server/src/bootstrap';
import { loadAppConfig, type AppConfig } from '../../../apps/tally-server/src/config/app.config';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const AUDITOR_TOKEN = 'test-auditor-token-0123456789abcdef';

export interface StartOptions {
  /**
   * embedded: in-process queue + PGlite; kafka-postgres: KAFKA_BROKERS + a fresh PostgreSQL database;
   * postgres: the in-process queue + a fresh PostgreSQL database (no broker needed).
   */
  readonly mode?: 'embedded' | 'kafka-postgres' | 'postgres';
  /** Embedded only: 'memory' (default, fastest) or 'temp' (a fresh data directory, removed on close). */
  readonly storage?: 'memory' | 'temp';
  /** Any environment-style setting (TALLY_ROLES, TALLY_DEMO, TALLY_RATE_LIMIT, LOG_LEVEL...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Listen on 127.0.0.1 with an ephemeral port (for clients other than supertest). Default false. */
  readonly listen?: boolean;
}

export interface TallyTestApp {
  readonly app: TallyApp;
  readonly config: AppConfig;
  /** The HTTP server, for supertest. */
  readonly server: Server;
  /** The fresh database of the kafka-postgres and postgres modes (dropped on close). */
  readonly database: TestDatabase | undefined;
  /** http://127.0.0.1:<port> when started with `listen: true`. */
  readonly baseUrl: string | undefined;
  close(): Promise<void>;
}

/** Settings read by modules from the environment at start-up (HTTP limits): applied only while the app is created. */
async function withEnv<T>(env: Readonly<Record<string, string>>, work: () => Promise<T>): Promise<T> {
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(env)) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  try {
    return await work();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export async function startTallyApp(options: StartOptions = {}): Promise<TallyTestApp> {
  const mode = options.mode ?? 'embedded';
  const cleanups: Array<() => Promise<void> | void> = [];
  const env: Record<string, string> = {
    LOG_LEVEL: 'silent',
    TALLY_DEMO: 'false',
    TALLY_ADMIN_TOKEN: ADMIN_TOKEN,
    TALLY_AUDITOR_TOKEN: AUDITOR_TOKEN,
    PORT: '0',
  };
  let database: TestDatabase | undefined;
  if (mode === 'kafka-postgres' || mode === 'postgres') {
    const brokers = process.env.KAFKA_BROKERS;
    if (mode === 'kafka-postgres' && !brokers) throw new Error('KAFKA_BROKERS is not set: run the suite with `npm run test:e2e` (it starts a broker)');
    database = await createTestDatabase('tally_e2e');
    cleanups.push(() => database!.drop());
    Object.assign(env, { EVENT_STORE: 'postgres', DATABASE_URL: database.url });
    if (mode === 'kafka-postgres') {
      Object.assign(env, {
        KAFKA_BROKERS: brokers,
        KAFKA_TOPIC: `tally-e2e-${randomBytes(4).toString('hex')}`,
        KAFKA_PARTITIONS: '3',
        TALLY_RECORDER_GROUP: `tally-e2e-${randomBytes(4).toString('hex')}`,
      });
    } else {
      // The in-process queue, whatever the environment running the suite says.
      env.KAFKA_BROKERS = '';
    }
    // The transparency log keeps its files in TALLY_DATA_DIR: a fresh one beside the fresh database.
    if (!options.env?.TALLY_DATA_DIR) {
      const dir = mkdtempSync(join(tmpdir(), 'tally-e2e-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      env.TALLY_DATA_DIR = dir;
    }
  } else if (options.storage === 'temp') {
    const dir = mkdtempSync(join(tmpdir(), 'tally-e2e-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    env.TALLY_DATA_DIR = dir;
  }
  Object.assign(env, options.env ?? {});

  try {
    // Inside the try: a configuration the test got wrong must not leave its database behind.
    let config = loadAppConfig(env);
    if (mode === 'embedded' && options.storage !== 'temp' && !options.env?.TALLY_DATA_DIR) config = { ...config, eventStore: { kind: 'embedded' } };
    const app = await withEnv(env, () => createApp(config, { logger: false }));
    cleanups.unshift(() => app.close());
    let baseUrl: string | undefined;
    if (options.listen) {
      await app.listen(0, '127.0.0.1');
      baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    }
    return {
      app,
      config,
      server: app.getHttpServer() as Server,
      database,
      baseUrl,
      close: async () => {
        for (const cleanup of cleanups.splice(0)) await cleanup();
      },
    };
  } catch (e) {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    throw e;
  }
}
