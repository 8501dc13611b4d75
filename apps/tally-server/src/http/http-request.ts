// The little of an Express request this service reads, typed here (the project does not pull in
// @types/express for it). The body reader sets the last four fields.
import type { IncomingMessage } from 'node:http';
import type { ProblemItem } from './problem';

export interface HttpRequest extends IncomingMessage {
  /** The path as routed, without the query string. */
  readonly path: string;
  readonly originalUrl: string;
  readonly query: Record<string, unknown>;
  /** The route's parameters, once routed (decoded). */
  readonly params?: Readonly<Record<string, string | undefined>>;
  /** What is wrong with the body, found by the body reader and answered by the route (BodyProblemGuard). */
  bodyProblems?: readonly ProblemItem[];
  body?: unknown;
  /** The body bytes as received, for the refusal record's hash. */
  rawBody?: Buffer;
  /** ISO 8601 instant at which the request arrived. */
  receivedAt?: string;
}
