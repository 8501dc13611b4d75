#!/usr/bin/env node
// The package registry reachable from our machines serves only the linux-x64 builds of
// platform-specific optional packages (rollup's and unrs-resolver's native bindings), so npm
// writes no lock entries for the others — and npm 11's `npm ci` then refuses the lock as out of
// sync. This adds the missing entries (name, version, optional) from their parents'
// optionalDependencies, which is what a full registry would have written, minus the integrity
// that npm checks when it fetches them. Run it after any `npm install` that changes the lock.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const lockPath = path.join(root, 'package-lock.json');

for (let round = 0; round < 5; round++) {
  const r = spawnSync('npm', ['ci', '--dry-run', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  const missing = [...(r.stdout + r.stderr).matchAll(/Missing: (@?[^@\s]+)@\S* from lock file/g)].map((m) => m[1]);
  if (missing.length === 0) {
    process.stdout.write(r.status === 0 ? 'package-lock.json: complete\n' : `npm ci --dry-run failed for another reason:\n${r.stderr}`);
    process.exit(r.status ?? 1);
  }
  const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
  for (const name of new Set(missing)) {
    const parent = Object.values(lock.packages).find((p) => p.optionalDependencies && name in p.optionalDependencies);
    if (!parent) throw new Error(`no package in the lock names ${name} as optional`);
    const entry = { version: parent.optionalDependencies[name].replace(/^[\^~=]/, ''), optional: true };
    if (parent.dev) entry.dev = true;
    lock.packages[`node_modules/${name}`] = entry;
  }
  lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
  fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
  process.stdout.write(`package-lock.json: added ${new Set(missing).size} optional platform entries\n`);
}
process.exit(1);
