#!/usr/bin/env node
// `npm test`: everything CI runs, in order — lint (with the domain's purity rule), type-check,
// build, unit suites, then integration and end-to-end suites against a real Kafka broker
// (started by tools/kafka/with-broker.js unless KAFKA_BROKERS is set) and the PostgreSQL
// server at DATABASE_URL, and the fault campaign (tools/cluster/faults.js: a three-broker
// cluster with the service split by role, on ports, a PostgreSQL server and a database of its
// own, faults injected under load), which runs beside the suites from the build on: run after
// them it would take CI past 20 minutes. Ends with one plain "N passed, N failed, N skipped" line.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-test-'));

const seconds = (since) => ((Date.now() - since) / 1000).toFixed(0);

function step(title, cmd, args) {
  process.stderr.write(`\n=== ${title}: ${[cmd, ...args].join(' ')}\n`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  process.stderr.write(`=== ${title}: exit ${r.status ?? r.signal}, ${seconds(started)} s\n`);
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
const failedSteps = [];
const add = (c) => { total.passed += c.passed; total.failed += c.failed; total.skipped += c.skipped; };

for (const [title, cmd, args] of [
  ['lint', bin('eslint'), ['.']],
  ['type-check', 'npm', ['run', '-s', 'typecheck']],
  ['build', 'npm', ['run', '-s', 'build']],
]) {
  if (step(title, cmd, args) !== 0) failedSteps.push(title);
}

// The fault campaign, started now (it needs the build) and awaited after the other suites. Its
// output goes to files, not pipes: nothing reads a pipe while spawnSync runs the suites.
const FAULT_CYCLES = 10;
const faultsOut = path.join(tmp, 'faults.out');
const faultsErr = path.join(tmp, 'faults.err');
process.stderr.write(`\n=== fault campaign (beside the suites; its log follows them): node tools/cluster/faults.js --cycles ${FAULT_CYCLES}\n`);
const faultsStarted = Date.now();
const faultsChild = spawn(process.execPath, [path.join(root, 'tools/cluster/faults.js'), '--cycles', String(FAULT_CYCLES)], {
  cwd: root,
  stdio: ['ignore', fs.openSync(faultsOut, 'w'), fs.openSync(faultsErr, 'w')],
  env: process.env,
});
const faultsExit = new Promise((resolve) => {
  faultsChild.on('exit', (code, signal) => resolve(code ?? signal));
  faultsChild.on('error', (error) => resolve(error.message));
});

const unitOut = path.join(tmp, 'unit.json');
if (step('unit', bin('jest'), ['--selectProjects', 'unit', '--json', `--outputFile=${unitOut}`]) !== 0) failedSteps.push('unit');
add(jestCounts(unitOut));

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

const slowOut = path.join(tmp, 'slow.json');
if (step('integration + e2e', process.execPath, [path.join(root, 'tools/kafka/with-broker.js'), bin('jest'), '--selectProjects', 'integration', 'e2e', '--runInBand', '--json', `--outputFile=${slowOut}`]) !== 0) failedSteps.push('integration + e2e');
add(jestCounts(slowOut));

async function faultCampaign() {
  const code = await faultsExit;
  process.stderr.write(`\n=== fault campaign: exit ${code}, ${seconds(faultsStarted)} s after its start; its log:\n${fs.readFileSync(faultsErr, 'utf8')}`);
  const stdout = fs.readFileSync(faultsOut, 'utf8');
  process.stdout.write(stdout);
  const verdict = faultVerdict(stdout);
  if (code !== 0 || verdict.length > 0) {
    failedSteps.push('fault campaign');
    process.stderr.write(`fault campaign failed (exit ${code}): ${verdict.join('; ') || 'see its output above'}\n`);
    add({ passed: 0, failed: 1, skipped: 0 });
  } else {
    add({ passed: 1, failed: 0, skipped: 0 });
  }
}

faultCampaign().then(finish, (error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  failedSteps.push('test runner');
  finish();
});

function finish() {
  fs.rmSync(tmp, { recursive: true, force: true });
  if (failedSteps.length > 0) process.stderr.write(`\nfailed steps: ${failedSteps.join(', ')}\n`);
  process.stdout.write(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
  process.exit(failedSteps.length > 0 ? 1 : 0);
}
