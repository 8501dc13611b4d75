// The little of an Express request this service reads, typed here (the project does not pull in
// @types/express for it). The body reader sets the last three fields.
import type { IncomingMessage } from 'node:http';

export interface HttpRequest extends IncomingMessage {
  /** The path as routed, without the query string. */
  readonly path: string;
  readonly originalUrl: string;
  readonly query: Record<string, unknown>;
  body?: unknown;
  /** The body bytes as received, for the refusal record's hash. */
  rawBody?: Buffer;
  /** ISO 8601 instant at which the request arrived. */
  receivedAt?: string;
}
