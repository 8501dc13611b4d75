// The service's hooks on a real Fastify server on loopback, as configureHttp mounts them: the
// commissions' POSTs log only refusals and failures, every other route its access line (probes
// excepted), a hook's error reaches Fastify's error handling, and the dashboard's files are
// served only where the roles include the projector.
import { RequestMethod } from '@nestjs/common';
import fastify, { type FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type pino from 'pino';
import { CommissionSubmissionsController } from '../intake/commission-submissions.controller';
import { COMMISSION_POST_ROUTES } from '../ops/refusal-access-log';
import { memoryLogger } from '../ops/testing/middleware-server';
import { addNodeHook, addServiceHooks } from './node-hooks';

const PROTOCOLS = '/v1/elections/:electionId/precincts/:precinctId/protocols';

async function serverWith(roles: readonly ('intake' | 'recorder' | 'projector')[], trustProxy?: string): Promise<{ app: FastifyInstance; url: string }> {
  const app = fastify(trustProxy === undefined ? {} : { trustProxy });
  addServiceHooks(app, { roles: [...roles] }, { behindProxy: trustProxy !== undefined });
  app.post(PROTOCOLS, async (request, reply) => reply.code(Number((request.body as { status?: number } | undefined)?.status ?? 202)).send({}));
  app.get('/v1/elections', async () => ({ elections: [] }));
  app.get('/health', async () => ({ ok: true }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url };
}

describe('node hooks (access logs, dashboard files) on Fastify', () => {
  const { logger, lines } = memoryLogger({ level: 'info' });
  const holder = PinoLogger as unknown as { root: pino.Logger };
  const before = holder.root;
  beforeAll(() => {
    holder.root = logger;
  });
  afterAll(() => {
    holder.root = before;
  });
  // The access line is written on the response's 'finish', after the client has its answer.
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('logs a commission POST only when refused or failed, every other route (probes excepted) always', async () => {
    const { app, url } = await serverWith(['intake']);
    try {
      const post = (status: number) => fetch(`${url}/v1/elections/e/precincts/p1/protocols`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status }) });
      expect((await post(202)).status).toBe(202);
      await settle();
      expect(lines).toEqual([]);
      expect((await post(422)).status).toBe(422);
      expect((await post(503)).status).toBe(503);
      expect((await fetch(`${url}/v1/elections`)).status).toBe(200);
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect((await fetch(`${url}/nowhere`)).status).toBe(404);
      await settle();
      expect(lines.map((l) => [l.level, l.msg, (l.res as { statusCode: number }).statusCode, (l.req as { url: string }).url])).toEqual([
        [40, 'request completed', 422, '/v1/elections/e/precincts/p1/protocols'],
        [50, 'request errored', 503, '/v1/elections/e/precincts/p1/protocols'],
        [30, 'request completed', 200, '/v1/elections'],
        [40, 'request completed', 404, '/nowhere'],
      ]);
    } finally {
      await app.close();
    }
  });

  it('behind a trusted proxy, names the client from X-Forwarded-For beside the proxy’s address; from any other sender, only the socket’s', async () => {
    lines.length = 0;
    const trusting = await serverWith(['intake'], '127.0.0.1');
    const trustless = await serverWith(['intake']);
    try {
      const headers = { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' };
      const refused = { method: 'POST', headers, body: JSON.stringify({ status: 422 }) };
      await fetch(`${trusting.url}/v1/elections/e/precincts/p1/protocols`, refused);
      await fetch(`${trusting.url}/v1/elections`, { headers });
      await fetch(`${trustless.url}/v1/elections/e/precincts/p1/protocols`, refused);
      await fetch(`${trustless.url}/v1/elections`, { headers });
      await settle();
      expect(lines.map((l) => [(l.req as { url: string }).url, l.clientAddress])).toEqual([
        ['/v1/elections/e/precincts/p1/protocols', '203.0.113.7'],
        ['/v1/elections', '203.0.113.7'],
        ['/v1/elections/e/precincts/p1/protocols', undefined],
        ['/v1/elections', undefined],
      ]);
      // pino-http's line keeps the socket's address (the proxy) as req.remoteAddress.
      expect((lines[1].req as { remoteAddress: string }).remoteAddress).toBe('127.0.0.1');
    } finally {
      await trusting.app.close();
      await trustless.app.close();
    }
  });

  it('serves the dashboard page only with the projector role; the API keeps its own paths', async () => {
    const intake = await serverWith(['intake']);
    const projector = await serverWith(['projector']);
    try {
      // No dashboard for intake alone: a page path is the router's 404.
      expect((await fetch(`${intake.url}/elections/e`)).status).toBe(404);
      // With the projector: the page (or, before a build, the 503 that says how to make one).
      const page = await fetch(`${projector.url}/elections/e`);
      expect([200, 503]).toContain(page.status);
      expect(page.headers.get('content-type')).toMatch(page.status === 200 ? /text\/html/ : /text\/plain/);
      expect(await (await fetch(`${projector.url}/v1/elections`)).json()).toEqual({ elections: [] });
    } finally {
      await intake.app.close();
      await projector.app.close();
    }
  });

  it("names exactly the commissions' POST routes as the controller declares them", () => {
    const base = Reflect.getMetadata('path', CommissionSubmissionsController) as string;
    const proto = CommissionSubmissionsController.prototype as unknown as Record<string, unknown>;
    const posts = Object.getOwnPropertyNames(proto)
      .map((name) => proto[name])
      .filter((handler): handler is object => typeof handler === 'function' && Reflect.getMetadata('method', handler) === RequestMethod.POST)
      .map((handler) => `/${base}/${Reflect.getMetadata('path', handler) as string}`);
    expect(new Set(posts)).toEqual(COMMISSION_POST_ROUTES);
  });

  it("hands a middleware's error to Fastify's error handling", async () => {
    const app = fastify();
    addNodeHook(app, (_req, _res, next) => next(new Error('broken middleware')), (request) => request.url === '/broken');
    app.get('/broken', async () => 'never');
    app.get('/fine', async () => 'fine');
    try {
      expect((await app.inject({ method: 'GET', url: '/broken' })).statusCode).toBe(500);
      expect((await app.inject({ method: 'GET', url: '/fine' })).body).toBe('fine');
    } finally {
      await app.close();
    }
  });
});
