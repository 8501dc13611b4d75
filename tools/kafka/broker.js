'use strict';
// A real Apache Kafka (KRaft) for development and tests, fetched from Maven Central.
// startBroker/stopBroker: the single-node broker of kafka.js (start/stop/status), with-broker.js
// and tests that stop and restart the broker mid-run. startNode/stopNode: one node of any KRaft
// quorum (tools/cluster starts three). Plain CommonJS so it runs without a build step.
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const KAFKA_VERSION = '4.1.0';
const ROOT = path.resolve(__dirname, '..', '..');
const TOOLS_DIR = path.join(ROOT, '.tools', 'kafka');
const LIBS_DIR = path.join(TOOLS_DIR, KAFKA_VERSION, 'libs');
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const JVM_OPTS = [
  '-Xms512m',
  '-Xmx1g',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
];

/** The port from KAFKA_PORT, else from a loopback KAFKA_BROKERS, else 9092. */
function defaultPort(env = process.env) {
  if (env.KAFKA_PORT) return parsePort(env.KAFKA_PORT);
  const first = (env.KAFKA_BROKERS || '').split(',')[0].trim();
  const match = /^(?:127\.0\.0\.1|localhost):(\d+)$/.exec(first);
  return match ? parsePort(match[1]) : 9092;
}

function parsePort(text) {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65534) {
    throw new Error(`KAFKA_PORT must be an integer between 1 and 65534, got "${text}"`);
  }
  return port;
}

function paths(port) {
  return nodePaths(path.join(TOOLS_DIR, `run-${port}`));
}

/** The files of one node whose storage, config and logs live under dir. */
function nodePaths(dir) {
  return {
    dir,
    dataDir: path.join(dir, 'data'),
    logDir: path.join(dir, 'logs'),
    config: path.join(dir, 'server.properties'),
    log4j: path.join(dir, 'log4j2.properties'),
    pidFile: path.join(dir, 'broker.pid'),
    clusterIdFile: path.join(dir, 'cluster.id'),
    stdout: path.join(dir, 'logs', 'stdout.log'),
    serverLog: path.join(dir, 'logs', 'server.log'),
  };
}

function brokersFor(port) {
  return `127.0.0.1:${port}`;
}

function hasCommand(command, args) {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return !result.error && result.status === 0;
}

/** Copies the broker's jars into .tools/kafka/<version>/libs once; later calls are free. */
function fetchBroker({ log = console.error } = {}) {
  const marker = path.join(LIBS_DIR, '.complete');
  if (fs.existsSync(marker)) return { libsDir: LIBS_DIR, fetched: false, ms: 0 };
  const missing = [['java', ['-version']], ['mvn', ['-v']]].filter(([cmd, args]) => !hasCommand(cmd, args)).map(([cmd]) => cmd);
  if (missing.length > 0) {
    throw new Error(
      `Cannot fetch Apache Kafka: ${missing.join(' and ')} not found on PATH. ` +
        'Install Java 17 and Maven (e.g. `apt-get install -y openjdk-17-jre-headless maven`), ' +
        'or point KAFKA_BROKERS at a running broker.',
    );
  }
  const started = Date.now();
  log(`kafka: fetching Apache Kafka ${KAFKA_VERSION} from Maven Central into ${path.relative(ROOT, LIBS_DIR)}`);
  fs.rmSync(LIBS_DIR, { recursive: true, force: true });
  // A registry that stalls once must not fail a whole CI run: Maven retries each request, and
  // the fetch as a whole is tried three times (what it already copied stays in ~/.m2).
  let result;
  for (let attempt = 1; attempt <= 3; attempt++) {
    result = spawnSync(
      'mvn',
      ['-q', '-B', '-Dstyle.color=never', '-Dmaven.wagon.http.retryHandler.count=3', '-f', path.join(__dirname, 'pom.xml'),
        'dependency:copy-dependencies', `-Dkafka.version=${KAFKA_VERSION}`, `-DoutputDirectory=${LIBS_DIR}`],
      // Maven's output to stderr: a tool's stdout carries its result alone (even -B and
      // style.color=never leave two ANSI resets there, which broke the fault campaign's JSON line).
      { stdio: ['ignore', 2, 2] },
    );
    if (result.status === 0) break;
    if (attempt < 3) log(`kafka: mvn failed (exit ${result.status}), trying again (${attempt + 1} of 3)`);
  }
  if (result.status !== 0) {
    throw new Error(`mvn dependency:copy-dependencies failed three times (exit ${result.status}); see the output above`);
  }
  fs.writeFileSync(marker, `${KAFKA_VERSION}\n`);
  return { libsDir: LIBS_DIR, fetched: true, ms: Date.now() - started };
}

/**
/**
 * The generated lines with `overrides` applied: a key already there gets the new value in place,
 * new keys are appended (secured listeners, an authorizer and the like, for tests that need them).
 */
function withOverrides(lines, overrides = {}) {
  const rest = new Map(Object.entries(overrides));
  const merged = lines.map((line) => {
    const key = line.split('=')[0];
    if (line.startsWith('#') || !rest.has(key)) return line;
    const value = rest.get(key);
    rest.delete(key);
    return `${key}=${value}`;
  });
  const extra = [...rest].map(([key, value]) => `${key}=${value}`);
  return [...merged.slice(0, -1), ...extra, ''].join('\n');
}

/**
 * One combined broker+controller on loopback. spec: nodeId, port (PLAINTEXT, clients and
 * replication), controllerPort, voters (controller.quorum.voters), replicationFactor and
 * minInsyncReplicas (also of every internal topic, or groups never find a coordinator),
 * listeners: more [{ name, port, advertisedPort }] (e.g. one advertised through a proxy),
 * properties: more lines. Returns the lines (withOverrides joins them).
 */
function nodeProperties(spec, p) {
  const more = spec.listeners ?? [];
  const rf = spec.replicationFactor;
  const isr = spec.minInsyncReplicas;
  return [
    `# Written by tools/kafka/broker.js: KRaft node ${spec.nodeId} (broker and controller) on loopback.`,
    'process.roles=broker,controller',
    `node.id=${spec.nodeId}`,
    `controller.quorum.voters=${spec.voters}`,
    `listeners=${[`PLAINTEXT://127.0.0.1:${spec.port}`, `CONTROLLER://127.0.0.1:${spec.controllerPort}`, ...more.map((l) => `${l.name}://127.0.0.1:${l.port}`)].join(',')}`,
    `advertised.listeners=${[`PLAINTEXT://127.0.0.1:${spec.port}`, ...more.map((l) => `${l.name}://127.0.0.1:${l.advertisedPort ?? l.port}`)].join(',')}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=${['PLAINTEXT:PLAINTEXT', 'CONTROLLER:PLAINTEXT', ...more.map((l) => `${l.name}:PLAINTEXT`)].join(',')}`,
    `log.dirs=${p.dataDir}`,
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${isr}`,
    `offsets.topic.replication.factor=${rf}`,
    'offsets.topic.num.partitions=1',
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${isr}`,
    `share.coordinator.state.topic.replication.factor=${rf}`,
    `share.coordinator.state.topic.min.isr=${isr}`,
    'group.initial.rebalance.delay.ms=0',
    // The service creates its topics with explicit partition counts; a typo must fail, not create.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    ...(spec.properties ?? []),
    '',
  ];
}

function log4jProperties(p) {
  return [
    'status = warn',
    'appender.file.type = File',
    'appender.file.name = FILE',
    `appender.file.fileName = ${p.serverLog}`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = FILE',
    // The request log and the state-change log are noise for development.
    'logger.kafkaRequest.name = kafka.request.logger',
    'logger.kafkaRequest.level = WARN',
    'logger.stateChange.name = state.change.logger',
    'logger.stateChange.level = WARN',
    '',
  ].join('\n');
}

function classpath() {
  return `${LIBS_DIR}${path.sep}*`;
}

function javaArgs(p, mainClass, args) {
  return ['-cp', classpath(), `-Dlog4j2.configurationFile=${p.log4j}`, ...args.jvm, mainClass, ...args.main];
}

/** Runs java to completion: { status, output } (stdout and stderr together). */
function runJava(args) {
  return new Promise((resolve) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ status: 127, output: error.message }));
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** One `--add-scram` of kafka-storage format; names and passwords are quoted as its parser wants. */
function scramArgument({ mechanism = 'SCRAM-SHA-512', username, password }) {
  for (const [field, value] of [['username', username], ['password', password]]) {
    if (typeof value !== 'string' || value.length === 0 || /["\\,=\]\[]/.test(value)) {
      throw new Error(`scramUsers: ${field} must be a non-empty string without quotes, backslashes, commas, "=" or brackets`);
    }
  }
  return ['--add-scram', `${mechanism}=[name=${username},password=${password}]`];
}

/** Kafka's Uuid.randomUuid: 16 random bytes, base64url, never starting with '-'. */
function randomClusterId() {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function readPid(p) {
  try {
    const pid = Number(fs.readFileSync(p.pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** True when pid is alive AND is our broker for this directory (pids get recycled). */
function isOurBroker(pid, p) {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(p.config);
  } catch {
    if (process.platform === 'linux') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The classpath of the broker's jars, for tests that run one of its tools (StorageTool). */
function brokerClasspath() {
  return classpath();
}

/** Resolves once the admin API answers describeCluster, or rejects after timeoutMs. */
async function waitForBroker(brokers, { timeoutMs = READY_TIMEOUT_MS, isStillAlive = () => true, sasl } = {}) {
  const { Kafka, logLevel } = require('kafkajs');
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (!isStillAlive()) throw new Error('the broker process exited while starting');
    const kafka = new Kafka({
      clientId: 'tally-kafka-harness',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 2000,
      retry: { retries: 0 },
      ...(sasl ? { sasl } : {}),
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return cluster;
    } catch (error) {
      lastError = error;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await sleep(250);
  }
  throw new Error(`Kafka at ${brokers} not ready after ${timeoutMs} ms: ${lastError ? lastError.message : 'no controller'}`);
}

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts the broker on `port` (controller on port + 1) and waits until it answers.
 * fresh: true wipes the storage first (what `kafka:start` and with-broker do);
 * fresh: false keeps topics and committed offsets (a restart in the middle of a test).
 * If this port's broker already runs, returns it untouched (alreadyRunning: true).
 * A secured broker (tests of SASL and ACLs): `properties` override or add server properties,
 * `scramUsers` ([{ mechanism: 'SCRAM-SHA-512', username, password }]) are written into the
 * metadata at format time (as `kafka-storage format --add-scram`), and `sasl` (kafkajs's option)
 * is the login the readiness check uses; `jvmOptions` are added to the broker's JVM (a JAAS file);
 * `format: false` starts on storage the caller formatted (point `log.dirs` at it).
 */
async function startBroker({
  port = defaultPort(),
  fresh = false,
  log = console.error,
  readyTimeoutMs = READY_TIMEOUT_MS,
  properties = {},
  scramUsers = [],
  sasl,
  jvmOptions = [],
  format = true,
} = {}) {
  const p = paths(port);
  const brokers = brokersFor(port);
  const existing = readPid(p);
  if (existing && isOurBroker(existing, p)) {
    await waitForBroker(brokers, { timeoutMs: readyTimeoutMs, isStillAlive: () => isAlive(existing), sasl });
    return { brokers, port, pid: existing, alreadyRunning: true, fetchMs: 0, startMs: 0 };
  }
  const spec = { nodeId: 1, port, controllerPort: port + 1, voters: `1@127.0.0.1:${port + 1}`, replicationFactor: 1, minInsyncReplicas: 1 };
  const node = await startNode({ dir: p.dir, spec, fresh, log, portHint: 'KAFKA_PORT', properties, scramUsers, jvmOptions, format });
  try {
    await waitForBroker(brokers, { timeoutMs: readyTimeoutMs, isStillAlive: () => isAlive(node.pid), sasl });
  } catch (error) {
    await stopBroker({ port, log: () => undefined });
    throw new Error(`${error.message}\n${nodeLogs(p)}`);
  }
  return { brokers, port, pid: node.pid, alreadyRunning: false, fetchMs: node.fetchMs, startMs: Date.now() - node.started };
}

/** The tails of a node's logs, for an error message. */
function nodeLogs(p) {
  return `--- ${p.serverLog} ---\n${tail(p.serverLog)}\n--- ${p.stdout} ---\n${tail(p.stdout, 10)}`;
}

/**
 * Formats (unless already formatted) and spawns one KRaft node under dir without waiting for it
 * (a quorum answers only once a majority runs). spec: see nodeProperties. clusterId: the
 * cluster's, shared by every node (default: one drawn for this dir and kept). fresh: wipe dir.
 * properties, scramUsers, jvmOptions, format: as startBroker's. Refuses when one of the node's
 * ports is taken.
 */
async function startNode({
  dir,
  spec,
  clusterId,
  fresh = false,
  log = console.error,
  portHint = 'another port',
  properties = {},
  scramUsers = [],
  jvmOptions = [],
  format = true,
}) {
  const p = nodePaths(dir);
  const ports = [spec.port, spec.controllerPort, ...(spec.listeners ?? []).map((l) => l.port)];
  for (const candidate of ports) {
    if (!(await portFree(candidate))) {
      throw new Error(`port ${candidate} on 127.0.0.1 is in use by something else; choose another with ${portHint}`);
    }
  }
  const fetched = fetchBroker({ log });
  if (!hasCommand('java', ['-version'])) {
    throw new Error('Cannot start Apache Kafka: java not found on PATH. Install Java 17 (e.g. `apt-get install -y openjdk-17-jre-headless`).');
  }
  const started = Date.now();

  if (fresh || !fs.existsSync(p.clusterIdFile)) fs.rmSync(p.dir, { recursive: true, force: true });
  fs.mkdirSync(p.logDir, { recursive: true });
  fs.writeFileSync(p.config, withOverrides(nodeProperties(spec, p), properties));
  fs.writeFileSync(p.log4j, log4jProperties(p));
  if (!fs.existsSync(p.clusterIdFile)) fs.writeFileSync(p.clusterIdFile, clusterId ?? randomClusterId());
  const id = fs.readFileSync(p.clusterIdFile, 'utf8').trim();

  // Static voters (controller.quorum.voters): format without --standalone. Asynchronous, so the
  // nodes of a quorum format side by side (a JVM start each). Skipped when the caller formatted
  // `log.dirs` itself (format: false), as the compose setup step does, and on a restart over
  // storage already formatted (meta.properties there): `--ignore-formatted` would change nothing,
  // and the JVM start it costs was ~3 s of each broker restart in the tests and fault campaign.
  const storageDirs = [...String(properties['log.dirs'] ?? p.dataDir).split(','), ...(properties['metadata.log.dir'] ? [properties['metadata.log.dir']] : [])];
  const alreadyFormatted = storageDirs.every((d) => fs.existsSync(path.join(d.trim(), 'meta.properties')));
  if (format && !alreadyFormatted) {
    const formatted = await runJava(
      javaArgs(p, 'kafka.tools.StorageTool', {
        jvm: ['-Xmx256m'],
        main: ['format', '--cluster-id', id, '--config', p.config, '--ignore-formatted', ...scramUsers.flatMap(scramArgument)],
      }),
    );
    if (formatted.status !== 0) {
      throw new Error(`kafka.tools.StorageTool format failed (exit ${formatted.status}):\n${formatted.output}`);
    }
  }

  const out = fs.openSync(p.stdout, 'a');
  const child = spawn('java', javaArgs(p, 'kafka.Kafka', { jvm: [...(spec.jvm ?? JVM_OPTS), ...jvmOptions], main: [p.config] }), {
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  child.unref();
  fs.writeFileSync(p.pidFile, `${child.pid}\n`);
  log(`kafka: node ${spec.nodeId} pid ${child.pid} starting on ${brokersFor(spec.port)} (logs in ${path.relative(ROOT, p.logDir)})`);
  return { pid: child.pid, clusterId: id, fetchMs: fetched.ms, started, paths: p };
}

/**
 * Stops this port's broker by its pid file and waits for the process to exit.
 * kill: true sends SIGKILL at once (a crash); otherwise SIGTERM (controlled shutdown), then
 * SIGKILL after 30 s. Storage stays, so startBroker({ fresh: false }) resumes the same cluster.
 */
async function stopBroker({ port = defaultPort(), kill = false, log = console.error } = {}) {
  const result = await stopNode({ dir: paths(port).dir, kill, log: () => undefined });
  if (result.stopped) log(`kafka: broker pid ${result.pid} on ${brokersFor(port)} stopped`);
  return result;
}

/** stopBroker for the node under dir: by its pid file, only if that pid is still this node. */
async function stopNode({ dir, kill = false, log = console.error }) {
  const p = nodePaths(dir);
  const pid = readPid(p);
  if (!pid || !isOurBroker(pid, p)) {
    fs.rmSync(p.pidFile, { force: true });
    return { stopped: false };
  }
  process.kill(pid, kill ? 'SIGKILL' : 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  let killed = kill;
  while (isAlive(pid)) {
    if (!killed && Date.now() > deadline) {
      log(`kafka: pid ${pid} ignored SIGTERM for ${STOP_TIMEOUT_MS} ms; sending SIGKILL`);
      process.kill(pid, 'SIGKILL');
      killed = true;
    }
    await sleep(100);
  }
  fs.rmSync(p.pidFile, { force: true });
  log(`kafka: pid ${pid} (${path.relative(ROOT, dir)}) stopped`);
  return { stopped: true, pid };
}

/** Whether the node under dir runs (its pid file names a live process that is this node). */
function nodeStatus({ dir }) {
  const p = nodePaths(dir);
  const pid = readPid(p);
  const running = Boolean(pid && isOurBroker(pid, p));
  return { running, pid: running ? pid : undefined, dir };
}

function brokerStatus({ port = defaultPort() } = {}) {
  const p = paths(port);
  const pid = readPid(p);
  const running = Boolean(pid && isOurBroker(pid, p));
  return { running, pid: running ? pid : undefined, port, brokers: brokersFor(port), dir: p.dir };
}

module.exports = {
  KAFKA_VERSION,
  brokerClasspath,
  brokerStatus,
  brokersFor,
  defaultPort,
  fetchBroker,
  isAlive,
  nodePaths,
  nodeStatus,
  paths,
  portFree,
  randomClusterId,
  startBroker,
  startNode,
  stopBroker,
  stopNode,
  waitForBroker,
};
