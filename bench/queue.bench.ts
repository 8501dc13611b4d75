// The submission queue's own speed, the yardstick for the pipeline's figures: raw kafkajs
// produce + consume (no port, no commits per batch), the same through the Kafka adapter, and the
// in-process queue. ~50k messages of ~500 bytes each, keyed by precinct, to a fresh topic.
import { performance } from 'node:perf_hooks';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { InProcessSubmissionQueue, KafkaSubmissionQueue, createTopicsAndWait, type SubmissionQueue } from '@tally/intake-queue';
import type { BenchResult } from './bench.types';

const MESSAGES = 50_000;
const PRECINCTS = 10_000;
const PUBLISH_BATCH = 1_000;
const PARTITIONS = 6;
const VALUE = Buffer.alloc(500, 'x');

const keyOf = (i: number) => `precinct-${i % PRECINCTS}`;

async function waitFor(done: () => boolean, what: string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function rawKafkajs(brokers: string[]): Promise<BenchResult[]> {
  const kafka = new Kafka({ clientId: 'tally-bench', brokers, logLevel: logLevel.ERROR });
  const topic = `tally.bench-raw-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, [{ topic, numPartitions: PARTITIONS }]);
  await admin.disconnect();

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 100 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic, fromBeginning: true });
  let consumed = 0;
  await consumer.run({
    eachBatch: async ({ batch }) => {
      consumed += batch.messages.length;
    },
  });

  const start = performance.now();
  for (let i = 0; i < MESSAGES; i += PUBLISH_BATCH) {
    const messages = Array.from({ length: Math.min(PUBLISH_BATCH, MESSAGES - i) }, (_, j) => ({ key: keyOf(i + j), value: VALUE }));
    await producer.send({ topic, acks: -1, messages });
  }
  const produced = performance.now();
  await waitFor(() => consumed >= MESSAGES, 'raw kafkajs consumer');
  const end = performance.now();
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  return [
    {
      name: 'kafkajs raw produce+consume',
      value: MESSAGES / ((end - start) / 1000),
      unit: 'messages/s',
      note: `${MESSAGES} × ${VALUE.length} B, ${PARTITIONS} partitions, idempotent acks=-1, batches of ${PUBLISH_BATCH}; produce alone ${Math.round(MESSAGES / ((produced - start) / 1000))}/s`,
    },
  ];
}

async function throughPort(label: string, queue: SubmissionQueue, note: string): Promise<BenchResult> {
  await queue.ensureTopics();
  let consumed = 0;
  await queue.consume({
    groupId: `bench-${Date.now()}`,
    handleBatch: async (batch) => {
      consumed += batch.messages.length;
    },
  });
  const start = performance.now();
  const publishes: Promise<unknown>[] = [];
  for (let i = 0; i < MESSAGES; i += PUBLISH_BATCH) {
    const messages = Array.from({ length: Math.min(PUBLISH_BATCH, MESSAGES - i) }, (_, j) => ({ key: keyOf(i + j), value: VALUE }));
    publishes.push(queue.publish(messages));
  }
  await Promise.all(publishes);
  await waitFor(() => consumed >= MESSAGES, `${label} consumer`);
  const end = performance.now();
  await queue.close();
  return { name: `${label} publish+consume`, value: MESSAGES / ((end - start) / 1000), unit: 'messages/s', note };
}

export default async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const brokers = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean) ?? [];
  if (brokers.length === 0) {
    const note = 'skipped: KAFKA_BROKERS unset (run under tools/kafka/with-broker.js)';
    results.push({ name: 'kafkajs raw produce+consume', value: NaN, unit: 'messages/s', note });
    results.push({ name: 'kafka adapter publish+consume', value: NaN, unit: 'messages/s', note });
  } else {
    results.push(...(await rawKafkajs(brokers)));
    const topic = `tally.bench-port-${Date.now()}`;
    results.push(
      await throughPort(
        'kafka adapter',
        new KafkaSubmissionQueue({ brokers, topic, partitions: PARTITIONS, clientId: 'tally-bench', logLevel: 'error' }),
        `the port: coalesced publishes, explicit commit after every handled batch of ≤ 500`,
      ),
    );
  }
  results.push(
    await throughPort('in-process queue', new InProcessSubmissionQueue({ partitions: PARTITIONS }), 'memory only, commit after every handled batch of ≤ 500'),
  );
  return results;
}
