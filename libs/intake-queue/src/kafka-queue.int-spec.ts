// The contract against a real broker. `npm run test:integration` starts one (tools/kafka) and sets
// KAFKA_BROKERS; with `npm run kafka:start` running, export KAFKA_BROKERS=127.0.0.1:9092 yourself.
import { brokerStatus, startBroker, stopBroker } from '../../../tools/kafka/broker';
import { KafkaSubmissionQueue, type QueueLogger } from './kafka-submission-queue';
import { submissionQueueContract } from './submission-queue.contract';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) {
  throw new Error(
    'KAFKA_BROKERS is not set: run `npm run test:integration` (it starts a broker) or `npm run kafka:start` and export KAFKA_BROKERS=127.0.0.1:9092',
  );
}

jest.setTimeout(60_000);

const makeQueue = async ({ topic, partitions }: { topic: string; partitions: number }, logger?: QueueLogger) =>
  new KafkaSubmissionQueue({ brokers: brokers.split(','), topic, partitions, clientId: 'tally-contract', logLevel: 'error', logger, retryDelayMs: 50 });

/** Keeps kafkajs's complaints during the outage out of the test output, but countable. */
function collectingLogger(): QueueLogger & { lines: string[] } {
  const lines: string[] = [];
  const push = (_obj: object, msg?: string) => void lines.push(msg ?? '');
  return { lines, error: push, warn: push, info: push, debug: push };
}

submissionQueueContract('kafka', { makeQueue, waitMs: 30_000 });

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
