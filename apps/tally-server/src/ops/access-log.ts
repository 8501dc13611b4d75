// The access log of every route but the commissions' POSTs (those: refusal-access-log.ts):
// pino-http's lines, as nestjs-pino wrote them, from a middleware of our own. nestjs-pino's also
// runs each request inside an AsyncLocalStorage (for request-bound service loggers), and on Node
// 20 a single `run` turns the promise hooks on for the rest of the process: every promise of
// every path (Kafka, PostgreSQL, the recorder's) then paid for them, though only health probes
// and GETs ever ran one (profiled in the split bench: the hooks ~3% of intake's busy time).
// So service logs carry no request id; the access line does, as before.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp, type HttpLogger, type Options } from 'pino-http';

/** `logger()`: the root pino logger (nestjs-pino makes it), read on the first request and kept. */
export function accessLog(logger: () => Logger | undefined, options: Omit<Options, 'logger'>) {
  let middleware: HttpLogger | undefined;
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (!middleware) {
      const root = logger();
      if (!root) return next();
      middleware = pinoHttp({ ...options, logger: root });
    }
    middleware(req, res, next);
  };
}
