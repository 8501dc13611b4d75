#!/usr/bin/env node
'use strict';
// node tools/cluster/cluster.js start|stop|status — the deployment of topology.js on this
// machine: three KRaft Kafka nodes (tools/kafka/broker.js), PostgreSQL, and the service split by
// role, each process with its own port, environment, log file, and its pid in a state file.
// stop ends exactly what start started, by pid (and only if that pid is still ours).
// The fault campaign (faults.js) drives the same functions.
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const broker = require('../kafka/broker');
const { ROOT, SERVER_ENTRY: ENTRY, ensureBuilt } = require('./dist');
const { isReady, readiness, serviceEnv: processEnv } = require('./service');
const { KAFKA, QUEUE, instances } = require('./topology');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function intEnv(env, name, fallback) {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65000) throw new Error(`${name} must be a port number between 1 and 65000, got "${text}"`);
  return n;
}

/**
 * Where and on which ports a cluster runs. name: its directory under .tools/cluster/ (the
 * campaign uses its own). Kafka node i: kafkaPort + 10(i-1) (PLAINTEXT), +1 controller, +2 the
 * listener advertised through the proxy, +3 the proxy. Intake i: httpPort + i, projector i:
 * httpPort + 10 + i, recorder i: httpPort + 20 + i. postgres 'machine': the server at
 * DATABASE_URL (a database of its own, recreated); 'own': a PostgreSQL server of the cluster's
 * own under the system's temp dir, on pgPort (restartable without disturbing anyone else).
 */
function settings(options = {}, env = process.env) {
  const name = options.name ?? env.CLUSTER_NAME ?? 'dev';
  if (!/^[a-z0-9-]{1,40}$/.test(name)) throw new Error(`CLUSTER_NAME must be 1-40 of a-z, 0-9 and "-", got "${name}"`);
  return {
    name,
    dir: path.join(ROOT, '.tools', 'cluster', name),
    kafkaPort: options.kafkaPort ?? intEnv(env, 'CLUSTER_KAFKA_PORT', 29092),
    httpPort: options.httpPort ?? intEnv(env, 'CLUSTER_HTTP_PORT', 23000),
    postgres: options.postgres ?? env.CLUSTER_POSTGRES ?? 'machine',
    pgPort: options.pgPort ?? intEnv(env, 'CLUSTER_PG_PORT', 25432),
    databaseUrl: options.databaseUrl ?? env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
    database: options.database ?? env.CLUSTER_DATABASE ?? `tally_cluster_${name.replace(/-/g, '_')}`,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 8000,
    log: options.log ?? ((line) => console.error(`cluster: ${line}`)),
  };
}

// ---------------------------------------------------------------- state file

const stateFile = (s) => path.join(s.dir, 'state.json');

function readState(s) {
  try {
    return JSON.parse(fs.readFileSync(stateFile(s), 'utf8'));
  } catch {
    return undefined;
  }
}

function writeState(s, state) {
  fs.mkdirSync(s.dir, { recursive: true });
  fs.writeFileSync(stateFile(s), `${JSON.stringify(state, null, 2)}\n`);
}

// ---------------------------------------------------------------- Kafka

function kafkaNodes(s) {
  const nodes = Array.from({ length: KAFKA.nodes }, (_, i) => {
    const port = s.kafkaPort + 10 * i;
    return { id: i + 1, name: `kafka-${i + 1}`, port, controllerPort: port + 1, proxiedPort: port + 2, proxyPort: port + 3, dir: path.join(s.dir, `kafka-${i + 1}`) };
  });
  const voters = nodes.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(',');
  return nodes.map((n) => ({
    ...n,
    spec: {
      nodeId: n.id,
      port: n.port,
      controllerPort: n.controllerPort,
      voters,
      replicationFactor: KAFKA.replicationFactor,
      minInsyncReplicas: KAFKA.minInsyncReplicas,
      listeners: [{ name: 'PROXIED', port: n.proxiedPort, advertisedPort: n.proxyPort }],
      properties: [
        `unclean.leader.election.enable=${KAFKA.uncleanLeaderElection}`,
        // A killed node is fenced (and dropped from the ISRs) after this, not after 30 s of
        // acks=all writes waiting for it.
        'broker.session.timeout.ms=6000',
        'replica.lag.time.max.ms=10000',
      ],
      jvm: ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'],
    },
  }));
}

const bootstrap = (s) => kafkaNodes(s).map((n) => `127.0.0.1:${n.port}`).join(',');
const proxiedBootstrap = (s) => kafkaNodes(s).map((n) => `127.0.0.1:${n.proxyPort}`).join(',');

/** Resolves once every node is a registered broker and the quorum has a leader. */
async function waitForKafka(s, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`Kafka nodes on ${bootstrap(s)} did not all register within ${timeoutMs} ms`);
    const cluster = await broker.waitForBroker(bootstrap(s), { timeoutMs: left });
    if (cluster.brokers.length === KAFKA.nodes) return cluster;
    await sleep(500);
  }
}

async function startKafkaNode(s, node, { fresh, clusterId }) {
  return broker.startNode({ dir: node.dir, spec: node.spec, clusterId, fresh, log: s.log, portHint: 'CLUSTER_KAFKA_PORT' });
}

// ---------------------------------------------------------------- PostgreSQL

function pgVersion() {
  const versions = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => b - a) : [];
  if (versions.length === 0) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql (Debian: apt-get install postgresql)');
  return versions[0];
}

/** PostgreSQL refuses to run as root: as root, its tools run as the postgres user. */
function asPostgres(command, args) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const result = isRoot ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' }) : spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  return result;
}

const ownPgDir = (s) => path.join(os.tmpdir(), `tally-cluster-${s.name}-pg`);

function startOwnPostgres(s) {
  const dir = ownPgDir(s);
  const data = path.join(dir, 'data');
  const bin = (tool) => `/usr/lib/postgresql/${pgVersion()}/bin/${tool}`;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  if (process.getuid?.() === 0) spawnSync('chown', ['postgres:postgres', dir]);
  asPostgres(bin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  asPostgres(bin('pg_ctl'), ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-o', `-p ${s.pgPort} -k ${dir} -c listen_addresses=127.0.0.1`, 'start']);
  return { kind: 'own', dir, data, port: s.pgPort, adminUrl: `postgres://postgres@127.0.0.1:${s.pgPort}/postgres` };
}

function stopOwnPostgres(pg) {
  const pidFile = path.join(pg.data, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return false;
  asPostgres(`/usr/lib/postgresql/${pgVersion()}/bin/pg_ctl`, ['-D', pg.data, '-m', 'fast', '-w', 'stop']);
  fs.rmSync(pg.dir, { recursive: true, force: true });
  return true;
}

/** A restart of the cluster's PostgreSQL: every connection of every process is cut. */
function restartPostgres(pg) {
  if (pg.kind === 'own') {
    // -l: without it the new postmaster inherits pg_ctl's stdout, and spawnSync waits for that pipe forever.
    asPostgres(`/usr/lib/postgresql/${pgVersion()}/bin/pg_ctl`, ['-D', pg.data, '-l', path.join(pg.dir, 'server.log'), '-m', 'fast', '-w', 'restart']);
  } else {
    // The machine's server, as CI starts it (.ci/run).
    const r = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', pgVersion(), 'main', 'restart'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pg_ctlcluster restart failed (exit ${r.status}): ${r.stderr}`);
  }
}

function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Drops and creates the cluster's database (only that one). */
async function recreateDatabase(adminUrl, database) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- the service

function serviceEnv(s, state, instance) {
  const ports = { intake: 0, projector: 10, recorder: 20 };
  const cut = instance.name === 'recorder-1'; // reaches Kafka only through the proxy
  return {
    ...processEnv({
      port: s.httpPort + ports[instance.role] + instance.index,
      roles: instance.TALLY_ROLES,
      databaseUrl: state.databaseUrl,
      kafkaBrokers: cut ? proxiedBootstrap(s) : bootstrap(s),
      topic: QUEUE.topic,
      partitions: QUEUE.partitions,
      clientId: `tally-${instance.name}`,
      dataDir: path.join(s.dir, instance.name, 'data'),
      adminToken: state.adminToken,
      instanceId: `${s.name}-${instance.name}`,
    }),
    KAFKA_REPLICATION_FACTOR: String(KAFKA.replicationFactor),
    KAFKA_MIN_INSYNC_REPLICAS: String(KAFKA.minInsyncReplicas),
    KAFKA_SESSION_TIMEOUT_MS: String(s.sessionTimeoutMs),
    TALLY_LOG_KEY: state.logKey,
    TALLY_AUDITOR_TOKEN: state.adminToken,
  };
}

function serviceUrl(state, name) {
  return `http://127.0.0.1:${state.services[name].port}`;
}

/** True when pid runs and is this cluster's process `name` (pids get recycled). */
function isOurService(s, pid, name) {
  try {
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return environ.includes(`TALLY_INSTANCE_ID=${s.name}-${name}`);
  } catch {
    return false;
  }
}

function spawnService(s, state, instance) {
  const env = serviceEnv(s, state, instance);
  fs.mkdirSync(env.TALLY_DATA_DIR, { recursive: true });
  const logFile = path.join(s.dir, 'logs', `${instance.name}.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--enable-source-maps', ENTRY], { cwd: ROOT, env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  child.unref();
  state.services[instance.name] = { pid: child.pid, port: Number(env.PORT), role: instance.role, log: path.relative(ROOT, logFile) };
  writeState(s, state);
  return child.pid;
}

async function killPid(pid, signal, isOurs, timeoutMs = 15_000) {
  if (!isOurs(pid)) return false;
  process.kill(pid, signal);
  const deadline = Date.now() + timeoutMs;
  while (broker.isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      signal = 'SIGKILL';
    }
    await sleep(50);
  }
  return true;
}

async function stopService(s, state, name, signal = 'SIGTERM') {
  const entry = state.services[name];
  if (!entry) return false;
  const stopped = await killPid(entry.pid, signal, (pid) => isOurService(s, pid, name));
  return stopped;
}

/** Waits until every service answers ready; rejects naming those that never did, with their last answer. */
async function waitUntilReady(s, state, timeoutMs = 120_000, names = Object.keys(state.services)) {
  const deadline = Date.now() + timeoutMs;
  let pending = names;
  for (;;) {
    const answers = await Promise.all(pending.map((name) => readiness(serviceUrl(state, name))));
    const notReady = pending.map((name, i) => ({ name, ...answers[i] })).filter((a) => !a.ready);
    pending = notReady.map((a) => a.name);
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      const why = notReady.map((a) => `${a.name} (pid ${state.services[a.name]?.pid}${broker.isAlive(state.services[a.name]?.pid) ? '' : ', exited'}): ${a.why}`);
      throw new Error(`not ready after ${timeoutMs} ms: ${pending.join(', ')} (logs under ${path.relative(ROOT, path.join(s.dir, 'logs'))}); last answers: ${why.join('; ')}`);
    }
    await sleep(250);
  }
}

// ---------------------------------------------------------------- the proxy

function spawnProxy(s, state) {
  const routes = kafkaNodes(s).map((n) => `${n.proxyPort}:${n.proxiedPort}`);
  const logFile = path.join(s.dir, 'logs', 'proxy.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(__dirname, 'proxy.js'), '--state', s.dir, ...routes], { detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  child.unref();
  state.proxy = { pid: child.pid };
  writeState(s, state);
}

function isOurProxy(s, pid) {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.some((a) => a.endsWith(path.join('cluster', 'proxy.js'))) && cmdline.includes(s.dir);
  } catch {
    return false;
  }
}

/** cut: true severs recorder-1 from Kafka; false reconnects it. */
function setProxyCut(s, state, cut) {
  if (!state.proxy || !isOurProxy(s, state.proxy.pid)) throw new Error('the cluster’s Kafka proxy is not running');
  process.kill(state.proxy.pid, cut ? 'SIGUSR1' : 'SIGUSR2');
}

// ---------------------------------------------------------------- start / stop

/** Starts everything from scratch; on any failure stops what it had started, then rethrows. */
async function startCluster(options = {}) {
  const s = settings(options);
  const previous = readState(s);
  if (previous) throw new Error(`a cluster "${s.name}" is already recorded in ${path.relative(ROOT, stateFile(s))}; run cluster:stop first`);
  ensureBuilt((line) => s.log(line));
  const started = Date.now();
  fs.rmSync(s.dir, { recursive: true, force: true });
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const state = {
    name: s.name,
    startedAt: new Date().toISOString(),
    settings: { kafkaPort: s.kafkaPort, httpPort: s.httpPort, postgres: s.postgres, pgPort: s.pgPort, sessionTimeoutMs: s.sessionTimeoutMs },
    adminToken: crypto.randomBytes(24).toString('base64url'),
    logKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    kafka: {},
    services: {},
  };
  writeState(s, state);
  try {
    // PostgreSQL
    const pg = s.postgres === 'own' ? startOwnPostgres(s) : { kind: 'machine', adminUrl: s.databaseUrl };
    state.postgres = pg;
    writeState(s, state);
    await recreateDatabase(pg.adminUrl, s.database);
    state.databaseUrl = withDatabase(pg.adminUrl, s.database);
    writeState(s, state);
    s.log(`PostgreSQL (${pg.kind}): ${state.databaseUrl}`);

    // Kafka: one cluster id, every node spawned, then the quorum awaited.
    const clusterId = broker.randomClusterId();
    // Side by side; all settled before a failure is thrown, so the stop that follows sees every pid.
    const spawned = await Promise.allSettled(
      kafkaNodes(s).map(async (node) => {
        const started = await startKafkaNode(s, node, { fresh: true, clusterId });
        state.kafka[node.name] = { pid: started.pid, port: node.port, dir: path.relative(ROOT, node.dir) };
        writeState(s, state);
      }),
    );
    const failed = spawned.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    await waitForKafka(s);
    s.log(`Kafka: ${KAFKA.nodes} nodes on ${bootstrap(s)} (replication ${KAFKA.replicationFactor}, min.insync.replicas ${KAFKA.minInsyncReplicas})`);

    spawnProxy(s, state);
    // All at once: each ensures the topics at start (a race the adapter rides out), and an intake
    // is ready only once some recorder is in the group.
    for (const i of instances()) spawnService(s, state, i);
    await waitUntilReady(s, state, 180_000);
    state.readyMs = Date.now() - started;
    writeState(s, state);
    s.log(`ready in ${(state.readyMs / 1000).toFixed(1)} s: ${Object.keys(state.services).map((n) => `${n} ${serviceUrl(state, n)}`).join(', ')}`);
    return { settings: s, state };
  } catch (error) {
    await stopCluster(options).catch((e) => s.log(`while stopping after a failed start: ${e.message}`));
    throw error;
  }
}

/** Stops what the state file names, by pid, each only if it is still ours; then forgets it. */
async function stopCluster(options = {}) {
  const s = settings(options);
  const state = readState(s);
  if (!state) return { stopped: [] };
  const stopped = [];
  await Promise.all(
    Object.keys(state.services).map(async (name) => {
      if (await stopService(s, state, name)) stopped.push(name);
    }),
  );
  if (state.proxy && (await killPid(state.proxy.pid, 'SIGTERM', (pid) => isOurProxy(s, pid)))) stopped.push('proxy');
  // SIGKILL, all at once: the next start formats fresh storage anyway, and a controlled shutdown
  // of the last nodes of a quorum waits 30 s for a controller that has already gone.
  await Promise.all(
    kafkaNodes(s).map(async (node) => {
      const r = await broker.stopNode({ dir: node.dir, kill: true, log: () => undefined });
      if (r.stopped) stopped.push(node.name);
    }),
  );
  if (state.postgres?.kind === 'own' && stopOwnPostgres(state.postgres)) stopped.push('postgres');
  fs.rmSync(stateFile(s), { force: true });
  s.log(stopped.length > 0 ? `stopped ${stopped.join(', ')}` : 'nothing was running');
  return { stopped };
}

async function main(command) {
  switch (command) {
    case 'start': {
      const { state } = await startCluster();
      const intakes = Object.keys(state.services).filter((n) => n.startsWith('intake'));
      console.log(JSON.stringify({ intake: intakes.map((n) => serviceUrl(state, n)), adminToken: state.adminToken, databaseUrl: state.databaseUrl, state: path.relative(ROOT, stateFile(settings())) }));
      return 0;
    }
    case 'stop':
      await stopCluster();
      return 0;
    case 'status': {
      const s = settings();
      const state = readState(s);
      if (!state) {
        console.log(`cluster "${s.name}": not running`);
        return 3;
      }
      const rows = await Promise.all(Object.keys(state.services).map(async (n) => `${n} pid ${state.services[n].pid} ${serviceUrl(state, n)} ${(await isReady(serviceUrl(state, n))) ? 'ready' : 'NOT READY'}`));
      const kafka = kafkaNodes(s).map((n) => `${n.name} ${broker.nodeStatus({ dir: n.dir }).running ? 'running' : 'DOWN'} 127.0.0.1:${n.port}`);
      console.log([...kafka, ...rows].join('\n'));
      return 0;
    }
    default:
      console.error('usage: node tools/cluster/cluster.js start|stop|status   (CLUSTER_NAME, CLUSTER_KAFKA_PORT, CLUSTER_HTTP_PORT, CLUSTER_POSTGRES=machine|own, CLUSTER_PG_PORT, DATABASE_URL)');
      return 2;
  }
}

module.exports = {
  bootstrap,
  isReady,
  kafkaNodes,
  readState,
  restartPostgres,
  serviceUrl,
  setProxyCut,
  settings,
  spawnService,
  startCluster,
  startKafkaNode,
  stopCluster,
  stopService,
  waitForKafka,
  waitUntilReady,
  writeState,
};

if (require.main === module) {
  main(process.argv[2]).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`cluster: ${error.message}`);
      process.exit(1);
    },
  );
}
