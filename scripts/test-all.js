#!/usr/bin/env node
// `npm test`: everything CI runs — lint (with the domain's purity rule), type-check, build, unit
// suites, then integration and end-to-end suites against a real Kafka broker (started by
// tools/kafka/with-broker.js unless KAFKA_BROKERS is set) and the PostgreSQL server at
// DATABASE_URL, and the fault campaign (tools/cluster/faults.js: a three-broker cluster with the
// service split by role, on ports, a PostgreSQL server and a database of its own, faults injected
// under load). Ends with one plain "N passed, N failed, N skipped" line.
//
// What runs side by side on CI's two cores, and why:
// - lint, type-check, build and the Kafka fetch together (independent; one core each is all they use);
// - from the build on, three at once: the integration and end-to-end suites in band (the longest,
//   and much of it waiting on Kafka, PostgreSQL, Chromium and child processes), the fault campaign
//   and, once the campaign's cluster is up, the unit suites (one worker, as Jest picks on two
//   cores), which take the CPU the other two leave idle. The unit suites use no broker, no server database and only ephemeral ports, so
//   nothing they do reaches the others. Run after the unit suites, the integration and end-to-end
//   suites took CI past 20 minutes.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tally-test-'));

const seconds = (since) => ((Date.now() - since) / 1000).toFixed(0);

/**
 * Runs a step as a child process; resolves with its exit status. `quiet` steps, which run beside
 * others, write to a file that is printed whole when they end, so their lines do not interleave.
 */
function step(title, cmd, args, { quiet = false } = {}) {
  process.stderr.write(`\n=== ${title}: ${[cmd, ...args].join(' ')}${quiet ? ' (its output when it ends)' : ''}\n`);
  const started = Date.now();
  const out = quiet ? path.join(tmp, `${title.replace(/\W+/g, '-')}.log`) : undefined;
  const fd = out ? fs.openSync(out, 'w') : undefined;
  const child = spawn(cmd, args, { cwd: root, stdio: fd === undefined ? 'inherit' : ['ignore', fd, fd], env: process.env });
  if (fd !== undefined) fs.closeSync(fd);
  return new Promise((resolve) => {
    const done = (status) => {
      if (out) process.stderr.write(`\n=== ${title}: its output\n${fs.readFileSync(out, 'utf8')}`);
      process.stderr.write(`=== ${title}: exit ${status}, ${seconds(started)} s\n`);
      resolve(status);
    };
    child.on('exit', (code, signal) => done(code ?? signal));
    child.on('error', (error) => done(error.message));
  });
}

// What failed is printed last: CI shows the head and the tail of a long run, and the tail is
// where a failure must be readable.
const failures = [];
const plain = (text) => String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '');
const firstLines = (text, n) => plain(text).split('\n').filter((line) => line.trim() !== '' && !/^\s*at (.*(node_modules|node:internal)|new Promise \(<anonymous>\))/.test(line)).slice(0, n).map((line) => `      ${line.trim().slice(0, 300)}`);

/** A Jest --json report, read once: its counts, and its failed tests added to `failures`. */
function jestReport(file) {
  let report;
  try {
    report = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    failures.push(`${path.basename(file)}: no Jest report (${error.code ?? error.message})`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  for (const suite of report.testResults ?? []) {
    const where = path.relative(root, suite.name);
    const failed = (suite.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failed) failures.push([`${where} › ${test.fullName}`, ...firstLines(test.failureMessages.join('\n'), 8)].join('\n'));
    // A suite that failed outside any test (a hook, an import, a timeout in beforeAll).
    if (failed.length === 0 && suite.status === 'failed') failures.push([`${where} (the suite itself)`, ...firstLines(suite.message, 12)].join('\n'));
  }
  return { passed: report.numPassedTests, failed: report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0), skipped: report.numPendingTests + report.numTodoTests };
}

const total = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];
const add = (c) => { total.passed += c.passed; total.failed += c.failed; total.skipped += c.skipped; };

// The fault campaign, started once the build is there and awaited after the suites. Its output
// goes to files, not pipes: nothing needs to read them while it runs.
const FAULT_CYCLES = 10;
const faultsOut = path.join(tmp, 'faults.out');
const faultsErr = path.join(tmp, 'faults.err');
let faultsStarted;
function startFaultCampaign() {
  process.stderr.write(`\n=== fault campaign (beside the suites; its log follows them): node tools/cluster/faults.js --cycles ${FAULT_CYCLES}\n`);
  faultsStarted = Date.now();
  const child = spawn(process.execPath, [path.join(root, 'tools/cluster/faults.js'), '--cycles', String(FAULT_CYCLES)], {
    cwd: root,
    stdio: ['ignore', fs.openSync(faultsOut, 'w'), fs.openSync(faultsErr, 'w')],
    env: process.env,
  });
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal));
    child.on('error', (error) => resolve(error.message));
  });
}

/** Resolves once the campaign's log says its cluster is ready, or it has ended, or after 5 minutes. */
async function clusterStartedOrOver(faultsExit) {
  let over = false;
  let ready = false;
  faultsExit.then(() => (over = true));
  const deadline = Date.now() + 300_000;
  while (!over && !ready && Date.now() < deadline) {
    ready = /^faults: ready in /m.test(fs.readFileSync(faultsErr, 'utf8'));
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const state = ready ? 'its cluster is ready' : over ? 'it has ended' : 'its cluster is still starting';
  process.stderr.write(`\n=== fault campaign: ${state}, ${seconds(faultsStarted)} s after its start; the unit suites start\n`);
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

async function faultCampaign(faultsExit) {
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

async function main() {
  const prepared = await Promise.all([
    step('lint', bin('eslint'), ['.'], { quiet: true }),
    step('type-check', 'npm', ['run', '-s', 'typecheck'], { quiet: true }),
    step('build', 'npm', ['run', '-s', 'build'], { quiet: true }),
    // Once, before the broker of the suites and the campaign's cluster start side by side.
    step('kafka fetch', process.execPath, [path.join(root, 'tools/kafka/kafka.js'), 'fetch'], { quiet: true }),
  ]);
  ['lint', 'type-check', 'build', 'kafka fetch'].forEach((title, i) => prepared[i] !== 0 && failedSteps.push(title));

  const faultsExit = startFaultCampaign();
  const unitOut = path.join(tmp, 'unit.json');
  const slowOut = path.join(tmp, 'slow.json');
  const [unit, slow] = await Promise.all([
    // The unit suites wait for the campaign's cluster to be up: four JVMs and six services starting
    // is the heaviest minute of the run, and with the unit suites beside it a service once missed
    // its 180 s readiness deadline on CI. They have the time: they end long before the others.
    clusterStartedOrOver(faultsExit).then(() => step('unit', bin('jest'), ['--selectProjects', 'unit', '--json', `--outputFile=${unitOut}`], { quiet: true })),
    step('integration + e2e', process.execPath, [path.join(root, 'tools/kafka/with-broker.js'), bin('jest'), '--selectProjects', 'integration', 'e2e', '--runInBand', '--json', `--outputFile=${slowOut}`]),
  ]);
  if (unit !== 0) failedSteps.push('unit');
  add(jestReport(unitOut));
  if (slow !== 0) failedSteps.push('integration + e2e');
  add(jestReport(slowOut));
  await faultCampaign(faultsExit);
}

main().then(finish, (error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  failedSteps.push('test runner');
  finish();
});

function finish() {
  fs.rmSync(tmp, { recursive: true, force: true });
  const shown = failures.slice(0, 30);
  if (shown.length > 0) process.stderr.write(`\n=== failed tests (${failures.length}${failures.length > shown.length ? `, the first ${shown.length}` : ''}):\n${shown.map((f) => `  - ${f}`).join('\n')}\n`);
  if (failedSteps.length > 0) process.stderr.write(`\nfailed steps: ${failedSteps.join(', ')}\n`);
  process.stdout.write(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
  process.exit(failedSteps.length > 0 ? 1 : 0);
}
