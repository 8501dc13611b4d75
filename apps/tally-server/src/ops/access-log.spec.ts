// Every other route's access line, from our middleware: a real HTTP server with it in front, a
// pino logger writing into memory, and the AsyncLocalStorage nestjs-pino would have entered
// checked to stay empty inside the handler.
import type { AsyncLocalStorage } from 'node:async_hooks';
import type pino from 'pino';
import { accessLog } from './access-log';
import { memoryLogger, serveThrough, type MiddlewareServer } from './testing/middleware-server';

describe('accessLog', () => {
  const { logger, lines } = memoryLogger({ level: 'info', redact: ['req.headers.authorization'] });
  let root: pino.Logger | undefined;
  const middleware = accessLog(() => root, {
    autoLogging: { ignore: (req) => req.url === '/health' },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
  });
  const nestjsPinoStorage = (require('nestjs-pino/storage') as { storage: AsyncLocalStorage<unknown> }).storage;
  const storesSeen: unknown[] = [];
  let server: MiddlewareServer;

  beforeAll(async () => {
    server = await serveThrough(middleware, (req, res) => {
      storesSeen.push(nestjsPinoStorage.getStore());
      res.statusCode = Number(/\d+/.exec(req.url ?? '')?.[0] ?? 200);
      res.end();
    });
  });
  afterAll(() => server.close());

  const hit = (path: string) => server.hit('GET', path, { authorization: 'Bearer secret' });

  it('lets requests through unlogged until the root logger exists', async () => {
    await hit('/200');
    expect(lines).toEqual([]);
    expect(storesSeen).toEqual([undefined]);
  });

  it('writes pino-http’s line for each request but the ignored ones, at the level its status asks, redacted', async () => {
    root = logger;
    await hit('/200');
    await hit('/health');
    await hit('/404');
    await hit('/500');
    expect(lines.map((l) => [l.level, l.msg, (l.res as { statusCode: number }).statusCode, (l.req as { url: string }).url])).toEqual([
      [30, 'request completed', 200, '/200'],
      [40, 'request completed', 404, '/404'],
      [50, 'request errored', 500, '/500'],
    ]);
    expect(lines.every((l) => typeof l.responseTime === 'number' && (l.req as { headers: Record<string, string> }).headers.authorization === '[Redacted]')).toBe(true);
    // No request ran inside nestjs-pino's AsyncLocalStorage.
    expect(storesSeen).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
