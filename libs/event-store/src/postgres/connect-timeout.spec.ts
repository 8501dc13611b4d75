import { createServer, type Server, type Socket } from 'node:net';
import { createEventStore } from '../event-store.config';
import { connectTimeoutSeconds, DEFAULT_CONNECT_TIMEOUT_SECONDS } from './connect-timeout';
import { PgExecutor } from './pg-executor';

describe('connecting to PostgreSQL gives up after connect_timeout', () => {
  it('reads libpq’s connect_timeout (seconds) from DATABASE_URL, else the default', () => {
    expect(connectTimeoutSeconds('postgres://u@h/db')).toBe(DEFAULT_CONNECT_TIMEOUT_SECONDS);
    expect(connectTimeoutSeconds('postgres://u@h/db?sslmode=require&connect_timeout=3')).toBe(3);
    expect(connectTimeoutSeconds('postgres://u@h/db?connect_timeout=0')).toBe(0);
    expect(() => connectTimeoutSeconds('postgres://u@h/db?connect_timeout=1.5')).toThrow(/connect_timeout must be a whole number of seconds/);
  });

  // A server that accepts and never answers: without a timeout, pg waits for its start-up reply
  // forever (a host that drops packets holds it for the kernel's TCP timeout instead).
  let silent: Server;
  const sockets = new Set<Socket>();
  let url: string;
  beforeAll(async () => {
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    url = `postgres://tally:s3cret@127.0.0.1:${port}/tally?connect_timeout=1`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('a pooled query and a LISTEN connection fail, naming the server and the setting', async () => {
    const executor = PgExecutor.fromUrl(url, { max: 2 });
    try {
      const expected = /^PostgreSQL at 127\.0\.0\.1:\d+ did not complete a connection within 1 s \(DATABASE_URL's connect_timeout, default 10\)$/;
      await expect(executor.query('SELECT 1')).rejects.toThrow(expected);
      await expect(executor.transaction(async (tx) => tx.query('SELECT 1'))).rejects.toThrow(expected);
      await expect(executor.listen('tally_events', () => undefined)).rejects.toThrow(expected);
    } finally {
      await executor.close();
    }
  });

  it('the service’s start fails with the store named, not after minutes', async () => {
    const opening = createEventStore({ kind: 'postgres', databaseUrl: url });
    await expect(opening).rejects.toThrow(
      /^the event store could not be opened \(EVENT_STORE=postgres, DATABASE_URL=postgres:\/\/tally:\*\*\*@127\.0\.0\.1:\d+\/tally\?connect_timeout=1\): PostgreSQL at 127\.0\.0\.1:\d+ did not complete a connection within 1 s/,
    );
  });
});
