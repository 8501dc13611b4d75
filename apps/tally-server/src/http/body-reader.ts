// Reads and parses request bodies: JSON everywhere, YAML too for loading an election definition.
// It is Fastify's one content-type parser (for every type, configure-http.ts), written here
// rather than Fastify's own JSON parser so that every way a body can be wrong (too large, wrong
// type or charset, compressed, not JSON) gets a stable code, and the raw bytes are kept for the
// refusal hash.
//
// A body that is wrong is not answered here: its problems are left on the request
// (`req.bodyProblems`) and the request goes on to its route, so that the route it was meant for
// answers it, with everything it knows. BodyProblemGuard, the first guard of every route, throws
// them before any other check (as before, the body is judged first), and the route's exception
// filters answer: intake's records a commission's refusal in its history, the global one writes
// the problem. A route that does not exist answers them too (ProblemFilter): the body still comes
// first.
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { FastifyRequest } from 'fastify';
import { requestPath } from './http-request';
import { problem, type ProblemItem } from './problem';

export interface BodyReaderOptions {
  /** Bytes allowed for an ordinary request (a protocol is a few hundred). */
  readonly limit: number;
  /** Bytes allowed for `POST /v1/elections` (a national definition is large), once the admin token checked out. */
  readonly definitionLimit: number;
  /** Whether the request carries the admin token: large definition bodies are read only for the admin. */
  readonly isAdmin: (authorization: string | undefined) => boolean;
}

/** Fastify's parser callback: the body, or undefined with the problems left on the request. */
type Done = (error: Error | null, body?: unknown) => void;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;
const YAML_TYPE = /^(?:application|text)\/(?:x-)?yaml$/;
const DEFINITIONS_PATH = /^\/v1\/elections\/?$/;

/** Fastify calls it only for a request that has a body (a length other than 0, or chunked). */
export function bodyReader(options: BodyReaderOptions) {
  return (req: FastifyRequest, payload: IncomingMessage, done: Done): void => {
    const next = (): void => done(null, undefined);
    const refuse = (problems: readonly ProblemItem[]): void => {
      req.bodyProblems = problems;
      next();
    };
    const length = req.headers['content-length'];

    const [mediaType, ...params] = (req.headers['content-type'] ?? '').split(';').map((s) => s.trim().toLowerCase());
    const path = requestPath(req);
    const definition = req.method === 'POST' && DEFINITIONS_PATH.test(path);
    const yaml = definition && YAML_TYPE.test(mediaType);
    if (!JSON_TYPE.test(mediaType) && !yaml) {
      return refuse([
        problem('UNSUPPORTED_MEDIA_TYPE', 'Content-Type', definition ? 'send application/json or application/yaml' : 'send application/json', { contentType: mediaType || 'none' }),
      ]);
    }
    const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return refuse([problem('UNSUPPORTED_MEDIA_TYPE', 'Content-Type', 'the body is UTF-8', { charset })]);
    }
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'identity') {
      return refuse([problem('UNSUPPORTED_MEDIA_TYPE', 'Content-Encoding', 'send the body uncompressed', { contentEncoding: encoding })]);
    }

    if (definition && !options.isAdmin(req.headers.authorization)) {
      // Not the admin: the body is discarded unread and the route's guard answers 401/403.
      payload.resume();
      return next();
    }
    const limit = definition ? options.definitionLimit : options.limit;
    // The rest of the body is not read; the answer closes the connection (ProblemResponder).
    const tooLarge = () => {
      refuse([problem('PAYLOAD_TOO_LARGE', '', `a body is at most ${limit} bytes`, { limit })]);
    };
    if (length !== undefined && Number(length) > limit) {
      payload.resume();
      return tooLarge();
    }

    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    payload.on('data', (chunk: Buffer) => {
      if (finished) return;
      size += chunk.length;
      if (size > limit) {
        finished = true;
        tooLarge();
        payload.resume();
        return;
      }
      chunks.push(chunk);
    });
    payload.on('error', () => {
      finished = true; // the client went away; there is no one to answer
    });
    payload.on('end', () => {
      if (finished) return;
      finished = true;
      const raw = Buffer.concat(chunks, size);
      req.rawBody = raw;
      let text = raw.toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      let body: unknown;
      try {
        body = yaml ? parseYaml(text, { maxAliasCount: 100 }) : JSON.parse(text);
      } catch (e) {
        return refuse([problem('MALFORMED', '', `the body is not ${yaml ? 'YAML' : 'JSON'}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`)]);
      }
      done(null, body);
    });
  };
}
