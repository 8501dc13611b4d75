// The contract against a real broker. `npm run test:integration` starts one (tools/kafka) and sets
// KAFKA_BROKERS; with `npm run kafka:start` running, export KAFKA_BROKERS=127.0.0.1:9092 yourself.
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { brokerStatus, startBroker, stopBroker } from '../../../tools/kafka/broker';
import { DEAD_LETTER_TOPIC_MAX_MESSAGE_BYTES, KafkaSubmissionQueue, TOPIC_MAX_MESSAGE_BYTES, type QueueLogger } from './kafka-submission-queue';
import { createTopicsAndWait } from './kafka-retry';
import { submissionQueueContract } from './submission-queue.contract';
import { DEAD_LETTER_HEADERS, MAX_MESSAGE_BYTES, deadLetterOf, deadLetterTopicFor, fromDeliveredDeadLetter, type DeliveredMessage } from './submission-queue.port';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) {
  throw new Error(
    'KAFKA_BROKERS is not set: run `npm run test:integration` (it starts a broker) or `npm run kafka:start` and export KAFKA_BROKERS=127.0.0.1:9092',
  );
}

jest.setTimeout(60_000);

/** Topics this file's queues may have created: deleted at the end, dead-letter topics keep what they hold forever. */
const created = new Set<string>();

const makeQueue = async ({ topic, partitions }: { topic: string; partitions: number }, logger?: QueueLogger) => {
  created.add(topic).add(deadLetterTopicFor(topic));
  return new KafkaSubmissionQueue({ brokers: brokers.split(','), topic, partitions, clientId: 'tally-contract', logLevel: 'error', logger, retryDelayMs: 50 });
};

/** Keeps kafkajs's complaints during the outage out of the test output, but countable. */
function collectingLogger(): QueueLogger & { lines: string[] } {
  const lines: string[] = [];
  const push = (_obj: object, msg?: string) => void lines.push(msg ?? '');
  return { lines, error: push, warn: push, info: push, debug: push };
}

submissionQueueContract('kafka', { makeQueue, waitMs: 30_000 });

/** Plain kafkajs, as an operator's tool or another producer would use it: outside the port. */
const raw = new Kafka({ clientId: 'tally-contract-raw', brokers: brokers.split(','), logLevel: logLevel.ERROR });

afterAll(async () => {
  const admin = raw.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = [...created].filter((topic) => existing.has(topic));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
});

async function until<T>(read: () => T | undefined, what: string, waitMs = 20_000): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The first offset of the record batch kafkajs decoded `message` from (its `batchContext`, not in kafkajs's typings); 'none' without one. */
function batchFirstOffset(message: object): string {
  const context: unknown = 'batchContext' in message ? message.batchContext : undefined;
  return typeof context === 'object' && context !== null && 'firstOffset' in context ? String(context.firstOffset) : 'none';
}

/** Creates the topic with the broker's defaults (its message limit, CreateTime), as versions before the queue set either did. */
async function createAsAnEarlierVersionDid(topic: string): Promise<void> {
  const admin = raw.admin();
  await admin.connect();
  await createTopicsAndWait(admin, [{ topic, numPartitions: 1 }]).finally(() => admin.disconnect());
}

async function topicConfig(topics: readonly string[]): Promise<Record<string, Record<string, string>>> {
  const admin = raw.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes', 'retention.ms', 'message.timestamp.type'] })),
    });
    return Object.fromEntries(resources.map((resource) => [resource.resourceName, Object.fromEntries(resource.configEntries.map((entry) => [entry.configName, entry.configValue]))]));
  } finally {
    await admin.disconnect();
  }
}

describe('kafka queue', () => {
  it('creates the topic with the configured partition count, idempotently', async () => {
    const queue = await makeQueue({ topic: `tally.partitions-${Date.now()}`, partitions: 4 });
    await queue.ensureTopics();
    await queue.ensureTopics();
    const seen = new Set<number>();
    await queue.consume({ groupId: `g-${Date.now()}`, handleBatch: async (batch) => void seen.add(batch.partition) });
    await queue.publish(Array.from({ length: 100 }, (_, i) => ({ key: `precinct-${i}`, value: 'x' })));
    const deadline = Date.now() + 20_000;
    while (seen.size < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await queue.close();
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });

  it('creates the dead-letter topic beside it, both taking messages above the broker default of 1 MiB', async () => {
    const queue = await makeQueue({ topic: `tally.sizes-${Date.now()}`, partitions: 3 });
    await queue.ensureTopics();
    const admin = raw.admin();
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [queue.topic, queue.deadLetters.topic] }).finally(() => admin.disconnect());
    await queue.close();
    expect(topics.map((topic) => [topic.name, topic.partitions.length]).sort()).toEqual([[queue.topic, 3], [queue.deadLetters.topic, 3]].sort());
    const configs = await topicConfig([queue.topic, queue.deadLetters.topic]);
    expect(Number(configs[queue.topic]['max.message.bytes'])).toBe(TOPIC_MAX_MESSAGE_BYTES);
    expect(Number(configs[queue.deadLetters.topic]['max.message.bytes'])).toBe(DEAD_LETTER_TOPIC_MAX_MESSAGE_BYTES);
    expect(TOPIC_MAX_MESSAGE_BYTES).toBeGreaterThan(MAX_MESSAGE_BYTES);
    expect(DEAD_LETTER_TOPIC_MAX_MESSAGE_BYTES).toBeGreaterThan(TOPIC_MAX_MESSAGE_BYTES);
    // Dead letters are kept until someone deletes them; submissions keep the broker's retention.
    expect(configs[queue.deadLetters.topic]['retention.ms']).toBe('-1');
    expect(configs[queue.topic]['retention.ms']).not.toBe('-1');
  });

  it('consumes a 5 MB message another producer wrote straight onto the topic, dead-letters it, and a plain consumer reads the bytes as sent', async () => {
    const queue = await makeQueue({ topic: `tally.foreign-${Date.now()}`, partitions: 2 });
    await queue.ensureTopics();
    const big = Buffer.alloc(5 * 1000 * 1000, 'garbage, not an envelope ');
    const producer = raw.producer();
    await producer.connect();
    // Written with kafkajs's defaults, without a key: as a foreign producer would.
    await producer.send({ topic: queue.topic, acks: -1, messages: [{ key: null, value: big, headers: { origin: 'foreign' } }, { key: null, value: 'small' }] });
    await producer.disconnect();

    const seen: Array<{ partition: number; message: DeliveredMessage }> = [];
    await queue.consume({
      groupId: `g-foreign-${Date.now()}`,
      handleBatch: async (batch) => {
        for (const message of batch.messages) {
          seen.push({ partition: batch.partition, message });
          if (message.value.length > 1024 * 1024) {
            await queue.deadLetters.publish([deadLetterOf(message, { topic: queue.topic, partition: batch.partition }, { code: 'UNDECODABLE', message: 'not JSON' }, '2026-03-19T20:15:00Z')]);
          }
        }
      },
    });
    await until(() => (seen.length >= 2 ? true : undefined), 'both foreign messages');
    const delivered = seen.find(({ message }) => message.value.length > 1024 * 1024);
    expect(delivered?.message.value.equals(big)).toBe(true);
    expect(delivered?.message.key).toBe('');

    // What kafka-console-consumer would show: the original bytes as the value, the reason in headers.
    const consumer = raw.consumer({ groupId: `g-console-${Date.now()}`, maxWaitTimeInMs: 500 });
    const letters: Array<{ value: Buffer | null; headers: Record<string, string> }> = [];
    await consumer.connect();
    await consumer.subscribe({ topic: queue.deadLetters.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        letters.push({ value: message.value, headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])) });
      },
    });
    const letter = await until(() => letters[0], 'the dead letter on a plain consumer');
    await consumer.disconnect();
    await queue.close();
    expect(letter.value?.equals(big)).toBe(true);
    expect(letter.headers).toEqual({
      origin: 'foreign',
      [DEAD_LETTER_HEADERS.reasonCode]: 'UNDECODABLE',
      [DEAD_LETTER_HEADERS.reason]: 'not JSON',
      [DEAD_LETTER_HEADERS.sourceTopic]: queue.topic,
      [DEAD_LETTER_HEADERS.sourcePartition]: String(delivered?.partition),
      [DEAD_LETTER_HEADERS.sourceOffset]: delivered?.message.offset,
      [DEAD_LETTER_HEADERS.at]: '2026-03-19T20:15:00Z',
    });
    expect(fromDeliveredDeadLetter({ key: '', value: big, offset: '0', headers: Object.fromEntries(Object.entries(letter.headers).map(([n, v]) => [n, Buffer.from(v)])) }).source).toEqual({
      topic: queue.topic,
      partition: delivered?.partition,
      offset: delivered?.message.offset,
    });
  });

  it('keeps a topic that exists with a smaller message limit, and says how to raise it', async () => {
    const logger = collectingLogger();
    const queue = await makeQueue({ topic: `tally.old-${Date.now()}`, partitions: 1 }, logger);
    // As an earlier version created it: the broker's default limit.
    await createAsAnEarlierVersionDid(queue.topic);
    await queue.ensureTopics();
    await queue.close();
    const configs = await topicConfig([queue.topic, queue.deadLetters.topic]);
    expect(Number(configs[queue.topic]['max.message.bytes'])).toBeLessThan(MAX_MESSAGE_BYTES);
    expect(Number(configs[queue.deadLetters.topic]['max.message.bytes'])).toBe(DEAD_LETTER_TOPIC_MAX_MESSAGE_BYTES);
    expect(logger.lines.filter((line) => line.includes('max.message.bytes'))).toEqual([expect.stringContaining(`--entity-name ${queue.topic} --add-config max.message.bytes=${TOPIC_MAX_MESSAGE_BYTES}`)]);
  });

  /** Two messages, one from the queue and one from a plain producer that sets its own timestamp (2001), as delivered. */
  const deliveredWithForeignTimestamp = async (queue: KafkaSubmissionQueue): Promise<{ published: readonly (string | undefined)[]; seen: DeliveredMessage[] }> => {
    const published = await queue.publish([{ key: 'p1', value: 'ours' }]);
    const producer = raw.producer();
    await producer.connect();
    await producer.send({ topic: queue.topic, acks: -1, messages: [{ key: 'p1', value: 'theirs', timestamp: String(Date.parse('2001-01-01T00:00:00Z')) }] });
    await producer.disconnect();
    const seen: DeliveredMessage[] = [];
    await queue.consume({ groupId: `g-time-${Date.now()}`, handleBatch: async ({ messages }) => void seen.push(...messages) });
    await until(() => (seen.length >= 2 ? true : undefined), 'both messages');
    return { published, seen };
  };

  it('creates the topic on the broker’s clock (LogAppendTime): each message says when the broker took it, whatever its producer set', async () => {
    const queue = await makeQueue({ topic: `tally.time-${Date.now()}`, partitions: 1 });
    await queue.ensureTopics();
    expect((await topicConfig([queue.topic]))[queue.topic]['message.timestamp.type']).toBe('LogAppendTime');
    const before = Date.now();
    const { published, seen } = await deliveredWithForeignTimestamp(queue);
    await queue.close();
    // Publish is answered with the very append time its consumers are delivered (intake judges by it).
    expect(published).toEqual([seen.find((m) => m.value.toString() === 'ours')?.appendedAt]);
    // This machine's clock is the broker's: each within the run, the producer's 2001 overwritten.
    for (const message of seen) {
      const appendedAt = Date.parse(message.appendedAt ?? 'absent');
      expect({ value: message.value.toString(), inRun: appendedAt >= before - 1000 && appendedAt <= Date.now() + 1000 }).toEqual({ value: message.value.toString(), inRun: true });
    }
  });

  it('on a topic an earlier version created (CreateTime), says nothing of when a message was taken, and says how to set the broker’s clock', async () => {
    const logger = collectingLogger();
    const queue = await makeQueue({ topic: `tally.createtime-${Date.now()}`, partitions: 1 }, logger);
    await createAsAnEarlierVersionDid(queue.topic);
    await queue.ensureTopics();
    expect(logger.lines.filter((line) => line.includes('message.timestamp.type'))).toEqual([
      expect.stringContaining(`--entity-name ${queue.topic} --add-config message.timestamp.type=LogAppendTime`),
    ]);
    const { published, seen } = await deliveredWithForeignTimestamp(queue);
    await queue.close();
    // A producer's timestamp anchors nothing: no appendedAt, rather than 2001.
    expect(seen.map((message) => message.appendedAt)).toEqual([undefined, undefined]);
    expect(published).toEqual([undefined]);
  });

  it('lingers: publishes made apart within the linger travel in one produce request (one record batch on the broker)', async () => {
    const topic = `tally.linger-${Date.now()}`;
    created.add(topic).add(deadLetterTopicFor(topic));
    const queue = new KafkaSubmissionQueue({ brokers: brokers.split(','), topic, partitions: 1, clientId: 'tally-contract', logLevel: 'error', lingerMs: 300 });
    await queue.ensureTopics();
    // Connects the producer and learns the partitions first, so the ten below wait only for the linger.
    await queue.publish([{ key: 'warm', value: 'warm' }]);
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      sends.push(queue.publish([{ key: 'precinct', value: `m${i}` }]));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(sends);
    await queue.close();
    // kafkajs hands each record its batch's header: one produce request for a partition is one batch.
    const consumer = raw.consumer({ groupId: `g-linger-${Date.now()}`, maxWaitTimeInMs: 200 });
    const firstOffsets = new Map<string, string>();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        firstOffsets.set(String(message.value), batchFirstOffset(message));
      },
    });
    await until(() => (firstOffsets.size >= 11 ? true : undefined), 'the eleven messages');
    await consumer.disconnect();
    expect(firstOffsets.get('warm')).toBe('0');
    expect(new Set(Array.from({ length: 10 }, (_, i) => firstOffsets.get(`m${i}`)))).toEqual(new Set(['1']));
  });

  // Needs the broker this harness manages (not a remote KAFKA_BROKERS): it is stopped and restarted.
  const managed = brokerStatus().running;
  (managed ? it : it.skip)('publishes and consumes across a broker restart without losing a message', async () => {
    const logger = collectingLogger();
    const queue = await makeQueue({ topic: `tally.restart-${Date.now()}`, partitions: 3 }, logger);
    await queue.ensureTopics();
    const seen = new Set<string>();
    await queue.consume({
      groupId: `g-restart-${Date.now()}`,
      handleBatch: async (batch) => {
        for (const message of batch.messages) seen.add(message.value.toString());
      },
    });
    const values = Array.from({ length: 300 }, (_, i) => `m${i}`);
    await queue.publish(values.slice(0, 100).map((value, i) => ({ key: `precinct-${i % 10}`, value })));

    await stopBroker({ log: () => undefined });
    // Published while the broker is down: resolves once it is back (producer retries).
    const duringOutage = queue.publish(values.slice(100, 200).map((value, i) => ({ key: `precinct-${i % 10}`, value })));
    await startBroker({ fresh: false, log: () => undefined });
    await duringOutage;
    await queue.publish(values.slice(200).map((value, i) => ({ key: `precinct-${i % 10}`, value })));

    const deadline = Date.now() + 45_000;
    while (seen.size < values.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    await queue.close();
    expect([...seen].sort()).toEqual([...values].sort());
    // The outage really happened from the client's point of view.
    expect(logger.lines.length).toBeGreaterThan(0);
  }, 120_000);
});
