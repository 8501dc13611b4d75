import fc from 'fast-check';
// The command handler against the embedded store (PGlite in memory), with a toy decider: a tally
// stream that adds amounts, each once (by key), and refuses negative ones.
import { v5 as uuidv5 } from 'uuid';
import { createPgliteEventStore } from '../embedded/pglite-event-store';
import { InvalidAppendError, WrongExpectedRevisionError } from '../event-store.errors';
import type { EventStore } from '../event-store.port';
import { eventToAppend, toJsonObject } from './event-data';
import { StreamCommandHandler, type Decision, type StreamDecider, type StreamRecord } from './stream-command-handler';
import { StreamStateCache } from './stream-state-cache';

const NS = '3b0f3c0e-8f5e-4d0c-9a57-0c6f1d2e3a4b';

interface Add {
  readonly key: string;
  readonly amount: number;
}
interface Tally {
  readonly total: number;
  readonly keys: readonly string[];
}
interface Added {
  readonly type: 'Added';
  readonly data: { readonly key: string; readonly amount: number };
}

function tallyDecider(cache?: StreamStateCache<Tally>): StreamDecider<Tally, Add, string> & { folded: number } {
  const decider = {
    folded: 0,
    cache,
    initialState: (): Tally => ({ total: 0, keys: [] }),
    evolve(state: Tally, record: StreamRecord): Tally {
      decider.folded++;
      const { key, amount } = record.data as { key: string; amount: number };
      return { total: state.total + amount, keys: [...state.keys, key] };
    },
    decide({ key, amount }: Add, state: Tally): Decision<string> {
      if (amount < 0) return { ok: false, error: `NEGATIVE ${key}` };
      if (state.keys.includes(key)) return { ok: true, value: [] };
      const event: Added = { type: 'Added', data: { key, amount } };
      return { ok: true, value: [eventToAppend(uuidv5(key, NS), event, { by: 'spec' })] };
    },
  };
  return decider;
}

describe('StreamCommandHandler', () => {
  let store: EventStore;
  let handler: StreamCommandHandler;
  let n = 0;
  /** A fresh stream name per test: the store is shared. */
  const stream = () => `tally-s${++n}`;

  beforeAll(async () => {
    store = await createPgliteEventStore({});
    handler = new StreamCommandHandler(store);
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });
  afterEach(() => jest.restoreAllMocks());

  const totalOf = async (s: string) => (await store.readStream(s)).reduce((sum, e) => sum + (e.data.amount as number), 0);

  it('loads, decides and appends with the expected revision; the same command again changes nothing; a refusal writes nothing', async () => {
    const s = stream();
    const decider = tallyDecider();
    const first = await handler.handle({ streamName: s, decider, command: { key: 'a', amount: 5 } });
    expect(first).toMatchObject({ kind: 'appended', state: { total: 5, keys: ['a'] }, result: { nextRevision: 0n, alreadyRecorded: false }, attempts: 1 });
    expect(first.kind === 'appended' && first.events.map((e) => e.data)).toEqual([{ key: 'a', amount: 5 }]);

    const second = await handler.handle({ streamName: s, decider, command: { key: 'b', amount: 2 } });
    expect(second).toMatchObject({ kind: 'appended', state: { total: 7 }, result: { nextRevision: 1n } });
    expect(await handler.handle({ streamName: s, decider, command: { key: 'a', amount: 5 } })).toEqual({ kind: 'unchanged', state: { total: 7, keys: ['a', 'b'] }, revision: 1n });
    expect(await handler.handle({ streamName: s, decider, command: { key: 'c', amount: -1 } })).toMatchObject({ kind: 'refused', refusal: 'NEGATIVE c' });

    const recorded = await store.readStream(s);
    expect(recorded.map((e) => [e.type, e.data, e.metadata.by])).toEqual([
      ['Added', { key: 'a', amount: 5 }, 'spec'],
      ['Added', { key: 'b', amount: 2 }, 'spec'],
    ]);
  });

  it('keeps folded states in the decider cache: a hot stream is read once', async () => {
    const s = stream();
    const decider = tallyDecider(new StreamStateCache(10));
    const reads = jest.spyOn(store, 'readStream');
    for (const key of ['a', 'b', 'c']) await handler.handle({ streamName: s, decider, command: { key, amount: 1 } });
    expect(reads).toHaveBeenCalledTimes(1);
    expect(decider.cache?.get(s)).toEqual({ state: { total: 3, keys: ['a', 'b', 'c'] }, revision: 2n });
  });

  it('decides again against a fresh read when another writer moved the stream (conflict retry)', async () => {
    const s = stream();
    const mine = tallyDecider(new StreamStateCache(10));
    const other = tallyDecider();
    await handler.handle({ streamName: s, decider: mine, command: { key: 'a', amount: 1 } }); // mine caches revision 0
    await handler.handle({ streamName: s, decider: other, command: { key: 'b', amount: 10 } }); // revision 1 behind its back
    const appends = jest.spyOn(store, 'append');

    const third = await handler.handle({ streamName: s, decider: mine, command: { key: 'c', amount: 100 } });
    expect(appends).toHaveBeenCalledTimes(2);
    expect(appends.mock.calls.map((c) => c[1])).toEqual([0n, 1n]);
    expect(third).toMatchObject({ kind: 'appended', state: { total: 111, keys: ['a', 'b', 'c'] }, result: { nextRevision: 2n }, attempts: 2 });

    // The other writer recorded exactly what a stale fold decides: the store recognises the
    // append as already recorded, and the stale state is dropped from the cache.
    await handler.handle({ streamName: s, decider: other, command: { key: 'd', amount: 1000 } });
    expect(await handler.handle({ streamName: s, decider: mine, command: { key: 'd', amount: 1000 } })).toMatchObject({
      kind: 'appended',
      result: { alreadyRecorded: true, nextRevision: 3n },
      attempts: 1,
    });
    expect(mine.cache?.get(s)).toBeUndefined();
    expect(await totalOf(s)).toBe(1111);
  });

  it('gives up after maxAttempts conflicts, and passes other errors through at once', async () => {
    const s = stream();
    const bounded = new StreamCommandHandler(store, { maxAttempts: 3 });
    const append = jest.spyOn(store, 'append').mockRejectedValue(new WrongExpectedRevisionError(s, 'no-stream', 7n));
    await expect(bounded.handle({ streamName: s, decider: tallyDecider(), command: { key: 'a', amount: 1 } })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(append).toHaveBeenCalledTimes(3);

    append.mockReset().mockRejectedValue(new Error('disk full'));
    await expect(bounded.handle({ streamName: s, decider: tallyDecider(), command: { key: 'a', amount: 1 } })).rejects.toThrow('disk full');
    expect(append).toHaveBeenCalledTimes(1);
  });

  it('folds a whole stream with `fold` when the decider has one', async () => {
    const s = stream();
    await handler.handle({ streamName: s, decider: tallyDecider(), command: { key: 'a', amount: 1 } });
    await handler.handle({ streamName: s, decider: tallyDecider(), command: { key: 'b', amount: 1 } });
    const decider = tallyDecider();
    const withFold: StreamDecider<Tally, Add, string> = {
      ...decider,
      evolve: decider.evolve,
      decide: decider.decide,
      initialState: decider.initialState,
      fold: (records) => ({ total: records.length * 1000, keys: records.map((r) => r.data.key as string) }),
    };
    expect(await handler.handle({ streamName: s, decider: withFold, command: { key: 'a', amount: 1 } })).toMatchObject({ kind: 'unchanged', state: { total: 2000 } });
    expect(decider.folded).toBe(0);
  });

  describe('a batch', () => {
    it('decides commands on many streams in order, each against the state the previous left, and appends them in ONE appendMany', async () => {
      const [s1, s2, s3] = [stream(), stream(), stream()];
      const decider = tallyDecider(new StreamStateCache(10));
      await handler.handle({ streamName: s3, decider: tallyDecider(), command: { key: 'x', amount: 1 } });
      const appendMany = jest.spyOn(store, 'appendMany');
      const handled = await handler.handleBatch([
        { streamName: s1, decider, command: { key: 'a', amount: 1 } },
        { streamName: s2, decider, command: { key: 'a', amount: 2 } },
        { streamName: s1, decider, command: { key: 'a', amount: 1 } }, // the first one's key: nothing
        { streamName: s1, decider, command: { key: 'b', amount: 3 } },
        { streamName: s2, decider, command: { key: 'c', amount: -3 } },
        { streamName: s3, decider, command: { key: 'x', amount: 1 } }, // already in the store
      ]);
      expect(appendMany).toHaveBeenCalledTimes(1);
      expect(handled.appends).toBe(1);
      expect(handled.outcomes.map((o) => o.kind)).toEqual(['appended', 'appended', 'unchanged', 'appended', 'refused', 'unchanged']);
      expect(handled.outcomes[4]).toEqual({ kind: 'refused', refusal: 'NEGATIVE c' });
      expect(appendMany.mock.calls[0][0].map((a) => [a.streamName, a.expectedRevision, a.events.length])).toEqual([
        [s1, 'no-stream', 2],
        [s2, 'no-stream', 1],
      ]);
      expect(handled.results.map((r) => [r.streamName, r.nextRevision])).toEqual([
        [s1, 1n],
        [s2, 0n],
      ]);
      expect([await totalOf(s1), await totalOf(s2)]).toEqual([4, 2]);
      // The cache holds the states decided, and the one read.
      expect(decider.cache?.get(s1)).toEqual({ state: { total: 4, keys: ['a', 'b'] }, revision: 1n });
      expect(decider.cache?.get(s3)?.revision).toBe(0n);
    });

    it('decides the whole batch again when a stream conflicts; the failed attempt wrote nothing', async () => {
      const [s1, s2] = [stream(), stream()];
      const decider = tallyDecider(new StreamStateCache(10));
      await handler.handleBatch([{ streamName: s2, decider, command: { key: 'a', amount: 1 } }]); // cached at revision 0
      await handler.handle({ streamName: s2, decider: tallyDecider(), command: { key: 'b', amount: 10 } }); // revision 1 elsewhere
      const appendMany = jest.spyOn(store, 'appendMany');
      const handled = await handler.handleBatch([
        { streamName: s1, decider, command: { key: 'a', amount: 100 } },
        { streamName: s2, decider, command: { key: 'b', amount: 10 } }, // stale state: decided, then found recorded
        { streamName: s2, decider, command: { key: 'c', amount: 1000 } },
      ]);
      expect(appendMany).toHaveBeenCalledTimes(2);
      expect(handled.appends).toBe(2);
      expect(handled.outcomes.map((o) => o.kind)).toEqual(['appended', 'unchanged', 'appended']);
      expect((await store.readStream(s1)).length).toBe(1);
      expect((await store.readStream(s2)).map((e) => e.data.key)).toEqual(['a', 'b', 'c']);
    });

    it('appends nothing when nothing was decided, and refuses two deciders for one stream', async () => {
      const s = stream();
      const appendMany = jest.spyOn(store, 'appendMany');
      expect(await handler.handleBatch([{ streamName: s, decider: tallyDecider(), command: { key: 'a', amount: -1 } }])).toEqual({
        outcomes: [{ kind: 'refused', refusal: 'NEGATIVE a' }],
        results: [],
        appends: 0,
      });
      expect(appendMany).not.toHaveBeenCalled();
      await expect(
        handler.handleBatch([
          { streamName: s, decider: tallyDecider(), command: { key: 'a', amount: 1 } },
          { streamName: s, decider: tallyDecider(), command: { key: 'b', amount: 1 } },
        ]),
      ).rejects.toThrow(/two deciders/);
    });
  });
});

describe('eventToAppend', () => {
  interface Typed {
    readonly type: 'Typed';
    readonly data: { readonly when: string; readonly counts: readonly number[]; readonly nested: { readonly ok: boolean; readonly gone?: string } };
  }

  it('copies a typed event (readonly interfaces) as JSON, leaving out keys that hold undefined', () => {
    const event: Typed = { type: 'Typed', data: { when: 'now', counts: [1, 2], nested: { ok: true, gone: undefined } } };
    const appended = eventToAppend('0f8c1d4e-5b9a-4c3e-8d2f-1a2b3c4d5e6f', event, { by: 'me' });
    expect(appended).toEqual({ id: '0f8c1d4e-5b9a-4c3e-8d2f-1a2b3c4d5e6f', type: 'Typed', data: { when: 'now', counts: [1, 2], nested: { ok: true } }, metadata: { by: 'me' } });
    expect('gone' in (appended.data.nested as object)).toBe(false);
    expect(appended.data).not.toBe(event.data);
    expect('metadata' in eventToAppend('0f8c1d4e-5b9a-4c3e-8d2f-1a2b3c4d5e6f', event)).toBe(false);
  });

  it('keeps a "__proto__" key that JSON.parse made an own property', () => {
    const parsed = JSON.parse('{"payload":{"__proto__":{"x":1},"y":2}}') as object;
    const data = toJsonObject(parsed);
    expect(JSON.stringify(data)).toBe('{"payload":{"__proto__":{"x":1},"y":2}}');
    expect(Object.getPrototypeOf(data.payload)).toBe(Object.prototype);
  });

  it('copies any JSON object as JSON itself would, member order included, sharing nothing with it', () => {
    const json = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(fc.dictionary(fc.string(), json, { maxKeys: 5 }), (data) => {
        const copy = toJsonObject(data);
        expect(JSON.stringify(copy)).toBe(JSON.stringify(data));
        expect(copy).not.toBe(data);
      }),
    );
  });

  it('refuses what JSON cannot hold, naming where it is', () => {
    expect(() => toJsonObject({ a: { b: new Date(0) } })).toThrow(new InvalidAppendError('data.a.b is a Date, not a JSON object'));
    expect(() => toJsonObject({ n: Number.NaN })).toThrow(/data\.n is NaN/);
    expect(() => toJsonObject({ list: [1, undefined] })).toThrow(/data\.list\[1\] is undefined/);
    expect(() => toJsonObject({ big: 1n })).toThrow(/data\.big is a bigint/);
    expect(() => toJsonObject([1])).toThrow(/an array/);
    expect(() => toJsonObject({ m: new Map() })).toThrow(/data\.m is a Map/);
  });
});
