// Serves the built dashboard (dist/dashboard) as a single-page app: real files as they are,
// every other page path (not the API, docs, health or metrics) gets index.html so deep links
// and reloads work. Without a build, `/` answers a plain 503 that says how to make one.
import { existsSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import type { NextFunction, Request, Response } from 'express';

/** Paths that belong to the server, never to the page: a miss there stays the API's 404. */
const SERVER_PREFIXES = ['/v1', '/docs', '/health', '/metrics'];

export const NOT_BUILT_MESSAGE = 'dashboard not built: run npm run build';

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

export function dashboardMiddleware(dir: string): (req: Request, res: Response, next: NextFunction) => void {
  const root = resolve(dir);
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isServerPath(req.path)) return next();
    const index = join(root, 'index.html');
    // Checked per request: a build made while the server runs is picked up without a restart.
    if (!existsSync(index)) {
      if (req.path !== '/' && extname(req.path) !== '') return next();
      res.status(503).type('text/plain; charset=utf-8').setHeader('Cache-Control', 'no-store');
      res.send(`${NOT_BUILT_MESSAGE}\n`);
      return;
    }
    if (extname(req.path) !== '') {
      // Hashed file names under assets/ never change content; anything else is revalidated.
      const immutable = req.path.startsWith('/assets/');
      res.sendFile(req.path, { root, dotfiles: 'deny', maxAge: immutable ? '1y' : 0, immutable }, (err?: Error & { status?: number; code?: string }) => {
        if (!err || res.headersSent) return;
        // No such file: the server's own 404. A path outside the directory: refused (403).
        if (err.status === 404 || err.code === 'ENOENT') next();
        else if (err.status !== undefined && err.status < 500) res.sendStatus(err.status);
        else next(err);
      });
      return;
    }
    // The page loads only its own files and talks only to this server: no CDN, no outside fonts.
    res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'");
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile('index.html', { root });
  };
}
