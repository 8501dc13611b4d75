// A publish resolves only once every partition it went to was answered. kafkajs 2.2.4 can resolve a
// send that skipped partitions whose leader moved during its retry (see sendCovered); this unit
// puts a fake kafkajs client behind the adapter that answers for some partitions only, as kafkajs
// does then. The real broker failover that showed it is in the fault campaign (tools/cluster/faults.js)
// and tools/cluster/kafka-failover.js.
import type { Message, RecordMetadata } from 'kafkajs';

type Send = (record: { topic: string; messages: (Message & { partition: number })[] }) => Promise<RecordMetadata[]>;
const fake: { send: Send; partitions: number; sends: { topic: string; messages: (Message & { partition: number })[] }[] } = {
  send: async () => [],
  partitions: 12,
  sends: [],
};

jest.mock('kafkajs', () => {
  const actual = jest.requireActual('kafkajs');
  class FakeKafka {
    producer() {
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        send: async (record: Parameters<Send>[0]) => {
          fake.sends.push(record);
          return fake.send(record);
        },
      };
    }
    admin() {
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
          topics: topics.map((name) => ({ name, partitions: Array.from({ length: fake.partitions }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1] })) })),
        }),
      };
    }
  }
  return { ...actual, Kafka: FakeKafka };
});

// After the mock, so the adapter is built on the fake client.
import { Partitioners } from 'kafkajs';
import { KafkaSubmissionQueue } from './kafka-submission-queue';

const answer = (topic: string, partitions: Iterable<number>): RecordMetadata[] => [...partitions].map((partition) => ({ topicName: topic, partition, errorCode: 0, baseOffset: '0' }));
const distinct = (messages: readonly { partition: number }[]) => [...new Set(messages.map((m) => m.partition))];
const silent = { error: () => undefined, warn: jest.fn(), info: () => undefined, debug: () => undefined };

function queue() {
  return new KafkaSubmissionQueue({ brokers: ['fake:9092'], topic: 'tally.coverage', partitions: fake.partitions, clientId: 'coverage', logger: silent });
}

const messages = Array.from({ length: 60 }, (_, i) => ({ key: `precinct-${i}`, value: `protocol ${i}` }));

beforeEach(() => {
  fake.sends = [];
  fake.partitions = 12;
  silent.warn.mockClear();
});

describe('Kafka publish: every partition answered', () => {
  it('puts each message on the partition kafkajs’s default partitioner gives its key', async () => {
    fake.send = async ({ topic, messages: sent }) => answer(topic, distinct(sent));
    await queue().publish(messages);
    const choose = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 12 }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
    const expected = messages.map((m) => choose({ topic: 'tally.coverage', partitionMetadata, message: { key: m.key, value: null } }));
    expect(fake.sends).toHaveLength(1);
    expect(fake.sends[0].messages.map((m) => m.partition)).toEqual(expected);
    // Sixty keys over twelve partitions: the check below is about several partitions, not one.
    expect(new Set(expected).size).toBeGreaterThan(6);
  });

  it('sends again, before resolving, the messages of partitions a send resolved without answering', async () => {
    // The first send answers only for the partitions below 6, as kafkajs does when the leader of
    // the others moved to a broker that had already answered.
    // Each answer stamped as a LogAppendTime topic's broker does: the first at 1,000 s, the resend's at 1,001 s.
    let first = true;
    fake.send = async ({ topic, messages: sent }) => {
      const records = answer(topic, distinct(sent).filter((p) => !first || p < 6)).map((r) => ({ ...r, logAppendTime: first ? '1000000' : '1001000' }));
      first = false;
      return records;
    };
    const appendedAt = await queue().publish(messages);
    expect(fake.sends).toHaveLength(2);
    const resent = fake.sends[1].messages;
    expect(resent.length).toBeGreaterThan(0);
    expect(resent.every((m) => m.partition >= 6)).toBe(true);
    // Exactly the unanswered ones, in their publish order.
    expect(resent.map((m) => m.key)).toEqual(fake.sends[0].messages.filter((m) => m.partition >= 6).map((m) => m.key));
    expect(silent.warn).toHaveBeenCalledWith(expect.objectContaining({ topic: 'tally.coverage', attempt: 1 }), expect.stringContaining('sending their messages again'));
    // Each message in publish order, with the append time of the answer that wrote it.
    const partitionOf = new Map(fake.sends[0].messages.map((m) => [m.key, m.partition]));
    expect(appendedAt).toEqual(messages.map((m) => (partitionOf.get(m.key)! < 6 ? '1970-01-01T00:16:40.000Z' : '1970-01-01T00:16:41.000Z')));
  });

  it('answers a publish on a CreateTime topic (logAppendTime -1) with no append times', async () => {
    fake.send = async ({ topic, messages: sent }) => answer(topic, distinct(sent)).map((r) => ({ ...r, logAppendTime: '-1' }));
    expect(await queue().publish(messages.slice(0, 3))).toEqual([undefined, undefined, undefined]);
  });

  it('rejects the publish, naming the partitions, when they stay unanswered', async () => {
    fake.send = async ({ topic, messages: sent }) => answer(topic, distinct(sent).filter((p) => p !== 3));
    await expect(queue().publish(messages)).rejects.toThrow(/did not acknowledge partitions 3 of tally\.coverage after 5 sends/);
    expect(fake.sends).toHaveLength(5);
  });

  it('does not count an answer with an error code as written', async () => {
    let first = true;
    fake.send = async ({ topic, messages: sent }) => {
      const records = distinct(sent).map((partition) => ({ topicName: topic, partition, errorCode: first && partition === 0 ? 6 : 0 }));
      first = false;
      return records;
    };
    await queue().publish(messages);
    expect(distinct(fake.sends[0].messages)).toContain(0);
    expect(fake.sends).toHaveLength(2);
    expect(distinct(fake.sends[1].messages)).toEqual([0]);
  });
});
