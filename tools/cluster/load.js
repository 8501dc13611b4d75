#!/usr/bin/env node
'use strict';
// npm run load -- --url http://127.0.0.1:3001 [--url …] --precincts N --rate R
//                 [--election ID] [--duration S] [--seed K] [--journal FILE] [--token T]
//                 [--turnout-share S]
// Drives a running Tally (one process, the cluster, or docker-compose) from its own process:
// defines (or reuses) a synthetic election whose commissions sign with the public demo keys,
// signs every protocol ahead, then submits them at a steady rate spread over the intake URLs.
// A 429, a 5xx or a connection error is retried with the very same body (so the same submission
// id: intake answers a retry with its first submission). Every acknowledged submission (202, or
// 200 for a retry already known) goes to the journal, one JSON line each: submission id and the
// digest of what was signed (SHA-256 of the canonical signed encoding), which the fault
// campaign compares with the event store. SIGTERM/SIGINT: stop sending, finish what is in
// flight, write the summary. Last line of stdout: the summary as JSON.
const crypto = require('node:crypto');
const fs = require('node:fs');
const { lib } = require('./dist');
const { createPoster } = require('./http-post');

const USAGE = 'usage: npm run load -- --url URL [--url URL …] --precincts N --rate R [--election ID] [--duration S] [--seed K] [--journal FILE] [--token T] [--concurrency C] [--turnout-share S]';

function parseArgs(argv) {
  const opts = { urls: [], precincts: undefined, rate: undefined, election: undefined, duration: undefined, seed: 1, journal: undefined, token: process.env.TALLY_ADMIN_TOKEN, concurrency: 64, turnoutShare: 0 };
  const positive = (flag, text, { integer = true } = {}) => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`${flag} must be a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    i++;
    switch (flag) {
      case '--url':
        if (!/^https?:\/\/[^/]+$/.test(value.replace(/\/$/, ''))) throw new Error(`--url must be http(s)://host:port without a path, got "${value}"`);
        opts.urls.push(value.replace(/\/$/, ''));
        break;
      case '--precincts':
        opts.precincts = positive(flag, value);
        break;
      case '--rate':
        opts.rate = positive(flag, value, { integer: false });
        break;
      case '--duration':
        opts.duration = positive(flag, value, { integer: false });
        break;
      case '--seed':
        opts.seed = positive(flag, value);
        break;
      case '--concurrency':
        opts.concurrency = positive(flag, value);
        break;
      case '--turnout-share': {
        const share = Number(value);
        if (!Number.isFinite(share) || share < 0 || share > 1) throw new Error(`--turnout-share must be a number from 0 to 1, got "${value}"`);
        opts.turnoutShare = share;
        break;
      }
      case '--election':
        if (!/^[A-Za-z0-9._-]{1,100}$/.test(value)) throw new Error(`--election must be an election id (letters, digits, ".", "_", "-"), got "${value}"`);
        opts.election = value;
        break;
      case '--journal':
        opts.journal = value;
        break;
      case '--token':
        opts.token = value;
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (opts.urls.length === 0) throw new Error(`--url is required\n${USAGE}`);
  if (opts.precincts === undefined) throw new Error(`--precincts is required\n${USAGE}`);
  if (opts.rate === undefined) throw new Error(`--rate is required\n${USAGE}`);
  return opts;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The election to sign for: the stored one under --election if there is one, else a synthetic one, defined now. */
async function prepareElection(opts, log) {
  const { generateSyntheticElection } = lib('domain');
  const { withDemoKeys, usesDemoKeys } = lib('signatures');
  const url = opts.urls[0];
  if (opts.election) {
    const res = await fetch(`${url}/v1/elections/${opts.election}/definition`);
    if (res.status === 200) {
      const definition = await res.json();
      if (!usesDemoKeys(definition)) throw new Error(`election ${opts.election} does not use the demo keys: its commissions' private keys are not public, so this generator cannot sign for them`);
      log(`using the stored election ${opts.election}`);
      return definition;
    }
  }
  const synthetic = withDemoKeys(generateSyntheticElection({ seed: opts.seed, precincts: opts.precincts }));
  const definition = opts.election ? { ...synthetic, id: opts.election } : synthetic;
  if (!opts.token) throw new Error('defining the election needs the admin token: --token or TALLY_ADMIN_TOKEN');
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${url}/v1/elections`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` }, body: JSON.stringify(definition) });
      const text = await res.text();
      if (res.status === 201 || res.status === 200) break;
      if (res.status < 500 || attempt >= 10) throw new Error(`POST /v1/elections answered ${res.status}: ${text.slice(0, 300)}`);
    } catch (error) {
      if (attempt >= 10 || String(error.message).startsWith('POST /v1/elections')) throw error;
    }
    await sleep(500 * attempt);
  }
  log(`defined election ${definition.id} (${opts.precincts} precincts)`);
  return definition;
}

/**
 * Every protocol of the election, signed, with its request path and content digest; with
 * turnoutShare > 0, first the running-turnout reports (each precinct at each of the election's
 * turnout times with that chance), time by time, as the generator yields them.
 */
function signAhead(definition, seed, turnoutShare = 0) {
  const { generateProtocols } = lib('domain');
  const { demoKeyPair, signSubmission, normalizeProtocol, encodeSignedSubject } = lib('signatures');
  const bodies = [];
  // The PEM parsed once per commission, not once per signature (a national night signs 800,000).
  const keys = new Map();
  const keyOf = (precinctId) => {
    let key = keys.get(precinctId);
    if (!key) {
      const pair = demoKeyPair(precinctId);
      key = { keyId: pair.keyId, privateKey: crypto.createPrivateKey(pair.privateKeyPem) };
      keys.set(precinctId, key);
    }
    return key;
  };
  for (const s of generateProtocols(definition, seed, { turnoutReportShare: turnoutShare })) {
    if (s.kind === 'turnout') {
      const subject = { kind: 'turnout', electionId: definition.id, precinctId: s.precinctId, time: s.time, ballotsIssued: s.ballotsIssued, version: s.version };
      const key = keyOf(s.precinctId);
      const signature = signSubmission(subject, key.keyId, key.privateKey);
      bodies.push({
        path: `/v1/elections/${definition.id}/precincts/${s.precinctId}/turnout`,
        body: JSON.stringify({ time: s.time, ballotsIssued: s.ballotsIssued, version: s.version, signature }),
        digest: contentDigest(encodeSignedSubject(subject)),
        precinctId: s.precinctId,
        time: s.time,
      });
      continue;
    }
    if (s.kind !== 'protocol') continue;
    const subject = { kind: 'protocol', electionId: definition.id, precinctId: s.precinctId, contestId: s.contestId, protocol: normalizeProtocol(s.protocol) ?? s.protocol, version: 1 };
    const key = keyOf(s.precinctId);
    const signature = signSubmission(subject, key.keyId, key.privateKey);
    bodies.push({
      path: `/v1/elections/${definition.id}/precincts/${s.precinctId}/protocols`,
      body: JSON.stringify({ protocol: s.protocol, version: 1, signature }),
      digest: contentDigest(encodeSignedSubject(subject)),
      precinctId: s.precinctId,
      contestId: s.contestId,
    });
  }
  return bodies;
}

const contentDigest = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

const RETRYABLE = (status) => status === 429 || status >= 500;

async function run(opts, { log = (line) => console.error(`load: ${line}`) } = {}) {
  const definition = await prepareElection(opts, log);
  const bodies = signAhead(definition, opts.seed, opts.turnoutShare);
  const total = opts.duration ? Math.min(bodies.length, Math.ceil(opts.duration * opts.rate)) : bodies.length;
  log(`${bodies.length} signed protocols ready; sending ${total} at ${opts.rate}/s over ${opts.urls.length} URL(s)`);
  const journal = opts.journal ? fs.createWriteStream(opts.journal, { flags: 'w' }) : undefined;

  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  // Submissions go over undici's keep-alive pool, not fetch (http-post.js says why).
  const poster = createPoster();
  const stats = { sent: 0, acknowledged: 0, duplicates: 0, refused: 0, retries: 0, abandoned: 0, statuses: {} };
  const latencies = [];
  // Wall-clock instants (ms since the epoch) of the first and last acknowledgement: a harness
  // measuring end to end (bench/split-cluster.ts) starts its clock at the first 202.
  let firstAckAt = null;
  let lastAckAt = null;
  let inFlight = 0;
  let next = 0;
  const started = Date.now();

  async function submit(item, ordinal) {
    const first = Date.now();
    for (let attempt = 0; ; attempt++) {
      const url = opts.urls[(ordinal + attempt) % opts.urls.length];
      let status;
      let text = '';
      let retryAfterMs = 0;
      try {
        const res = await poster.post(url, item.path, item.body);
        status = res.status;
        text = res.text;
        retryAfterMs = Number(res.retryAfter ?? '0') * 1000;
      } catch {
        status = 'error';
      }
      stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
      if (status === 202 || status === 200) {
        const { submissionId } = JSON.parse(text);
        stats.acknowledged++;
        lastAckAt = Date.now();
        firstAckAt ??= lastAckAt;
        if (status === 200) stats.duplicates++;
        latencies.push(Date.now() - first);
        const what = item.time === undefined ? { contestId: item.contestId } : { time: item.time };
        journal?.write(`${JSON.stringify({ submissionId, digest: item.digest, precinctId: item.precinctId, ...what, status })}\n`);
        return;
      }
      if (status !== 'error' && !RETRYABLE(status)) {
        stats.refused++;
        if (stats.refused <= 5) log(`refused ${status} ${item.path}: ${text.slice(0, 200)}`);
        return;
      }
      // Stopping: keep retrying what is in flight a little longer (it may already be queued).
      if (stopping && Date.now() - first > 60_000) {
        stats.abandoned++;
        return;
      }
      stats.retries++;
      await sleep(Math.max(retryAfterMs, Math.min(2000, 100 * 2 ** Math.min(attempt, 5))));
    }
  }

  const pending = new Set();
  while (!stopping && next < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * opts.rate) + 1);
    while (next < due && inFlight < opts.concurrency) {
      const ordinal = next++;
      inFlight++;
      stats.sent++;
      const p = submit(bodies[ordinal], ordinal).finally(() => {
        inFlight--;
        pending.delete(p);
      });
      pending.add(p);
    }
    await sleep(Math.max(1, Math.min(50, 1000 / opts.rate)));
  }
  await Promise.all([...pending]);
  poster.destroy();
  if (journal) await new Promise((resolve) => journal.end(resolve));
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
  latencies.sort((a, b) => a - b);
  const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] : null);
  const seconds = (Date.now() - started) / 1000;
  return {
    electionId: definition.id,
    signed: bodies.length,
    ...stats,
    seconds: Number(seconds.toFixed(1)),
    acceptedPerSecond: Number((stats.acknowledged / seconds).toFixed(1)),
    p50Ms: pct(50),
    p99Ms: pct(99),
    firstAckAt,
    lastAckAt,
    // This process's CPU (user + system) since it started, for a harness that counts every process's share.
    cpuSeconds: Number(((process.cpuUsage().user + process.cpuUsage().system) / 1e6).toFixed(2)),
    journal: opts.journal ?? null,
  };
}

module.exports = { contentDigest, parseArgs, run, signAhead };

if (require.main === module) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`load: ${error.message}`);
    process.exit(2);
  }
  run(opts).then(
    (summary) => {
      console.log(JSON.stringify(summary));
      process.exit(summary.abandoned > 0 ? 1 : 0);
    },
    (error) => {
      console.error(`load: ${error.message}`);
      process.exit(1);
    },
  );
}
