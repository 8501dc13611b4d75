// The commissions' routes log what was refused or failed, and nothing for what was accepted: a
// real HTTP server with the middleware in front, and a pino logger writing into memory.
import pino from 'pino';
import { refusalAccessLog } from './refusal-access-log';
import { memoryLogger, serveThrough, type MiddlewareServer } from './testing/middleware-server';

describe('refusalAccessLog', () => {
  const { logger, lines } = memoryLogger({ level: 'info', serializers: { req: pino.stdSerializers.req, res: pino.stdSerializers.res } });
  const middleware = refusalAccessLog(() => logger);
  let server: MiddlewareServer;

  beforeAll(async () => {
    server = await serveThrough(middleware, (req, res) => {
      res.statusCode = Number(req.url?.slice(1));
      res.end();
    });
  });
  afterAll(() => server.close());

  const hit = (status: number) => server.hit('POST', `/${status}`);

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
