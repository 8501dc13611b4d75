// The dashboard's static serving: files, the SPA fallback for page paths, the API left alone,
// and the plain 503 when nobody built the page.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { dashboardMiddleware, NOT_BUILT_MESSAGE } from './dashboard-files';

const answer = (res: ServerResponse, status: number, type: string, body: string) => res.writeHead(status, { 'Content-Type': type }).end(body);

/** The middleware in front of a stand-in API: GET /v1/elections, and 404 for anything else. */
function appOver(dir: string) {
  const dashboard = dashboardMiddleware(dir);
  return createServer((req, res) =>
    dashboard(req, res, (error) => {
      if (error) return answer(res, 500, 'text/plain', String(error));
      if (req.url === '/v1/elections') return answer(res, 200, 'application/json', '[]');
      answer(res, 404, 'text/plain', 'api 404');
    }),
  );
}

describe('dashboard files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tally-dashboard-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers 503 with the command to run when the page was not built', async () => {
    const res = await request(appOver(join(dir, 'missing'))).get('/');
    expect({ status: res.status, type: res.headers['content-type'], text: res.text.trim() }).toEqual({
      status: 503,
      type: 'text/plain; charset=utf-8',
      text: NOT_BUILT_MESSAGE,
    });
    expect((await request(appOver(join(dir, 'missing'))).get('/elections/x')).status).toBe(503);
    expect((await request(appOver(join(dir, 'missing'))).get('/v1/elections')).status).toBe(200);
  });

  it('serves files, falls back to index.html for page paths, and leaves server paths alone', async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Tally</title>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    const app = appOver(dir);

    const index = await request(app).get('/');
    expect(index.status).toBe(200);
    expect(index.text).toContain('<title>Tally</title>');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");

    const deep = await request(app).get('/elections/almaty-city-2023/commissions/alatau');
    expect({ status: deep.status, html: deep.text.includes('<title>Tally</title>') }).toEqual({ status: 200, html: true });

    const asset = await request(app).get('/assets/index-abc.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');

    expect((await request(app).get('/assets/missing.js')).text).toBe('api 404');
    expect((await request(app).get('/v1/elections')).body).toEqual([]);
    expect((await request(app).get('/v1/nothing')).text).toBe('api 404');
    expect((await request(app).get('/assets/../../package.json')).status).toBe(403);
  });
});
