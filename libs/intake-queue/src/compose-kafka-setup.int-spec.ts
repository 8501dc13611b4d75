// docker-compose's Kafka setup on the real broker jars (the image's version, 4.1.0): the very
// script its `kafka-setup` service runs (deploy/kafka/setup.sh) formats the storage with the SCRAM
// users and writes the JAAS file; a node started on that storage, secured as the compose nodes
// (tools/kafka/secured.js), admits the service principal with the password given to the setup and
// nothing else; with the ACLs deploy/kafka/acls.sh grants (created here through the admin API: the
// Maven artifacts do not include kafka-acls.sh's tool), the queue with the app's default topic and
// recorder group round-trips a submission. Port 19394 (controller 19395), storage in a temp dir.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from 'kafkajs';
import { brokerClasspath, fetchBroker, startBroker, stopBroker } from '../../../tools/kafka/broker';
import { securedBrokerOptions } from '../../../tools/kafka/secured';
import type { QueueLogger } from './kafka-submission-queue';
import { createSubmissionQueue, parseQueueConfig } from './queue.config';
import type { DeliveredMessage, SubmissionQueue } from './submission-queue.port';

jest.setTimeout(180_000);

const port = Number(process.env.KAFKA_COMPOSE_TEST_PORT ?? 19394);
const SETUP = join(__dirname, '../../../deploy/kafka/setup.sh');
const ACLS = readFileSync(join(__dirname, '../../../deploy/kafka/acls.sh'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'tally-compose-kafka-'));
const admin = { username: 'admin', password: randomBytes(12).toString('hex') };
const service = { username: 'tally', password: randomBytes(12).toString('hex') };
const clusterId = 'q1Sh-9_ISia_zwGINzRvyQ';
const quiet: QueueLogger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
let queue: SubmissionQueue | undefined;

/** kafka-storage.sh, as the image has it, from the Maven jars. */
function storageTool(): string {
  fetchBroker({ log: () => undefined });
  const file = join(dir, 'kafka-storage.sh');
  writeFileSync(file, `#!/bin/sh\nexec java -Xmx256m -cp '${brokerClasspath()}' kafka.tools.StorageTool "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

function runSetup(env: Record<string, string>): string {
  return execFileSync('bash', [SETUP], {
    env: { PATH: process.env.PATH, CLUSTER_ID: clusterId, ADMIN_PASSWORD: admin.password, SERVICE_PASSWORD: service.password, SECRETS_DIR: join(dir, 'secrets'), KAFKA_STORAGE: storageTool(), ...env },
    encoding: 'utf8',
    stdio: 'pipe',
  });
}

function client(login: { username: string; password: string }): Kafka {
  return new Kafka({ clientId: 'tally-compose-test', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 1 }, sasl: { mechanism: 'scram-sha-512', ...login } });
}

/** The prefixes acls.sh grants (its defaults, as compose sets them). */
function aclDefault(name: string): string {
  const match = new RegExp(`: "\\$\\{${name}:=([^}]*)\\}"`).exec(ACLS);
  if (!match) throw new Error(`deploy/kafka/acls.sh has no default for ${name}`);
  return match[1];
}

afterAll(async () => {
  await queue?.close().catch(() => undefined);
  await stopBroker({ port, log: () => undefined });
  rmSync(dir, { recursive: true, force: true });
});

describe('docker-compose: kafka-setup on the real broker jars', () => {
  it('formats the three nodes’ storage with one cluster id and each node’s id', () => {
    runSetup({ NODES: '1 2 3', DATA_ROOT: join(dir, 'cluster') });
    for (const node of [1, 2, 3]) {
      const meta = readFileSync(join(dir, 'cluster', String(node), 'meta.properties'), 'utf8');
      expect([node, /^node\.id=(\d+)$/m.exec(meta)?.[1], /^cluster\.id=(.+)$/m.exec(meta)?.[1]]).toEqual([node, String(node), clusterId]);
    }
    // A rerun (a restarted setup service) leaves formatted storage alone and succeeds.
    expect(() => runSetup({ NODES: '1 2 3', DATA_ROOT: join(dir, 'cluster') })).not.toThrow();
  });

  it('a node on storage it formatted admits the service principal it created, with the ACLs acls.sh grants, and no one else', async () => {
    const data = join(dir, 'single');
    runSetup({ NODES: '1', VOTERS: `1@127.0.0.1:${port + 1}`, DATA_ROOT: data });
    const options = securedBrokerOptions({ port, adminPassword: admin.password, jaasFile: join(dir, 'secrets', 'jaas.conf') });
    await startBroker({ ...options, properties: { ...options.properties, 'log.dirs': join(data, '1') }, scramUsers: [], format: false, log: () => undefined });

    const acls = client(admin).admin();
    await acls.connect();
    try {
      const allow = (resourceType: AclResourceTypes, resourceName: string) => (operation: AclOperationTypes) => ({
        resourceType,
        resourceName,
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        principal: `User:${aclDefault('SERVICE_USER')}`,
        host: '*',
        operation,
        permissionType: AclPermissionTypes.ALLOW,
      });
      const { CREATE, DESCRIBE, DESCRIBE_CONFIGS, READ, WRITE } = AclOperationTypes;
      await acls.createAcls({
        acl: [
          ...[CREATE, DESCRIBE, DESCRIBE_CONFIGS, READ, WRITE].map(allow(AclResourceTypes.TOPIC, aclDefault('TOPIC_PREFIX'))),
          ...[READ, DESCRIBE].map(allow(AclResourceTypes.GROUP, aclDefault('GROUP_PREFIX'))),
        ],
      });
    } finally {
      await acls.disconnect();
    }

    // The app's defaults for the topic and the recorder's group, as compose runs it.
    queue = createSubmissionQueue(
      parseQueueConfig({ KAFKA_BROKERS: `127.0.0.1:${port}`, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: service.username, KAFKA_SASL_PASSWORD: service.password }),
      { logger: quiet, logLevel: 'error' },
    );
    await queue.ensureTopics();
    const seen: DeliveredMessage[] = [];
    let delivered!: () => void;
    const arrived = new Promise<void>((resolve) => (delivered = resolve));
    await queue.consume({ groupId: 'tally-recorder', handleBatch: async (batch) => void (seen.push(...batch.messages), delivered()) });
    await queue.publish([{ key: 'p1', value: 'submission' }]);
    await arrived;
    expect(seen.map((m) => [m.key, m.value.toString()])).toEqual([['p1', 'submission']]);

    // A user the setup did not create cannot log in at all.
    const stranger = client({ username: 'mallory', password: service.password }).admin();
    await expect(stranger.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/);
  });
});
