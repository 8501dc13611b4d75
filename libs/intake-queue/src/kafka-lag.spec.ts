// Lag is read with kafkajs's admin, whose fetchTopicOffsets gives up at once on
// NOT_LEADER_FOR_PARTITION (CI met it on a dead-letter topic just created). This unit puts a fake
// kafkajs admin behind the adapter that answers so first, as a broker does while a leader settles;
// the contract suite (kafka-queue.int-spec.ts) reads lag from the real broker.
import type { KafkaJSProtocolError as ProtocolError } from 'kafkajs';

const fake = { failures: 0, admins: 0, error: undefined as unknown as () => Error };

jest.mock('kafkajs', () => {
  const actual = jest.requireActual('kafkajs');
  class FakeKafka {
    admin() {
      fake.admins += 1;
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        fetchTopicOffsets: async () => {
          if (fake.failures > 0) {
            fake.failures -= 1;
            throw fake.error();
          }
          return [
            { partition: 0, offset: '7', high: '7', low: '0' },
            { partition: 1, offset: '4', high: '4', low: '1' },
          ];
        },
        fetchOffsets: async () => [{ topic: 'tally.lag', partitions: [{ partition: 0, offset: '5' }, { partition: 1, offset: '-1' }] }],
      };
    }
  }
  return { ...actual, Kafka: FakeKafka };
});

import { KafkaJSProtocolError } from 'kafkajs';
import { KafkaSubmissionQueue } from './kafka-submission-queue';

const silent = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
const queue = () => new KafkaSubmissionQueue({ brokers: ['fake:9092'], topic: 'tally.lag', partitions: 2, clientId: 'lag', logger: silent });
// kafkajs's error for a code, as its protocol/error.js describes it (that module has no types).
const protocolError = (message: string, fields: { type: string; code: number; retriable: boolean }): ProtocolError =>
  new KafkaJSProtocolError(Object.assign(new Error(message), fields));
const notLeader = () => protocolError('This server is not the leader for that topic-partition', { type: 'NOT_LEADER_FOR_PARTITION', code: 6, retriable: true });

beforeEach(() => {
  fake.failures = 0;
  fake.admins = 0;
  fake.error = notLeader;
});

describe('Kafka lag', () => {
  it('adds, partition by partition, the end offset less the committed one (or the oldest kept, where the group never committed)', async () => {
    // Partition 0: 7 - 5; partition 1, never committed: 4 - 1.
    expect(await queue().lag('group')).toBe(5);
  });

  it('reads again, with a new admin, while the broker answers that it is not the leader', async () => {
    fake.failures = 2;
    expect(await queue().lag('group')).toBe(5);
    expect(fake.admins).toBe(3);
  });

  it('gives up at once on an error that is not retriable', async () => {
    fake.failures = 1;
    fake.error = () => protocolError('Not authorized to access topics: [Topic authorization failed]', { type: 'TOPIC_AUTHORIZATION_FAILED', code: 29, retriable: false });
    await expect(queue().lag('group')).rejects.toThrow(/not authorized/i);
    expect(fake.admins).toBe(1);
  });
});
