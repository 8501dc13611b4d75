// The service's middlewares on node's own request and response (the access logs, the dashboard's
// files), mounted as Fastify onRequest hooks rather than as Nest middleware. Nest's middleware on
// Fastify goes through @fastify/middie, whose hook runs on every request and matches every
// middleware's path against it: measured on intake alone (bench/intake, four pairs in turn,
// server CPU per request over the same run's bare server's), 2.35–2.59 with it against 2.13–2.43
// without (means 2.50 and 2.26): about a tenth of intake's CPU. Each hook here picks its requests
// by the route Fastify matched.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import type { AppConfig } from '../config/app.config';
import { dashboardMiddleware, defaultDashboardDir } from '../dashboard/dashboard-files';
import { accessLog } from '../ops/access-log';
import { clientAddressProps, noteClientAddress } from '../ops/client-address';
import { isCommissionPost, refusalAccessLog } from '../ops/refusal-access-log';

/** A connect-style middleware: it calls next (with an error, or none) or answers the request itself. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Probes and scrapes every few seconds would drown the log. */
const QUIET_PATHS = /^\/(?:health|metrics)(?:\/|$)/;

/**
 * Runs `middleware` for the requests `when` picks, as an onRequest hook. A middleware that answers
 * the request itself (the dashboard's files) never calls next: Fastify's handling stops there, as
 * it did under middie.
 */
export function addNodeHook(fastify: FastifyInstance, middleware: NodeMiddleware, when: (request: FastifyRequest) => boolean): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!when(request)) return done();
    middleware(request.raw, reply.raw, (error?: unknown) => (error === undefined ? done() : done(error instanceof Error ? error : new Error(String(error)))));
  });
}

/** The access logs for every process; the dashboard's files where the projector serves its API. */
export function addServiceHooks(fastify: FastifyInstance, config: Pick<AppConfig, 'roles'>, options: { readonly behindProxy?: boolean } = {}): void {
  // Behind trusted proxies the access lines name the client too (ops/client-address.ts).
  if (options.behindProxy) {
    fastify.addHook('onRequest', (request, _reply, done) => {
      noteClientAddress(request.raw, request.ip);
      done();
    });
  }
  const commissionPost = (request: FastifyRequest) => isCommissionPost(request.method, request.routeOptions.url);
  // The commissions' POSTs log their refusals and failures only (refusal-access-log.ts).
  addNodeHook(fastify, refusalAccessLog(() => PinoLogger.root), commissionPost);
  addNodeHook(
    fastify,
    accessLog(() => PinoLogger.root, {
      autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
      customProps: clientAddressProps,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    }),
    (request) => !commissionPost(request),
  );
  // The page needs the projector's API beside it.
  if (config.roles.includes('projector')) addNodeHook(fastify, dashboardMiddleware(defaultDashboardDir()), (request) => request.method === 'GET' || request.method === 'HEAD');
}
