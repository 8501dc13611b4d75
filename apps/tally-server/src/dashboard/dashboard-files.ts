// Serves the built dashboard (dist/dashboard) as a single-page app: real files as they are,
// every other page path (not the API, docs, health or metrics) gets index.html so deep links
// and reloads work. Without a build, `/` answers a plain 503 that says how to make one.
import send, { type SendOptions } from '@fastify/send';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, resolve } from 'node:path';
import { requestPath } from '../http/http-request';

/** Paths that belong to the server, never to the page: a miss there stays the API's 404. */
const SERVER_PREFIXES = ['/v1', '/docs', '/health', '/metrics'];

export const NOT_BUILT_MESSAGE = 'dashboard not built: run npm run build';

/** The page loads only its own files and talks only to this server: no CDN, no outside fonts. */
const PAGE_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/** The repository root: the nearest directory above `from` with a package.json (works from src/ and dist/). */
export function findRoot(from: string = __dirname): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

export const defaultDashboardDir = (): string => join(findRoot(), 'dist', 'dashboard');

const isServerPath = (path: string): boolean => SERVER_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));

type Next = (error?: unknown) => void;

/** A middleware on node's own request and response (mounted as a Fastify hook: http/node-hooks.ts). */
export function dashboardMiddleware(dir: string): (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: Next) => void {
  const root = resolve(dir);
  return (req, res, next) => {
    // A middleware mounted on a path sees the rest of it in url; the whole path is originalUrl's.
    const path = requestPath({ url: req.originalUrl ?? req.url });
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isServerPath(path)) return next();
    const index = join(root, 'index.html');
    // Checked per request: a build made while the server runs is picked up without a restart.
    if (!existsSync(index)) {
      if (path !== '/' && extname(path) !== '') return next();
      const text = `${NOT_BUILT_MESSAGE}\n`;
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
      res.end(req.method === 'HEAD' ? undefined : text);
      return;
    }
    if (extname(path) !== '') {
      // Hashed file names under assets/ never change content; anything else is revalidated.
      const immutable = path.startsWith('/assets/');
      void sendFile(req, res, path, { root, dotfiles: 'deny', maxAge: immutable ? '1y' : 0, immutable }, {}, next);
      return;
    }
    void sendFile(req, res, '/index.html', { root, maxAge: 0 }, { 'Content-Security-Policy': PAGE_POLICY, 'Cache-Control': 'no-cache' }, next);
  };
}

/** One file under root, as @fastify/send finds it: no such file goes on to the server's 404, a path outside root is refused (403). */
async function sendFile(req: IncomingMessage, res: ServerResponse, path: string, options: SendOptions, extra: Record<string, string>, next: Next): Promise<void> {
  try {
    const found = await send(req, path, options);
    const status = found.statusCode;
    if (found.type === 'directory' || (found.type === 'error' && (status === 404 || status >= 500))) {
      found.stream.destroy();
      return found.type === 'error' && status >= 500 ? next(found.metadata.error) : next();
    }
    res.writeHead(found.statusCode, { ...found.headers, ...extra });
    found.stream.pipe(res);
  } catch (e) {
    next(e);
  }
}
