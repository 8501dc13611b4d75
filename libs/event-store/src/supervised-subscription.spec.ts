// The supervisor over the embedded engine (PGlite in memory): a handler that throws, a store that
// refuses to subscribe, and stop() while a resubscription waits. Timers are recorded (their
// delays are the back-off) and fired at once, so nothing here waits for a clock.
import { createPgliteEventStore } from './embedded/pglite-event-store';
import type { EventStore, RecordedEvent, SubscribeOptions } from './event-store.port';
import { categoryFilter } from './stream-names';
import { backoffDelay, SupervisedSubscription, type SupervisedSubscriptionOptions } from './supervised-subscription';

const id = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;

/** Timers that fire on the next turn, recording each delay asked for. */
function immediateTimers(): { delays: number[]; timers: NonNullable<SupervisedSubscriptionOptions['timers']> } {
  const delays: number[] = [];
  return {
    delays,
    timers: {
      set: (run, ms) => {
        delays.push(ms);
        return setImmediate(run);
      },
      clear: (t) => clearImmediate(t as NodeJS.Immediate),
    },
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('backoffDelay', () => {
  it('doubles from the first wait and stays at the cap', () => {
    const policy = { initialMs: 100, factor: 2, maxMs: 1000 };
    expect([1, 2, 3, 4, 5, 6, 20].map((a) => backoffDelay(policy, a))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });
});

describe('SupervisedSubscription (PGlite)', () => {
  let store: EventStore;
  const filter = categoryFilter('precinct');

  beforeAll(async () => {
    store = await createPgliteEventStore();
    for (let i = 0; i < 10; i++) await store.append(`precinct-e.p${i}`, 'no-stream', [{ id: id(i), type: 'Counted', data: { i } }]);
  }, 60_000);

  afterAll(async () => {
    await store.close();
  });

  it('resubscribes after a handler throws, from the last handled position: every event once, in order', async () => {
    const handled: number[] = [];
    let thrown = 0;
    const { delays, timers } = immediateTimers();
    const sub = new SupervisedSubscription(store, {
      name: 'spec',
      filter,
      timers,
      backoff: { initialMs: 50, factor: 2, maxMs: 400 },
      onEvent: (e: RecordedEvent) => {
        const i = (e.data as { i: number }).i;
        // Event 4 fails three times in a row, then passes.
        if (i === 4 && thrown < 3) {
          thrown++;
          throw new Error(`handler bug #${thrown}`);
        }
        handled.push(i);
      },
    });
    await until(() => sub.status().state === 'running', 'the catch-up');
    expect(handled).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(delays).toEqual([50, 100, 200]);
    const status = sub.status();
    expect(status).toMatchObject({ name: 'spec', state: 'running', attempt: 0, restarts: 3, lastError: 'handler bug #3' });
    expect(status.lastErrorAt).not.toBeNull();

    // Live events still arrive after the restarts.
    await store.append('precinct-e.p10', 'no-stream', [{ id: id(10), type: 'Counted', data: { i: 10 } }]);
    await until(() => handled.length === 11, 'the live event');
    expect(handled[10]).toBe(10);
    await sub.stop();
    expect(sub.status().state).toBe('stopped');
  });

  it('reports restarting with the error and attempt while the store refuses, then catches up from where it was', async () => {
    let refuse = true;
    let attempts = 0;
    const flaky: Pick<EventStore, 'subscribe'> = {
      subscribe: (options: SubscribeOptions) => {
        attempts++;
        if (attempts > 1 && refuse) throw new Error('connection refused');
        return store.subscribe(options);
      },
    };
    const handled: string[] = [];
    const pending: (() => void)[] = [];
    const sub = new SupervisedSubscription(flaky, {
      name: 'flaky',
      filter,
      // Resubscriptions wait until the spec lets them go.
      timers: { set: (run) => pending.push(run), clear: () => undefined },
      onEvent: (e) => {
        handled.push(e.position);
        // Fail once, after the sixth event, as a dropped connection would.
        if (handled.length === 6 && attempts === 1) throw new Error('connection terminated');
      },
    });
    await until(() => pending.length === 1, 'the first failure');
    const sixth = handled[5];
    expect(sub.status()).toMatchObject({ state: 'restarting', attempt: 1, lastError: 'connection terminated' });
    // The sixth event's handler threw: the supervisor resumes before it, so it comes again.
    expect(sub.position).toBe(handled[4]);
    pending.shift()!();
    pending.shift()!();
    expect(sub.status()).toMatchObject({ state: 'restarting', attempt: 3, lastError: 'connection refused' });
    refuse = false;
    pending.shift()!();
    await until(() => sub.status().state === 'running', 'the recovery');
    // Delivered once each, except the one whose handler failed, which came once more.
    expect(handled.filter((p) => p === sixth)).toHaveLength(2);
    expect(new Set(handled).size).toBe(11);
    expect(sub.status()).toMatchObject({ attempt: 0, restarts: 3 });
    await sub.stop();
  });

  it('stop() while a resubscription waits cancels it', async () => {
    const pending: (() => void)[] = [];
    let cleared = 0;
    let subscribed = 0;
    const refusing: Pick<EventStore, 'subscribe'> = {
      subscribe: () => {
        subscribed++;
        throw new Error('store closed');
      },
    };
    const sub = new SupervisedSubscription(refusing, {
      name: 'refused',
      onEvent: () => undefined,
      timers: { set: (run) => pending.push(run), clear: () => cleared++ },
    });
    expect(sub.status()).toMatchObject({ state: 'restarting', attempt: 1, lastError: 'store closed' });
    await sub.stop();
    expect(cleared).toBe(1);
    expect(sub.status().state).toBe('stopped');
    pending.shift()!();
    expect(subscribed).toBe(1);
  });
});
