import type { Admin } from 'kafkajs';
import { createTopicsAndWait, retryRetriable, waitForLeaders, withAdmin } from './kafka-retry';

const retriable = (message: string) => Object.assign(new Error(message), { retriable: true });

describe('retryRetriable', () => {
  it('tries again while the error is retriable, and returns the first success', async () => {
    let calls = 0;
    const result = await retryRetriable(
      async () => {
        calls++;
        if (calls < 3) throw retriable('This server does not host this topic-partition');
        return 'ok';
      },
      { delayMs: 1 },
    );
    expect([result, calls]).toEqual(['ok', 3]);
  });

  it('throws a non-retriable error at once', async () => {
    let calls = 0;
    const work = async () => {
      calls++;
      throw new Error('Topic authorization failed');
    };
    await expect(retryRetriable(work, { delayMs: 1 })).rejects.toThrow('Topic authorization failed');
    expect(calls).toBe(1);
  });

  it('gives up after the attempts, with the last error', async () => {
    let calls = 0;
    const work = async () => {
      calls++;
      throw retriable(`attempt ${calls}`);
    };
    await expect(retryRetriable(work, { attempts: 4, delayMs: 1 })).rejects.toThrow('attempt 4');
    expect(calls).toBe(4);
  });
});

/** A unit around the wait alone: metadata answers scripted in order, as a loaded KRaft broker gave them. */
function scriptedAdmin(answers: Array<Error | { name: string; partitions: { partitionId: number; leader: number }[] }[]>) {
  let calls = 0;
  let created = 0;
  const admin = {
    createTopics: async () => (created++, true),
    fetchTopicMetadata: async () => {
      const answer = answers[Math.min(calls++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return { topics: answer };
    },
  } as unknown as Admin;
  return { admin, calls: () => calls, created: () => created };
}

describe('createTopicsAndWait', () => {
  it('waits through UNKNOWN_TOPIC_OR_PARTITION and leaderless partitions until every partition has a leader', async () => {
    const script = scriptedAdmin([
      retriable('This server does not host this topic-partition'),
      [{ name: 't', partitions: [{ partitionId: 0, leader: 1 }, { partitionId: 1, leader: -1 }] }],
      [{ name: 't', partitions: [{ partitionId: 0, leader: 1 }, { partitionId: 1, leader: 1 }] }],
    ]);
    await expect(createTopicsAndWait(script.admin, [{ topic: 't', numPartitions: 2 }], { delayMs: 1 })).resolves.toBe(true);
    expect([script.created(), script.calls()]).toEqual([1, 3]);
  });

  it('a topic missing from the answer is waited for too', async () => {
    const script = scriptedAdmin([[], [{ name: 't', partitions: [{ partitionId: 0, leader: 1 }] }]]);
    await waitForLeaders(script.admin, ['t'], { delayMs: 1 });
    expect(script.calls()).toBe(2);
  });

  it('gives up with a final (not retriable) error that names the topics', async () => {
    const script = scriptedAdmin([[{ name: 't', partitions: [{ partitionId: 0, leader: -1 }] }]]);
    const failure = await waitForLeaders(script.admin, ['t', 'u'], { attempts: 3, delayMs: 1 }).catch((error: Error & { retriable?: boolean }) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/waiting for the leaders of Kafka topics t, u: Kafka topics without a leader yet: t, u/);
    expect((failure as { retriable?: boolean }).retriable).toBeUndefined();
    expect(script.calls()).toBe(3);
  });

  it('a non-retriable metadata error ends the wait at once', async () => {
    const script = scriptedAdmin([new Error('Topic authorization failed')]);
    await expect(waitForLeaders(script.admin, ['t'], { delayMs: 1 })).rejects.toThrow(/Topic authorization failed/);
    expect(script.calls()).toBe(1);
  });
});

describe('withAdmin', () => {
  const fakeKafka = (connect: () => Promise<void> = async () => undefined) => {
    const calls: string[] = [];
    const admin = {
      connect: async () => {
        calls.push('connect');
        await connect();
      },
      disconnect: async () => {
        calls.push('disconnect');
        throw new Error('the broker went away');
      },
    } as unknown as Admin;
    return { calls, kafka: { admin: () => admin } };
  };

  it('answers what its use answered, and disconnects after it (an error from disconnect is not the answer)', async () => {
    const { calls, kafka } = fakeKafka();
    await expect(withAdmin(kafka, async () => { calls.push('use'); return 42; })).resolves.toBe(42);
    expect(calls).toEqual(['connect', 'use', 'disconnect']);
  });

  it('disconnects when its use throws, and throws the use’s error', async () => {
    const { calls, kafka } = fakeKafka();
    await expect(withAdmin(kafka, async () => { throw new Error('no such group'); })).rejects.toThrow('no such group');
    expect(calls).toEqual(['connect', 'disconnect']);
  });

  it('a failed connect throws its error and never calls use', async () => {
    const { calls, kafka } = fakeKafka(async () => { throw new Error('connection refused'); });
    const use = jest.fn();
    await expect(withAdmin(kafka, use)).rejects.toThrow('connection refused');
    expect(use).not.toHaveBeenCalled();
    expect(calls).toEqual(['connect', 'disconnect']);
  });
});
