// For the access-log specs: a pino logger writing its lines into an array, and a real HTTP server
// on loopback with one middleware in front of a handler.
import { createServer, request, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';

export function memoryLogger(options: pino.LoggerOptions): { readonly logger: pino.Logger; readonly lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    options,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    }),
  );
  return { logger, lines };
}

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export interface MiddlewareServer {
  /** One request; resolves once its response has ended and the 'finish' listeners have run. */
  hit(method: string, path: string, headers?: OutgoingHttpHeaders): Promise<void>;
  close(): Promise<void>;
}

export async function serveThrough(middleware: Middleware, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<MiddlewareServer> {
  const server = createServer((req, res) => middleware(req, res, () => handler(req, res)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    hit: (method, path, headers = {}) =>
      new Promise<void>((resolve, reject) => {
        const req = request({ port, host: '127.0.0.1', method, path, headers }, (res) => {
          res.resume();
          res.on('end', () => setImmediate(resolve));
        });
        req.on('error', reject);
        req.end();
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
