// The request and the reply as this service's routes, guards and filters see them: Fastify's
// (Nest runs on @nestjs/platform-fastify), with the three fields the body reader and the
// arrival hook set (declared on every request in configure-http.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ProblemItem } from './problem';

declare module 'fastify' {
  interface FastifyRequest {
    /** What is wrong with the body, found by the body reader and answered by the route (BodyProblemGuard). */
    bodyProblems?: readonly ProblemItem[];
    /** The body bytes as received, for the refusal record's hash. */
    rawBody?: Buffer;
    /** ISO 8601 instant at which the request arrived. */
    receivedAt?: string;
  }
}

/** Route parameters arrive as strings (decoded); a route names the ones it has. */
export type HttpRequest = FastifyRequest<{ Params: Readonly<Record<string, string | undefined>> }>;

export type HttpReply = FastifyReply;

/** The path as requested, without the query string (not decoded). */
export function requestPath(req: { readonly url?: string }): string {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
