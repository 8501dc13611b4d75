// The load generators' poster against a real node:http server on loopback: what it answers, and
// that a connection error or a silent server rejects (load.js retries on a rejection).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPoster } from './http-post';

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; base: string }> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('createPoster', () => {
  const posters: ReturnType<typeof createPoster>[] = [];
  const servers: Server[] = [];
  const poster = (options?: { timeoutMs?: number }) => {
    const p = createPoster(options);
    posters.push(p);
    return p;
  };
  afterEach(async () => {
    for (const p of posters.splice(0)) p.destroy();
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('posts the body as JSON to the path and answers the status, the text and Retry-After', async () => {
    const seen: { method?: string; url?: string; type?: string; body: string }[] = [];
    const { server, base } = await listen((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
        if (seen.length === 1) {
          res.writeHead(202, { 'content-type': 'application/json' }).end('{"submissionId":"s1"}');
        } else {
          res.writeHead(503, { 'retry-after': '3' }).end('full');
        }
      });
    });
    servers.push(server);
    const p = poster();
    const body = JSON.stringify({ protocol: { ballots: 1 }, note: 'Алматы' });
    expect(await p.post(base, '/v1/elections/e/precincts/p1/protocols?x=1', body)).toEqual({ status: 202, text: '{"submissionId":"s1"}', retryAfter: undefined });
    expect(await p.post(base, '/v1/other', '{}')).toEqual({ status: 503, text: 'full', retryAfter: '3' });
    expect(seen).toEqual([
      { method: 'POST', url: '/v1/elections/e/precincts/p1/protocols?x=1', type: 'application/json', body },
      { method: 'POST', url: '/v1/other', type: 'application/json', body: '{}' },
    ]);
  });

  it('rejects when nothing listens', async () => {
    const { server, base } = await listen(() => undefined);
    await new Promise((resolve) => server.close(resolve));
    await expect(poster().post(base, '/v1/x', '{}')).rejects.toThrow();
  });

  it('rejects when the server does not answer within the timeout', async () => {
    const { server, base } = await listen(() => undefined); // reads the request, never answers
    servers.push(server);
    await expect(poster({ timeoutMs: 200 }).post(base, '/v1/x', '{}')).rejects.toThrow(/timeout/i);
    // The request it holds open would keep close() waiting.
    server.closeAllConnections();
  });
});
