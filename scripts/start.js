#!/usr/bin/env node
// `npm start`: build when the sources are newer than dist/, then run the service on the
// embedded defaults (PGlite under ./data, in-process queue) with the demo election.
// Arguments after `--` go to the service, e.g. `npm start -- --simulate`.
'use strict';
const { spawnSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'dist/apps/tally-server/src/main.js');

function newestSource(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|tsx|css|html)$/.test(e.name)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

const stale = !fs.existsSync(entry) || ['apps', 'libs'].some((d) => newestSource(path.join(root, d)) > fs.statSync(entry).mtimeMs);
if (stale) {
  process.stderr.write('tally: building (first start or sources changed)…\n');
  const b = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
// The simulator plays a whole night through intake; the per-address rate limit would stretch it.
const env = { ...process.env };
if (process.argv.includes('--simulate') && !env.TALLY_RATE_LIMIT) env.TALLY_RATE_LIMIT = '100000';
const child = spawn(process.execPath, ['--enable-source-maps', entry, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
