'use strict';
// One service process of the deployment split by role on this machine, as cluster.js runs it and
// the split benches (bench/split-cluster.ts) do: its environment, and whether it is ready.

/**
 * The environment both give a service process: production, the PostgreSQL store and the Kafka
 * queue, no demo election, the rate limit out of the way (the load generator posts every precinct
 * from one address). Anything else (Kafka durability, keys) the caller adds.
 */
function serviceEnv({ port, roles, databaseUrl, kafkaBrokers, topic, partitions, clientId, dataDir, adminToken, instanceId }) {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    TALLY_ROLES: roles,
    TALLY_DEMO: 'false',
    EVENT_STORE: 'postgres',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: kafkaBrokers,
    KAFKA_TOPIC: topic,
    KAFKA_PARTITIONS: String(partitions),
    KAFKA_CLIENT_ID: clientId,
    TALLY_DATA_DIR: dataDir,
    TALLY_ADMIN_TOKEN: adminToken,
    TALLY_RATE_LIMIT: '100000000',
    TALLY_INSTANCE_ID: instanceId,
    LOG_LEVEL: 'info',
    // Passed on when set, so a run can be compared with another linger (libs/intake-queue/README.md),
    // with the transparency log on or off in every role (its default: off in a recorder alone), or
    // with another number of signature threads (0: every check inline).
    ...(process.env.KAFKA_LINGER_MS ? { KAFKA_LINGER_MS: process.env.KAFKA_LINGER_MS } : {}),
    ...(process.env.TALLY_LOG ? { TALLY_LOG: process.env.TALLY_LOG } : {}),
    ...(process.env.TALLY_SIGNATURE_THREADS ? { TALLY_SIGNATURE_THREADS: process.env.TALLY_SIGNATURE_THREADS } : {}),
  };
}

// Longer than the server's own checks take to give up (3 s, health.controller.ts): a server slowed
// by a loaded machine still answers with its verdict, and a probe that gives up first would call
// it not ready for as long as the load lasts.
const PROBE_TIMEOUT_MS = 5000;

/** The instance's readiness, and why not: the status and body of /health/ready, or the error. */
async function readiness(url) {
  try {
    const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const body = await res.text();
    return res.status === 200 ? { ready: true } : { ready: false, why: `${res.status} ${body.slice(0, 2000)}` };
  } catch (error) {
    return { ready: false, why: error.cause?.message ?? error.message };
  }
}

/** Whether the instance answers ready. */
async function isReady(url) {
  return (await readiness(url)).ready;
}

module.exports = { isReady, readiness, serviceEnv };
