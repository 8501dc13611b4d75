// Every other route's access line, from our middleware: a real HTTP server with it in front, a
// pino logger writing into memory, and the AsyncLocalStorage nestjs-pino would have entered
// checked to stay empty inside the handler.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { accessLog } from './access-log';

describe('accessLog', () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'info', redact: ['req.headers.authorization'] },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    }),
  );
  let root: pino.Logger | undefined;
  const middleware = accessLog(() => root, {
    autoLogging: { ignore: (req) => req.url === '/health' },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
  });
  const nestjsPinoStorage = (require('nestjs-pino/storage') as { storage: AsyncLocalStorage<unknown> }).storage;
  const storesSeen: unknown[] = [];
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) =>
      middleware(req, res, () => {
        storesSeen.push(nestjsPinoStorage.getStore());
        res.statusCode = Number(/\d+/.exec(req.url ?? '')?.[0] ?? 200);
        res.end();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const hit = (path: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', method: 'GET', path, headers: { authorization: 'Bearer secret' } }, (res) => {
        res.resume();
        res.on('end', () => setImmediate(resolve));
      });
      req.on('error', reject);
      req.end();
    });

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
