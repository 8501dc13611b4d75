#!/usr/bin/env node
'use strict';
// npm run faults -- --cycles N [--rate R] [--hold S] [--settle S] [--seed K] [--postgres own|machine]
// The fault campaign: starts its own cluster (tools/cluster, name "faults", ports of its own),
// runs the load generator (load.js) in its own process at a steady rate, and injects one fault
// per cycle, rotating through every kind (each happens at least once in any 4 cycles):
//   kill-role      SIGKILL of a random Tally process, then started again
//   kill-broker    SIGKILL of a random Kafka node, then started again on its storage
//   restart-pg     PostgreSQL restarted (every connection of every process cut)
//   cut-recorder   recorder-1 cut from Kafka (its relay drops every connection) for a while
// After each fault it measures the time until every process is ready again and every partition
// has its full in-sync replica set. After the cycles it stops the load, waits for quiet, and
// checks in the event store itself that every acknowledged submission is recorded exactly once
// with the content that was signed, and that the projectors' live digests equal a fresh replay
// (`tally audit replay`, a process of its own). Last line of stdout: the verdict as JSON; exit
// 1 when anything was lost or duplicated or the digests differ. Stops everything it started.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const broker = require('../kafka/broker');
const cluster = require('./cluster');
const { ROOT, lib } = require('./dist');
const { instances } = require('./topology');

const KINDS = ['kill-role', 'kill-broker', 'restart-pg', 'cut-recorder'];
const USAGE = 'usage: npm run faults -- --cycles N [--rate R] [--hold S] [--settle S] [--seed K] [--postgres own|machine]';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line) => console.error(`faults: ${line}`);

function parseArgs(argv) {
  const opts = { cycles: undefined, rate: 20, hold: 10, settle: 2, seed: 1, postgres: process.env.FAULTS_POSTGRES ?? 'own' };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    const n = Number(value);
    const positive = (integer) => {
      if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`${flag} must be a positive ${integer ? 'integer' : 'number'}, got "${value}"`);
      return n;
    };
    switch (flag) {
      case '--cycles':
        opts.cycles = positive(true);
        break;
      case '--rate':
        opts.rate = positive(false);
        break;
      case '--hold':
        opts.hold = positive(false);
        break;
      case '--settle':
        opts.settle = positive(false);
        break;
      case '--seed':
        opts.seed = positive(true);
        break;
      case '--postgres':
        if (value !== 'own' && value !== 'machine') throw new Error(`--postgres must be "own" (a server of the campaign's own) or "machine" (the one at DATABASE_URL, restarted with pg_ctlcluster), got "${value}"`);
        opts.postgres = value;
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (opts.cycles === undefined) throw new Error(`--cycles is required\n${USAGE}`);
  return opts;
}

/** A small deterministic generator, so a campaign's choices repeat with its seed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every partition of every topic has its full replica set in sync. */
async function fullIsr(s) {
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({ clientId: 'tally-faults', brokers: cluster.bootstrap(s).split(','), logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000, requestTimeout: 3000 }).admin();
  try {
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata();
    return topics.every((t) => t.partitions.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length));
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Seconds from `since` until every process answers ready and Kafka is fully replicated again. */
async function recovery(s, state, since, timeoutMs = 180_000) {
  await cluster.waitUntilReady(s, state, timeoutMs);
  const deadline = since + timeoutMs;
  while (!(await fullIsr(s))) {
    if (Date.now() > deadline) throw new Error(`Kafka partitions still under-replicated after ${timeoutMs} ms`);
    await sleep(250);
  }
  return (Date.now() - since) / 1000;
}

async function inject(kind, s, state, random, opts) {
  switch (kind) {
    case 'kill-role': {
      const all = instances();
      const victim = all[Math.floor(random() * all.length)];
      const t0 = Date.now();
      await cluster.stopService(s, state, victim.name, 'SIGKILL');
      cluster.spawnService(s, state, victim);
      return { target: victim.name, since: t0 };
    }
    case 'kill-broker': {
      const nodes = cluster.kafkaNodes(s);
      const node = nodes[Math.floor(random() * nodes.length)];
      const t0 = Date.now();
      await broker.stopNode({ dir: node.dir, kill: true, log: () => undefined });
      await sleep(opts.hold * 250); // down for a while: leaders move, ISRs shrink
      const started = await cluster.startKafkaNode(s, node, { fresh: false });
      state.kafka[node.name].pid = started.pid;
      cluster.writeState(s, state);
      await cluster.waitForKafka(s);
      return { target: node.name, since: t0 };
    }
    case 'restart-pg': {
      const t0 = Date.now();
      cluster.restartPostgres(state.postgres);
      return { target: `postgres (${state.postgres.kind})`, since: t0 };
    }
    case 'cut-recorder': {
      cluster.setProxyCut(s, state, true);
      // Longer than the consumer session: the group gives its partitions to recorder-2.
      await sleep(opts.hold * 1000);
      cluster.setProxyCut(s, state, false);
      return { target: 'recorder-1', since: Date.now() };
    }
    default:
      throw new Error(`unknown fault ${kind}`);
  }
}

function readJournal(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/** Every precinct event in the store: submission id → [{ type, digest }]. */
async function storedSubmissions(databaseUrl) {
  const { Client } = require('pg');
  const { decodePrecinctEvent } = lib('domain');
  const { signedSubjectOfEvent, encodeSignedSubject } = lib('signatures');
  const { contentDigest } = require('./load');
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT event_type, data FROM tally_events WHERE stream_name LIKE 'precinct-%'`);
    const bySubmission = new Map();
    for (const row of rows) {
      const decoded = decodePrecinctEvent({ type: row.event_type, data: row.data });
      const subject = decoded.ok ? signedSubjectOfEvent(decoded.value) : undefined;
      const id = row.data.submissionId;
      const list = bySubmission.get(id) ?? [];
      list.push({ type: row.event_type, digest: subject ? contentDigest(encodeSignedSubject(subject)) : null });
      bySubmission.set(id, list);
    }
    return bySubmission;
  } finally {
    await client.end();
  }
}

/** Waits until every acknowledged submission has an event, or the time is up. */
async function waitForRecorded(databaseUrl, journal, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stored = await storedSubmissions(databaseUrl);
    const missing = journal.filter((j) => !stored.has(j.submissionId)).length;
    if (missing === 0 || Date.now() > deadline) return stored;
    log(`waiting for quiet: ${missing} acknowledged submissions not yet in the store`);
    await sleep(2000);
  }
}

/** lost: acknowledged but not recorded with the signed content; duplicated: recorded more than once. */
function exactlyOnce(journal, stored) {
  let recorded = 0;
  const lost = [];
  const duplicated = [];
  const seenDigests = new Map();
  for (const events of stored.values()) for (const e of events) if (e.type === 'ProtocolRecorded') seenDigests.set(e.digest, (seenDigests.get(e.digest) ?? 0) + 1);
  for (const entry of journal) {
    const events = stored.get(entry.submissionId) ?? [];
    if (events.length > 1 || (seenDigests.get(entry.digest) ?? 0) > 1) duplicated.push(entry.submissionId);
    else if (events.length === 1 && events[0].type === 'ProtocolRecorded' && events[0].digest === entry.digest) recorded++;
    else lost.push({ submissionId: entry.submissionId, found: events.map((e) => e.type) });
  }
  return { recorded, lost, duplicated };
}

async function adminJson(url, token, method = 'GET') {
  const res = await fetch(url, { method, headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(120_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

/** The projectors, once caught up with the same position: their digests of the election. */
async function liveDigests(state, electionId, timeoutMs = 120_000) {
  const names = Object.keys(state.services).filter((n) => state.services[n].role === 'projector');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const statuses = await Promise.all(names.map((n) => adminJson(`${cluster.serviceUrl(state, n)}/v1/admin/projections`, state.adminToken).catch(() => undefined)));
    const settled = statuses.every((st) => st && st.caughtUp && !st.failure) && new Set(statuses.map((st) => st.position)).size === 1;
    if (settled || Date.now() > deadline) return Object.fromEntries(names.map((n, i) => [n, statuses[i]?.digests?.[electionId] ?? null]));
    await sleep(1000);
  }
}

/** A fresh replay in a process of its own: `tally audit replay --json` against the store. */
function replayDigest(databaseUrl, electionId) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/tally-cli/src/main.js'), 'audit', 'replay', '--json', '--election', electionId], {
      env: { ...process.env, EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`tally audit replay exited ${code}`));
      const parsed = JSON.parse(out);
      resolve(parsed.elections.find((e) => e.electionId === electionId)?.digest ?? null);
    });
  });
}

function startLoad(state, opts, journalFile, precincts) {
  const intakes = Object.keys(state.services).filter((n) => state.services[n].role === 'intake');
  const args = [path.join(__dirname, 'load.js'), ...intakes.flatMap((n) => ['--url', cluster.serviceUrl(state, n)])];
  args.push('--precincts', String(precincts), '--rate', String(opts.rate), '--seed', String(opts.seed), '--journal', journalFile, '--token', state.adminToken);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const done = new Promise((resolve) => child.on('exit', (code) => resolve({ code, summary: lastJson(out) })));
  return { child, done };
}

function lastJson(text) {
  const line = text.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

async function campaign(opts) {
  const started = Date.now();
  const options = {
    name: 'faults',
    // Below 32768, Linux's first ephemeral port: a client's own port (even a socket connected to
    // itself while a node is still starting) can never take a port a node is about to bind.
    kafkaPort: Number(process.env.FAULTS_KAFKA_PORT ?? 30092),
    httpPort: Number(process.env.FAULTS_HTTP_PORT ?? 30200),
    pgPort: Number(process.env.FAULTS_PG_PORT ?? 30432),
    postgres: opts.postgres,
    log,
  };
  // A campaign that died without cleaning up: stop what its state file names (by pid, if ours).
  await cluster.stopCluster(options);
  let load;
  const stopAll = async () => {
    if (load && load.child.exitCode === null) load.child.kill('SIGKILL');
    await cluster.stopCluster(options);
  };
  const onSignal = (signal) => {
    log(`${signal}: stopping everything`);
    stopAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { settings: s, state } = await cluster.startCluster(options);
    const journalFile = path.join(s.dir, 'journal.jsonl');
    // Enough signed protocols for the whole run at this rate (2 contests per precinct), never exhausted.
    const expectedSeconds = opts.cycles * (opts.hold + opts.settle + 25) + 60;
    const precincts = Math.max(100, Math.ceil((opts.rate * expectedSeconds) / 2));
    load = startLoad(state, opts, journalFile, precincts);
    while (readJournal(journalFile).length === 0) {
      if (load.child.exitCode !== null) throw new Error('the load generator ended before its first acknowledged submission');
      await sleep(500);
    }
    log(`load running (${opts.rate}/s); ${opts.cycles} cycles`);

    const random = rng(opts.seed);
    const cycles = [];
    for (let c = 0; c < opts.cycles; c++) {
      const kind = KINDS[c % KINDS.length];
      const fault = await inject(kind, s, state, random, opts);
      const seconds = await recovery(s, state, fault.since);
      cycles.push({ cycle: c + 1, kind, target: fault.target, recoverySeconds: Number(seconds.toFixed(1)) });
      log(`cycle ${c + 1}/${opts.cycles}: ${kind} ${fault.target}, recovered in ${seconds.toFixed(1)} s (${readJournal(journalFile).length} acknowledged so far)`);
      await sleep(opts.settle * 1000);
    }

    load.child.kill('SIGTERM');
    const loaded = await load.done;
    log(`load stopped: ${JSON.stringify(loaded.summary)}`);
    const journal = readJournal(journalFile);
    const electionId = loaded.summary?.electionId;
    if (!electionId) throw new Error(`the load generator gave no summary (exit ${loaded.code})`);

    const stored = await waitForRecorded(state.databaseUrl, journal, 180_000);
    const { recorded, lost, duplicated } = exactlyOnce(journal, stored);
    for (const l of lost.slice(0, 10)) log(`LOST ${JSON.stringify(l)}`);
    for (const d of duplicated.slice(0, 10)) log(`DUPLICATED ${d}`);

    const live = await liveDigests(state, electionId);
    const replayed = await replayDigest(state.databaseUrl, electionId);
    const digestEqual = replayed !== null && Object.values(live).every((d) => d === replayed);
    log(`digests: replay ${replayed}; live ${JSON.stringify(live)}`);

    const kindsSeen = [...new Set(cycles.map((c) => c.kind))];
    const report = {
      cycles: cycles.length,
      acknowledged: journal.length,
      recorded,
      lost: lost.length,
      duplicated: duplicated.length,
      digestEqual,
      maxRecoverySeconds: Math.max(0, ...cycles.map((c) => c.recoverySeconds)),
      kinds: kindsSeen,
      perCycle: cycles,
      loadRetries: loaded.summary.retries,
      seconds: Number(((Date.now() - started) / 1000).toFixed(1)),
    };
    fs.writeFileSync(path.join(s.dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopAll();
  }
}

module.exports = { KINDS, exactlyOnce, parseArgs };

if (require.main === module) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`faults: ${error.message}`);
    process.exit(2);
  }
  campaign(opts).then(
    (report) => {
      // The verdict first, in the order the issue names; the details after it.
      const { cycles, acknowledged, recorded, lost, duplicated, digestEqual, maxRecoverySeconds, ...details } = report;
      console.log(JSON.stringify({ cycles, acknowledged, recorded, lost, duplicated, digestEqual, maxRecoverySeconds, ...details }));
      process.exit(lost === 0 && duplicated === 0 && digestEqual && recorded === acknowledged ? 0 : 1);
    },
    (error) => {
      console.error(`faults: ${error.stack ?? error.message}`);
      // Still a JSON last line, so whoever reads the verdict reads why there is none.
      console.log(JSON.stringify({ error: error.message }));
      process.exit(1);
    },
  );
}
