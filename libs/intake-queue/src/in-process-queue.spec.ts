import { InProcessSubmissionQueue, partitionForKey } from './in-process-submission-queue';
import { createSubmissionQueue, parseQueueConfig } from './queue.config';
import { submissionQueueContract } from './submission-queue.contract';

submissionQueueContract('in-process', {
  makeQueue: async ({ topic, partitions }) => new InProcessSubmissionQueue({ topic, partitions, retryDelayMs: 5 }),
  waitMs: 5_000,
});

describe('in-process queue', () => {
  it('keeps a key on one partition and spreads keys over all partitions', () => {
    const partitions = new Set(Array.from({ length: 200 }, (_, i) => partitionForKey(`precinct-${i}`, 6)));
    expect([...partitions].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(partitionForKey('precinct-42', 6)).toBe(partitionForKey('precinct-42', 6));
  });

  it('drops what every group has committed and still delivers everything after it', async () => {
    const queue = new InProcessSubmissionQueue({ partitions: 1 });
    const seen: string[] = [];
    await queue.consume({ groupId: 'recorder', handleBatch: async (batch) => void seen.push(...batch.messages.map((m) => m.offset)) });
    await queue.publish(Array.from({ length: 10_000 }, (_, i) => ({ key: 'k', value: String(i) })));
    while (seen.length < 10_000) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(queue.length(0)).toBe(10_000);
    expect(queue.retained(0)).toBeLessThan(4_096);
    expect(queue.read(0, 9_999, 10).map((m) => m.value.toString())).toEqual(['9999']);
    expect(seen).toEqual(Array.from({ length: 10_000 }, (_, i) => String(i)));
    await queue.close();
  });

  it('refuses to publish after close', async () => {
    const queue = new InProcessSubmissionQueue();
    await queue.close();
    await expect(queue.publish([{ key: 'k', value: 'v' }])).rejects.toThrow('closed');
  });
});

describe('queue configuration', () => {
  it('chooses the in-process queue when KAFKA_BROKERS is unset or empty, with the defaults', () => {
    expect(parseQueueConfig({})).toEqual({ kind: 'in-process', topic: 'tally.submissions', partitions: 6 });
    expect(parseQueueConfig({ KAFKA_BROKERS: ' ' }).kind).toBe('in-process');
    expect(createSubmissionQueue(parseQueueConfig({}))).toBeInstanceOf(InProcessSubmissionQueue);
  });

  it('parses a comma-separated broker list and the Kafka settings', () => {
    expect(parseQueueConfig({ KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092', KAFKA_TOPIC: 'votes', KAFKA_PARTITIONS: '12', KAFKA_CLIENT_ID: 'intake-1' })).toEqual({
      kind: 'kafka',
      brokers: ['kafka-1:9092', 'kafka-2:9092'],
      topic: 'votes',
      partitions: 12,
      clientId: 'intake-1',
    });
  });

  it('refuses malformed values with the variable named', () => {
    expect(() => parseQueueConfig({ KAFKA_BROKERS: 'kafka-1' })).toThrow(/KAFKA_BROKERS/);
    expect(() => parseQueueConfig({ KAFKA_PARTITIONS: '0' })).toThrow(/KAFKA_PARTITIONS/);
    expect(() => parseQueueConfig({ KAFKA_TOPIC: 'bad topic' })).toThrow(/KAFKA_TOPIC/);
  });
});
