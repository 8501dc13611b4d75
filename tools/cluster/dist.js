'use strict';
// The service's build output, for the plain-JS tools here (no ts-node in CI): built on first use.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const SERVER_ENTRY = path.join(ROOT, 'dist/apps/tally-server/src/main.js');

function ensureBuilt(log = (line) => console.error(line)) {
  if (fs.existsSync(SERVER_ENTRY)) return;
  log('dist/ is missing: npm run build');
  const b = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) throw new Error(`npm run build failed (exit ${b.status})`);
}

/** A library of the monorepo as built: lib('domain') is @tally/domain. */
function lib(name) {
  ensureBuilt();
  return require(path.join(ROOT, 'dist/libs', name, 'src'));
}

module.exports = { ROOT, SERVER_ENTRY, ensureBuilt, lib };
