// The access log of the commissions' POST routes, the hot path of an election night. pino-http
// builds a child logger per request and serialises the request into it before anything is known
// (measured: ~6% of intake's busy time at LOG_LEVEL=info, plus one line per accepted protocol).
// On these routes a 2xx is already counted by the metrics and kept by the status service, so the
// line that matters is the one for a refusal or a failure: this middleware writes only those,
// in pino-http's shape (req, res, responseTime, "request errored"/"request completed"), and costs
// one 'finish' listener otherwise. Every other route keeps pino-http as before.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { clientAddressProps } from './client-address';

/** The routes commissions POST to, by the thousand on election night, as the router names them. */
export const COMMISSION_POST_ROUTES: ReadonlySet<string> = new Set([
  '/v1/elections/:electionId/precincts/:precinctId/protocols',
  '/v1/elections/:electionId/precincts/:precinctId/protocols/:contestId/corrections',
  '/v1/elections/:electionId/precincts/:precinctId/turnout',
]);

/** True for a request the router matched to one of the commissions' POST routes. */
export const isCommissionPost = (method: string, route: string | undefined): boolean => method === 'POST' && route !== undefined && COMMISSION_POST_ROUTES.has(route);

/** `logger()`: the root pino logger, read per response (nestjs-pino sets it once its middleware exists). */
export function refusalAccessLog(logger: () => Logger | undefined) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const started = Date.now();
    res.once('finish', () => {
      if (res.statusCode < 400) return;
      const log = logger();
      if (!log) return;
      // The request and response themselves: the logger's serializers (and redactions) shape them, as for pino-http's lines.
      const line = { req, res, responseTime: Date.now() - started, ...clientAddressProps(req) };
      if (res.statusCode >= 500) log.error(line, 'request errored');
      else log.warn(line, 'request completed');
    });
    next();
  };
}
