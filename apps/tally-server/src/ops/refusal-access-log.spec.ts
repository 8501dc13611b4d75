// The commissions' routes log what was refused or failed, and nothing for what was accepted: a
// real HTTP server with the middleware in front, and a pino logger writing into memory.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { refusalAccessLog } from './refusal-access-log';

describe('refusalAccessLog', () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'info', serializers: { req: pino.stdSerializers.req, res: pino.stdSerializers.res } },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    }),
  );
  const middleware = refusalAccessLog(() => logger);
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) =>
      middleware(req, res, () => {
        res.statusCode = Number(req.url?.slice(1));
        res.end();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const hit = (status: number) =>
    new Promise<void>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', method: 'POST', path: `/${status}` }, (res) => {
        res.resume();
        res.on('end', () => setImmediate(resolve));
      });
      req.on('error', reject);
      req.end();
    });

  it('writes nothing for an accepted request, a warning for a refusal, an error for a failure', async () => {
    await hit(202);
    await hit(200);
    expect(lines).toEqual([]);
    await hit(422);
    await hit(429);
    await hit(503);
    expect(lines.map((l) => [l.level, l.msg, (l.res as { statusCode: number }).statusCode, (l.req as { method: string; url: string }).url])).toEqual([
      [40, 'request completed', 422, '/422'],
      [40, 'request completed', 429, '/429'],
      [50, 'request errored', 503, '/503'],
    ]);
    expect(lines.every((l) => typeof l.responseTime === 'number')).toBe(true);
  });
});
