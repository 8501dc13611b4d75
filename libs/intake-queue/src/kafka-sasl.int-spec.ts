// The queue against a real broker secured as docker-compose.yml secures its nodes
// (tools/kafka/secured.js): SASL/SCRAM-SHA-512 listeners, the StandardAuthorizer denying what no
// ACL allows, the service principal allowed only its topic prefix and consumer-group prefix. The
// brokers' logins come from the JAAS file deploy/kafka/setup.sh writes for compose; the queue is
// built from environment variables, as the service builds it. This file starts and stops its own
// broker on port 19392 (KAFKA_SASL_TEST_PORT), whatever KAFKA_BROKERS says.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from 'kafkajs';
import { startBroker, stopBroker } from '../../../tools/kafka/broker';
import { securedBrokerOptions } from '../../../tools/kafka/secured';
import type { QueueLogger } from './kafka-submission-queue';
import { createSubmissionQueue, parseQueueConfig } from './queue.config';
import type { DeliveredMessage, SubmissionQueue } from './submission-queue.port';

jest.setTimeout(120_000);

const port = Number(process.env.KAFKA_SASL_TEST_PORT ?? 19392);
const secret = () => randomBytes(12).toString('hex');
const admin = { password: secret() };
const service = { username: 'tally', password: secret() };
const outsider = { username: 'outsider', password: secret() };
const run = randomBytes(4).toString('hex');
// The service's grants, as docker-compose's kafka-acls step gives them: a topic prefix, a group prefix.
const topicPrefix = `tally-sasl-${run}.`;
const groupPrefix = `tally-sasl-${run}-`;
const brokers = `127.0.0.1:${port}`;

const quiet: QueueLogger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
const queues: SubmissionQueue[] = [];

function queueAs(login: { username: string; password: string }, topic: string): SubmissionQueue {
  const config = parseQueueConfig({
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC: topic,
    KAFKA_PARTITIONS: '2',
    KAFKA_CLIENT_ID: 'tally-sasl-test',
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: login.username,
    KAFKA_SASL_PASSWORD: login.password,
  });
  const queue = createSubmissionQueue(config, { logger: quiet, logLevel: 'error' });
  queues.push(queue);
  return queue;
}

function client(login: { username: string; password: string }): Kafka {
  return new Kafka({
    clientId: 'tally-sasl-test-raw',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 1 },
    sasl: { mechanism: 'scram-sha-512', username: login.username, password: login.password },
  });
}

const secrets = mkdtempSync(join(tmpdir(), 'tally-kafka-secrets-'));

/** Only the secrets part of compose's kafka-setup (NODES empty: broker.js formats its own storage). */
function writeComposeSecrets(): void {
  execFileSync('bash', [join(__dirname, '../../../deploy/kafka/setup.sh')], {
    env: { PATH: process.env.PATH, CLUSTER_ID: 'unused-here', NODES: '', SECRETS_DIR: secrets, ADMIN_PASSWORD: admin.password, SERVICE_PASSWORD: service.password },
    stdio: 'pipe',
  });
}

beforeAll(async () => {
  writeComposeSecrets();
  await startBroker({
    ...securedBrokerOptions({ port, adminPassword: admin.password, users: [service, outsider], jaasFile: join(secrets, 'jaas.conf') }),
    log: () => undefined,
  });
  const acls = client({ username: 'admin', password: admin.password }).admin();
  await acls.connect();
  try {
    const allow = (resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes) => ({
      resourceType,
      resourceName,
      resourcePatternType: ResourcePatternTypes.PREFIXED,
      principal: `User:${service.username}`,
      host: '*',
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    });
    await acls.createAcls({
      acl: [
        ...[AclOperationTypes.CREATE, AclOperationTypes.DESCRIBE, AclOperationTypes.DESCRIBE_CONFIGS, AclOperationTypes.READ, AclOperationTypes.WRITE].map((op) =>
          allow(AclResourceTypes.TOPIC, topicPrefix, op),
        ),
        ...[AclOperationTypes.READ, AclOperationTypes.DESCRIBE].map((op) => allow(AclResourceTypes.GROUP, groupPrefix, op)),
      ],
    });
  } finally {
    await acls.disconnect();
  }
});

afterAll(async () => {
  await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
  await stopBroker({ port, log: () => undefined });
  rmSync(secrets, { recursive: true, force: true });
});

describe('Kafka with SASL/SCRAM and ACLs', () => {
  it('the service principal round-trips a submission through its own topic and group', async () => {
    const queue = queueAs(service, `${topicPrefix}submissions`);
    await queue.ensureTopics();
    const seen: DeliveredMessage[] = [];
    let resolveSeen!: () => void;
    const delivered = new Promise<void>((resolve) => (resolveSeen = resolve));
    await queue.consume({
      groupId: `${groupPrefix}recorder`,
      handleBatch: async (batch) => {
        seen.push(...batch.messages);
        if (seen.length > 0) resolveSeen();
      },
    });
    await queue.publish([{ key: 'almaty-p001', value: Buffer.from('{"submissionId":"s-1"}') }]);
    await delivered;
    expect(seen.map((m) => [m.key, m.value.toString('utf8')])).toEqual([['almaty-p001', '{"submissionId":"s-1"}']]);
    expect(await queue.lag(`${groupPrefix}recorder`)).toBeGreaterThanOrEqual(0);
  });

  it('the service principal starts a new group of the dead-letter topic at a time (its offsets read and committed under its ACLs)', async () => {
    const queue = queueAs(service, `${topicPrefix}letters`);
    await queue.ensureTopics();
    const letter = (n: number) => ({ source: { topic: queue.topic, partition: 0, offset: String(n) }, key: `p-${n}`, value: Buffer.from(`letter ${n}`), headers: {}, reason: { code: 'UNVERIFIED' as const, message: 'test' }, deadLetteredAt: new Date().toISOString() });
    await queue.deadLetters.publish([letter(1), letter(2)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const startAt = new Date();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await queue.deadLetters.publish([letter(3)]);
    const seen: string[] = [];
    await queue.deadLetters.consume({
      groupId: `${groupPrefix}intake-watcher`,
      startAt,
      handleBatch: async (batch) => void seen.push(...batch.messages.map((m) => m.value.toString('utf8'))),
    });
    const deadline = Date.now() + 20_000;
    while (seen.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Denied, the group would have read from the oldest letter, all three.
    expect(seen).toEqual(['letter 3']);
  });

  it('a wrong password fails at once with the broker’s authentication error', async () => {
    const queue = queueAs({ username: service.username, password: 'not-the-password' }, `${topicPrefix}submissions`);
    await expect(queue.ensureTopics()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/);
  });

  it('the service principal may not create or read topics outside its prefix', async () => {
    const queue = queueAs(service, `other-${run}.submissions`);
    await expect(queue.ensureTopics()).rejects.toThrow(new RegExp(`cannot create Kafka topics: other-${run}.submissions: .*not authorized.*TOPIC_AUTHORIZATION_FAILED`, 'i'));
  });

  it('a principal without ACLs can neither see nor read the service’s topic', async () => {
    const topic = `${topicPrefix}submissions`;
    const raw = client(outsider);
    const outsiderAdmin = raw.admin();
    await outsiderAdmin.connect();
    try {
      expect(await outsiderAdmin.listTopics()).not.toContain(topic);
      await expect(outsiderAdmin.fetchTopicOffsets(topic)).rejects.toThrow(/not authorized/i);
    } finally {
      await outsiderAdmin.disconnect();
    }
    const consumer = raw.consumer({ groupId: `${groupPrefix}outsider` });
    await consumer.connect();
    try {
      await expect(consumer.subscribe({ topics: [topic], fromBeginning: true })).rejects.toThrow(/not authorized/i);
    } finally {
      await consumer.disconnect();
    }
  });
});
