#!/usr/bin/env node
// `npm run mutate -- [--force] <group> [<group> …]` (none: every group but `audit`, which takes
// hours and runs only when named, one after the other):
// Stryker over each group of tools/mutate/groups.js, reports in reports/mutation/<group>.html and
// .json. `--force` tests every mutant again, not only those the incremental file says changed
// (Stryker judges a test changed by its own lines, so a spec's shared helper made stricter is not).
// Exits 1 if a run failed (not for survivors: they are for a person to judge, see README.md).
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { defaultGroups, groups, groupNamed } = require('./groups.js');

const root = path.resolve(__dirname, '../..');
const flags = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
const asked = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const unknown = asked.filter((name) => groupNamed(name) === undefined);
if (unknown.length > 0) {
  console.error(`no such group: ${unknown.join(', ')} (groups: ${Object.keys(groups).join(', ')})`);
  process.exit(2);
}
let failed = false;
for (const name of asked.length > 0 ? asked : defaultGroups()) {
  console.log(`\n== mutating ${name}: ${groups[name].mutate.join(', ')}`);
  const run = spawnSync(process.execPath, [path.join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js'), 'run', ...flags], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TALLY_MUTATE: name },
  });
  if (run.status !== 0) {
    console.error(`mutating ${name} failed (exit ${run.status ?? run.signal})`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
