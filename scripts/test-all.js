#!/usr/bin/env node
// `npm test`: everything CI runs, in order — lint (with the domain's purity rule), type-check,
// build, unit suites, then integration and end-to-end suites against a real Kafka broker
// (started by tools/kafka/with-broker.js unless KAFKA_BROKERS is set) and the PostgreSQL
// server at DATABASE_URL, then the fault campaign (tools/cluster/faults.js: a three-broker
// cluster with the service split by role, on ports of its own, faults injected under load).
// Ends with one plain "N passed, N failed, N skipped" line.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-test-'));

function step(title, cmd, args) {
  process.stderr.write(`\n=== ${title}: ${[cmd, ...args].join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  return r.status ?? 1;
}

function jestCounts(file) {
  try {
    const j = JSON.parse(fs.readFileSync(file, 'utf8'));
    return { passed: j.numPassedTests, failed: j.numFailedTests + (j.numRuntimeErrorTestSuites ?? 0), skipped: j.numPendingTests + j.numTodoTests };
  } catch {
    return { passed: 0, failed: 1, skipped: 0 };
  }
}

const total = { passed: 0, failed: 0, skipped: 0 };
let failedSteps = [];
const add = (c) => { total.passed += c.passed; total.failed += c.failed; total.skipped += c.skipped; };

for (const [title, cmd, args] of [
  ['lint', bin('eslint'), ['.']],
  ['type-check', 'npm', ['run', '-s', 'typecheck']],
  ['build', 'npm', ['run', '-s', 'build']],
]) {
  if (step(title, cmd, args) !== 0) failedSteps.push(title);
}

const unitOut = path.join(tmp, 'unit.json');
if (step('unit', bin('jest'), ['--selectProjects', 'unit', '--json', `--outputFile=${unitOut}`]) !== 0) failedSteps.push('unit');
add(jestCounts(unitOut));

const slowOut = path.join(tmp, 'slow.json');
if (step('integration + e2e', process.execPath, [path.join(root, 'tools/kafka/with-broker.js'), bin('jest'), '--selectProjects', 'integration', 'e2e', '--runInBand', '--json', `--outputFile=${slowOut}`]) !== 0) failedSteps.push('integration + e2e');
add(jestCounts(slowOut));

// The campaign counts as one test: its last stdout line is the verdict, checked here as well as
// by its own exit code.
const FAULT_CYCLES = 10;
process.stderr.write(`\n=== fault campaign: node tools/cluster/faults.js --cycles ${FAULT_CYCLES}\n`);
const faults = spawnSync(process.execPath, [path.join(root, 'tools/cluster/faults.js'), '--cycles', String(FAULT_CYCLES)], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: process.env,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
process.stdout.write(faults.stdout ?? '');
const verdict = faultVerdict(faults.stdout ?? '');
if (faults.status !== 0 || verdict.length > 0) {
  failedSteps.push('fault campaign');
  process.stderr.write(`fault campaign failed (exit ${faults.status}): ${verdict.join('; ') || 'see its output above'}\n`);
  add({ passed: 0, failed: 1, skipped: 0 });
} else {
  add({ passed: 1, failed: 0, skipped: 0 });
}

/** What is wrong with the campaign's last line (empty when nothing). */
function faultVerdict(stdout) {
  let r;
  try {
    r = JSON.parse(stdout.trim().split('\n').pop());
  } catch {
    return ['its last line is not JSON'];
  }
  const problems = [];
  if (!(r.cycles >= FAULT_CYCLES)) problems.push(`cycles ${r.cycles} < ${FAULT_CYCLES}`);
  if (!(r.acknowledged > 0)) problems.push('nothing was acknowledged');
  if (r.lost !== 0) problems.push(`lost ${r.lost}`);
  if (r.duplicated !== 0) problems.push(`duplicated ${r.duplicated}`);
  if (r.recorded !== r.acknowledged) problems.push(`recorded ${r.recorded} of ${r.acknowledged}`);
  if (r.digestEqual !== true) problems.push('live digests differ from a fresh replay');
  for (const kind of ['kill-role', 'kill-broker', 'restart-pg', 'cut-recorder']) if (!(r.kinds ?? []).includes(kind)) problems.push(`no ${kind} fault`);
  return problems;
}

fs.rmSync(tmp, { recursive: true, force: true });
if (failedSteps.length > 0) process.stderr.write(`\nfailed steps: ${failedSteps.join(', ')}\n`);
process.stdout.write(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exit(failedSteps.length > 0 ? 1 : 0);
