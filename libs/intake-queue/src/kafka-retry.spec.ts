import { retryRetriable } from './kafka-retry';

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
