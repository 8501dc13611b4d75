// The rate limiter's storage must answer exactly as @nestjs/throttler's own (the guard's 429s and
// Retry-After depend on every field), only in O(1): both are driven through the same hits at the
// same instants (the library's reads Date.now(), so the clock is Jest's) and compared record by record.
// Both forget idle clients; the library on a timer, ours on the request path once a minute: the
// library's sweep is run here at the instants ours sweeps, so the two forget the same clients.
import { ThrottlerStorageService } from '@nestjs/throttler';
import { HitLogThrottlerStorage } from './hit-log-throttler.storage';

type Step = { readonly at: number; readonly key: string };

async function compare(steps: readonly Step[], ttl: number, limit: number, blockDuration: number): Promise<void> {
  const library = new ThrottlerStorageService();
  const ours = new HitLogThrottlerStorage();
  try {
    let sweptAt = 0;
    for (const { at, key } of steps) {
      jest.setSystemTime(at);
      if (at - sweptAt >= 60_000) {
        sweptAt = at;
        // Private in the typings, a plain method at run time: the sweep its own timer would run.
        (library as unknown as { evictIdleRecords(now: number): void }).evictIdleRecords(at);
      }
      const expected = await library.increment(key, ttl, limit, blockDuration, 'default');
      expect({ at, key, ...ours.hit(key, ttl, limit, blockDuration, 'default', at) }).toEqual({ at, key, ...expected });
    }
  } finally {
    library.onApplicationShutdown();
  }
}

/** A deterministic stream of hits from a few clients, bursty (several per millisecond) and with pauses longer than the window. */
function steps(count: number, seed: number): Step[] {
  let x = seed;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out: Step[] = [];
  let at = 1_000_000;
  for (let i = 0; i < count; i++) {
    const r = rand();
    at += r < 0.5 ? 0 : r < 0.9 ? Math.floor(rand() * 300) : Math.floor(rand() * 5000);
    out.push({ at, key: `client-${Math.floor(rand() * 3)}` });
  }
  return out;
}

describe('HitLogThrottlerStorage answers as the library storage does', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('blocking for the window once over the limit (the guard passes blockDuration = ttl)', async () => {
    await compare(steps(3000, 7), 1000, 5, 1000);
  });

  it('with a block longer than the window, and a limit of one', async () => {
    await compare(steps(2000, 11), 700, 1, 2500);
  });

  it('without blocking (blockDuration 0): refused while the window is full, never blocked for longer', async () => {
    await compare(steps(2000, 13), 1000, 4, 0);
  });

  it('a large allowance from one client stays correct across the compaction of its hit log', async () => {
    const burst: Step[] = Array.from({ length: 5000 }, (_, i) => ({ at: 1_000_000 + Math.floor(i / 3), key: 'one' }));
    await compare(burst, 200, 10_000, 200);
  });

  it('forgets idle clients on the request path, keeps active ones', () => {
    const ours = new HitLogThrottlerStorage();
    ours.hit('idle', 1000, 5, 1000, 'default', 0);
    ours.hit('active', 1000, 5, 1000, 'default', 59_500);
    expect(ours.size).toBe(2);
    ours.hit('active', 1000, 5, 1000, 'default', 60_000); // the minute's sweep: 'idle' has nothing live
    expect(ours.size).toBe(1);
  });
});
