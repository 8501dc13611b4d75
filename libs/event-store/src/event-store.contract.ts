// The ONE contract every EventStore adapter passes. Each adapter's spec calls
// `eventStoreContract(...)` with a factory; streams get fresh categories per test, so one store
// per file is enough (stores are expensive to start).
import { randomBytes, randomUUID } from 'node:crypto';
import { DuplicateEventIdError, InvalidAppendError, WrongExpectedRevisionError } from './event-store.errors';
import type { EventStore, EventToAppend, RecordedEvent, SubscriptionHandle } from './event-store.port';
import { GENESIS_HASH, verifyStore } from './hash-chain';
import { comparePositions, START_POSITION } from './position';
import { categoryFilter, streamName } from './stream-names';
import type { TamperableCopy } from './testing/sql-tamper-copy';

export interface EventStoreContractFactory {
  /** Opens the store under test (called once per file). */
  open(): Promise<EventStore>;
  /** Whether `appendMany` is one transaction (SQL engines) rather than item by item. */
  readonly atomicBatches: boolean;
  /** Copies the store into a database where tampering is possible; omit where the engine forbids copying. */
  readonly tamperableCopy?: (store: EventStore) => Promise<TamperableCopy>;
  /** Generous per-test timeout for the load test (ms). */
  readonly loadTimeoutMs?: number;
}

let counter = 0;
/** A category no other test (or earlier run against the same server) uses. */
function freshCategory(): string {
  counter += 1;
  return `t${randomBytes(4).toString('hex')}${counter}`;
}

function event(type: string, data: Record<string, string | number | boolean> = {}, metadata?: Record<string, string>): EventToAppend {
  return { id: randomUUID(), type, data: { ...data }, ...(metadata ? { metadata } : {}) };
}

async function readAllOf(store: EventStore, categories: string[]): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for (let from = START_POSITION; ; ) {
    const page = await store.readAll({ from, filter: categoryFilter(...categories), batchSize: 500 });
    out.push(...page.events);
    from = page.checkpoint;
    if (page.isEnd) return out;
  }
}

/** Collects delivered events and lets a test await "n events seen" without sleeping. */
class Collector {
  readonly events: RecordedEvent[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];
  caughtUp = false;
  private caughtUpWaiters: (() => void)[] = [];

  onEvent = (e: RecordedEvent): void => {
    this.events.push(e);
    this.waiters = this.waiters.filter((w) => (this.events.length >= w.n ? (w.resolve(), false) : true));
  };

  onCaughtUp = (): void => {
    this.caughtUp = true;
    for (const w of this.caughtUpWaiters.splice(0)) w();
  };

  waitFor(n: number): Promise<void> {
    if (this.events.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  waitCaughtUp(): Promise<void> {
    if (this.caughtUp) return Promise.resolve();
    return new Promise((resolve) => this.caughtUpWaiters.push(resolve));
  }
}

function expectStrictlyIncreasing(positions: readonly string[]): void {
  for (let i = 1; i < positions.length; i++) {
    if (comparePositions(positions[i - 1], positions[i]) >= 0) {
      throw new Error(`Positions out of order at ${i}: ${positions[i - 1]} then ${positions[i]}`);
    }
  }
}

export function eventStoreContract(name: string, factory: EventStoreContractFactory): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    const subscriptions: SubscriptionHandle[] = [];

    beforeAll(async () => {
      store = await factory.open();
    }, 60_000);

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
    });

    afterAll(async () => {
      await store?.close();
    });

    describe('appending and optimistic concurrency', () => {
      it('appends to a new stream and returns its revision and position', async () => {
        const stream = streamName(freshCategory(), 'a');
        const result = await store.append(stream, 'no-stream', [event('Opened'), event('Counted', { votes: 3 })]);
        expect(result).toMatchObject({ streamName: stream, nextRevision: 1n, alreadyRecorded: false });
        const events = await store.readStream(stream);
        expect(events.map((e) => [e.type, e.revision])).toEqual([
          ['Opened', 0n],
          ['Counted', 1n],
        ]);
        expect(events[1].position).toBe(result.position);
        expect(events[1].data).toEqual({ votes: 3 });
        expect(events[0].recordedAt).toBeInstanceOf(Date);
        expect(Number.isNaN(events[0].recordedAt.getTime())).toBe(false);
      });

      it('continues a stream at an exact revision, given as a number or a bigint', async () => {
        const stream = streamName(freshCategory(), 'a');
        await store.append(stream, 'no-stream', [event('A')]);
        await store.append(stream, 0, [event('B')]);
        const r = await store.append(stream, 1n, [event('C')]);
        await store.append(stream, 'stream-exists', [event('D')]);
        expect(r.nextRevision).toBe(2n);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
      });

      it('refuses a wrong expected revision with a typed error naming expected and actual', async () => {
        const stream = streamName(freshCategory(), 'a');
        await store.append(stream, 'no-stream', [event('A'), event('B')]);

        const attempts: [Parameters<EventStore['append']>[1], unknown][] = [
          ['no-stream', 1n],
          [0n, 1n],
          [5, 1n],
        ];
        for (const [expected, actual] of attempts) {
          const error = await store.append(stream, expected, [event('X')]).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(WrongExpectedRevisionError);
          expect(error).toMatchObject({ streamName: stream, expected, actual });
        }
        const missing = streamName(freshCategory(), 'missing');
        const error = await store.append(missing, 'stream-exists', [event('X')]).catch((e: unknown) => e);
        expect(error).toMatchObject({ name: 'WrongExpectedRevisionError', streamName: missing, expected: 'stream-exists', actual: 'no-stream' });
        const wrongExact = await store.append(missing, 0n, [event('X')]).catch((e: unknown) => e);
        expect(wrongExact).toMatchObject({ name: 'WrongExpectedRevisionError', actual: 'no-stream' });
        expect(await store.readStream(stream)).toHaveLength(2);
        expect(await store.readStream(missing)).toEqual([]);
      });

      it('reads several whole streams at once, each as readStream reads it, an absent one empty', async () => {
        const cat = freshCategory();
        const [a, b, missing] = [streamName(cat, 'a'), streamName(cat, 'b'), streamName(cat, 'missing')];
        await store.appendMany([
          { streamName: a, expectedRevision: 'no-stream', events: [event('A1'), event('A2')] },
          { streamName: b, expectedRevision: 'no-stream', events: [event('B1')] },
        ]);
        await store.append(a, 1n, [event('A3')]);
        const read = await store.readStreams([b, missing, a, b]);
        expect([...read.keys()].sort()).toEqual([a, b, missing].sort());
        expect(read.get(a)).toEqual(await store.readStream(a));
        expect(read.get(a)!.map((e) => e.type)).toEqual(['A1', 'A2', 'A3']);
        expect(read.get(b)).toEqual(await store.readStream(b));
        expect(read.get(missing)).toEqual([]);
        expect((await store.readStreams([])).size).toBe(0);
      });

      it('lets exactly one of two racing appends at the same revision win', async () => {
        const stream = streamName(freshCategory(), 'race');
        await store.append(stream, 'no-stream', [event('A')]);
        const outcomes = await Promise.allSettled([store.append(stream, 0n, [event('B1')]), store.append(stream, 0n, [event('B2')])]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(rejected).toHaveLength(1);
        expect(rejected[0].reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0n, 1n]);
      });

      it('refuses, naming where, what not every engine can keep (NUL, an unpaired surrogate, a non-finite number), writing nothing of the batch', async () => {
        const cat = freshCategory();
        const good = { streamName: streamName(cat, 'good'), expectedRevision: 'no-stream' as const, events: [event('A')] };
        const bad: [EventToAppend, RegExp][] = [
          [{ id: randomUUID(), type: 'T', data: { text: 'a\u0000b' } }, /data\.text holds a NUL character/],
          [{ id: randomUUID(), type: 'T', data: { nested: { ['k\ud800']: 1 } } }, /a key of data\.nested holds an unpaired surrogate/],
          [{ id: randomUUID(), type: 'T', data: { list: [1, '\udc00x'] } }, /data\.list\[1\] holds an unpaired surrogate/],
          [{ id: randomUUID(), type: 'T', data: { count: Number.POSITIVE_INFINITY } }, /data\.count is Infinity/],
          [{ id: randomUUID(), type: 'T', data: {}, metadata: { by: '\u0000' } }, /metadata\.by holds a NUL character/],
        ];
        for (const [e, message] of bad) {
          const error = await store.appendMany([good, { streamName: streamName(cat, 'bad'), expectedRevision: 'no-stream', events: [e] }]).catch((x: unknown) => x);
          expect(error).toBeInstanceOf(InvalidAppendError);
          expect((error as Error).message).toMatch(message);
        }
        // A well-formed pair (an emoji) is text like any other.
        await store.append(streamName(cat, 'emoji'), 'no-stream', [{ id: randomUUID(), type: 'T', data: { text: '\ud83d\uddf3' } }]);
        expect((await store.readStream(streamName(cat, 'emoji')))[0].data).toEqual({ text: '\ud83d\uddf3' });
        expect(await store.readStream(streamName(cat, 'good'))).toEqual([]);
      });
    });

    describe('idempotent retries', () => {
      it('succeeds and writes nothing when the same events are appended again at the same revision', async () => {
        const stream = streamName(freshCategory(), 'a');
        const first = [event('A'), event('B')];
        const original = await store.append(stream, 'no-stream', first);
        const retry = await store.append(stream, 'no-stream', first);
        expect(retry).toEqual({ ...original, alreadyRecorded: true });

        const next = [event('C')];
        const third = await store.append(stream, 1n, next);
        expect(await store.append(stream, 1n, next)).toEqual({ ...third, alreadyRecorded: true });
        // A retry still recognised after the stream moved on.
        expect(await store.append(stream, 'no-stream', first)).toEqual({ ...original, alreadyRecorded: true });
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('refuses known event ids at other revisions', async () => {
        const stream = streamName(freshCategory(), 'a');
        const a = event('A');
        await store.append(stream, 'no-stream', [a, event('B')]);
        const error = await store.append(stream, 1n, [a]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateEventIdError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('replays a whole batch idempotently', async () => {
        const cat = freshCategory();
        const batch = [
          { streamName: streamName(cat, '1'), expectedRevision: 'no-stream' as const, events: [event('A')] },
          { streamName: streamName(cat, '2'), expectedRevision: 'no-stream' as const, events: [event('A'), event('B')] },
        ];
        const first = await store.appendMany(batch);
        const again = await store.appendMany(batch);
        expect(again).toEqual(first.map((r) => ({ ...r, alreadyRecorded: true })));
        expect(await readAllOf(store, [cat])).toHaveLength(3);
      });

      it('records a batch sent twice at once (a redelivery racing the first delivery) exactly once, both told where', async () => {
        // Both read the same tails; the later insert meets the earlier one's (stream, revision) and
        // runs again, finding its events recorded.
        for (let round = 0; round < 5; round++) {
          const cat = freshCategory();
          await store.append(streamName(cat, '2'), 'no-stream', [event('Existing')]);
          const batch = [
            { streamName: streamName(cat, '1'), expectedRevision: 'no-stream' as const, events: [event('A')] },
            { streamName: streamName(cat, '2'), expectedRevision: 0n, events: [event('B'), event('C')] },
          ];
          const [one, two] = await Promise.all([store.appendMany(batch), store.appendMany(batch)]);
          expect(one.map((r) => r.position)).toEqual(two.map((r) => r.position));
          expect([one, two].map((results) => results.every((r) => r.alreadyRecorded)).sort()).toEqual([false, true]);
          expect((await readAllOf(store, [cat])).map((e) => e.type)).toEqual(['Existing', 'A', 'B', 'C']);
        }
      });
    });

    describe('appendMany', () => {
      it('appends to several streams and returns results in input order', async () => {
        const cat = freshCategory();
        await store.append(streamName(cat, '2'), 'no-stream', [event('Existing')]);
        const results = await store.appendMany([
          { streamName: streamName(cat, '1'), expectedRevision: 'no-stream', events: [event('A')] },
          { streamName: streamName(cat, '2'), expectedRevision: 0n, events: [event('B'), event('C')] },
          { streamName: streamName(cat, '1'), expectedRevision: 0n, events: [event('D')] },
        ]);
        expect(results.map((r) => [r.streamName, r.nextRevision])).toEqual([
          [streamName(cat, '1'), 0n],
          [streamName(cat, '2'), 2n],
          [streamName(cat, '1'), 1n],
        ]);
        expect((await store.readStream(streamName(cat, '1'))).map((e) => e.type)).toEqual(['A', 'D']);
        expectStrictlyIncreasing(results.map((r) => r.position));
      });

      it('names the conflicting stream and batch index; SQL engines write nothing of the batch', async () => {
        const cat = freshCategory();
        await store.append(streamName(cat, 'taken'), 'no-stream', [event('Existing')]);
        const error = await store
          .appendMany([
            { streamName: streamName(cat, 'ok'), expectedRevision: 'no-stream', events: [event('A')] },
            { streamName: streamName(cat, 'taken'), expectedRevision: 'no-stream', events: [event('B')] },
            { streamName: streamName(cat, 'later'), expectedRevision: 'no-stream', events: [event('C')] },
          ])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamName: streamName(cat, 'taken'), batchIndex: 1, actual: 0n });
        expect(await store.readStream(streamName(cat, 'later'))).toEqual([]);
        expect(await store.readStream(streamName(cat, 'ok'))).toHaveLength(factory.atomicBatches ? 0 : 1);
      });
    });

    describe('reading', () => {
      it('reads a stream forward from a revision, with a limit', async () => {
        const stream = streamName(freshCategory(), 'a');
        await store.append(stream, 'no-stream', ['A', 'B', 'C', 'D', 'E'].map((t) => event(t)));
        expect((await store.readStream(stream, { fromRevision: 2 })).map((e) => e.type)).toEqual(['C', 'D', 'E']);
        expect((await store.readStream(stream, { fromRevision: 1n, maxCount: 2 })).map((e) => e.type)).toEqual(['B', 'C']);
        expect(await store.readStream(stream, { fromRevision: 5 })).toEqual([]);
      });

      it('reads all in global order, by category, in batches, from a checkpoint', async () => {
        const [a, b, c] = [freshCategory(), freshCategory(), freshCategory()];
        const appended: string[] = [];
        for (let i = 0; i < 6; i++) {
          const cat = [a, b, c][i % 3];
          const e = event(`E${i}`);
          await store.append(streamName(cat, String(i)), 'no-stream', [e]);
          appended.push(e.id);
        }
        const ab = await readAllOf(store, [a, b]);
        expect(ab.map((e) => e.id)).toEqual(appended.filter((_, i) => i % 3 !== 2));
        expectStrictlyIncreasing(ab.map((e) => e.position));

        const first = await store.readAll({ filter: categoryFilter(a, b, c), batchSize: 1 });
        expect(first.isEnd).toBe(false);
        const rest = await readAllOf(store, [a, b, c]);
        const afterFirst = rest.filter((e) => comparePositions(e.position, first.checkpoint) > 0);
        const resumed: RecordedEvent[] = [];
        for (let from = first.checkpoint; ; ) {
          const page = await store.readAll({ from, filter: categoryFilter(a, b, c), batchSize: 2 });
          resumed.push(...page.events);
          from = page.checkpoint;
          if (page.isEnd) break;
        }
        expect(resumed.map((e) => e.id)).toEqual(afterFirst.map((e) => e.id));
      });

      it('reads the same pages without metadata: every event as readAll has it, less its metadata, same checkpoints', async () => {
        const [a, b] = [freshCategory(), freshCategory()];
        // Pages start after a first event of our own: the store holds other tests' events before it.
        const start = (await store.append(streamName(b, 'start'), 'no-stream', [event('Start')])).position;
        for (let i = 0; i < 5; i++) {
          await store.append(streamName(i % 2 === 0 ? a : b, String(i)), 'no-stream', [event(`E${i}`, { i, note: 'é"\\' }, { submissionId: `s${i}` })]);
        }
        let pages = 0;
        for (let from = start; ; pages++) {
          const options = { from, filter: categoryFilter(a), batchSize: 2 };
          const [whole, bodies] = [await store.readAll(options), await store.readAllWithoutMetadata(options)];
          expect(bodies.events).toEqual(whole.events.map(({ metadata: _metadata, ...body }) => body));
          expect(bodies.events.every((e) => !('metadata' in e))).toBe(true);
          expect([bodies.checkpoint, bodies.isEnd]).toEqual([whole.checkpoint, whole.isEnd]);
          from = whole.checkpoint;
          if (whole.isEnd) break;
        }
        expect(pages).toBeGreaterThan(0);
        expect((await readAllOf(store, [a])).map((e) => e.type)).toEqual(['E0', 'E2', 'E4']);
      });

      it('treats a category as the prefix `<category>-` only', async () => {
        const cat = freshCategory();
        await store.append(streamName(cat, '1'), 'no-stream', [event('Mine')]);
        await store.append(streamName(`${cat}x`, '1'), 'no-stream', [event('Longer')]);
        await store.append(streamName(`${cat}-sub`, '1'), 'no-stream', [event('Sub')]);
        expect((await readAllOf(store, [cat])).map((e) => e.type)).toEqual(['Mine', 'Sub']);
        expect((await readAllOf(store, [`${cat}-sub`])).map((e) => e.type)).toEqual(['Sub']);
      });

      it('records the hash chain in metadata next to the caller’s keys', async () => {
        const stream = streamName(freshCategory(), 'a');
        await store.append(stream, 'no-stream', [event('A', {}, { submissionId: 's1' }), event('B')]);
        const [first, second] = await store.readStream(stream);
        expect(first.metadata).toMatchObject({ submissionId: 's1', previousHash: GENESIS_HASH });
        expect(first.metadata.contentHash).toMatch(/^[0-9a-f]{64}$/);
        expect(second.metadata.previousHash).toBe(first.metadata.contentHash);
        await expect(verifyStore(store, { streamName: stream })).resolves.toMatchObject({ ok: true, events: 2, streams: 1 });
      });
    });

    describe('subscriptions', () => {
      it('catches up, then follows live, with no gap and no duplicate', async () => {
        const cat = freshCategory();
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const e = event(`Before${i}`);
          ids.push(e.id);
          await store.append(streamName(cat, String(i % 2)), i < 2 ? 'no-stream' : 'stream-exists', [e]);
        }
        await store.append(streamName(freshCategory(), 'noise'), 'no-stream', [event('Noise')]);
        const seen = new Collector();
        subscriptions.push(store.subscribe({ filter: categoryFilter(cat), onEvent: seen.onEvent, onCaughtUp: seen.onCaughtUp }));
        await seen.waitCaughtUp();
        expect(seen.events.map((e) => e.id)).toEqual(ids);

        for (let i = 0; i < 5; i++) {
          const e = event(`Live${i}`);
          ids.push(e.id);
          await store.append(streamName(cat, String(i % 2)), 'stream-exists', [e]);
        }
        // A sentinel last: anything duplicated or out of order would arrive before it.
        const sentinel = event('Sentinel');
        ids.push(sentinel.id);
        await store.append(streamName(cat, 'end'), 'no-stream', [sentinel]);
        await seen.waitFor(ids.length);
        expect(seen.events.map((e) => e.id)).toEqual(ids);
        expectStrictlyIncreasing(seen.events.map((e) => e.position));
      });

      it('resumes from a checkpoint without redelivering or skipping', async () => {
        const cat = freshCategory();
        const events = Array.from({ length: 6 }, (_, i) => event(`E${i}`));
        await store.append(streamName(cat, 'a'), 'no-stream', events);

        const first = new Collector();
        const handle = store.subscribe({ filter: categoryFilter(cat), onEvent: first.onEvent });
        subscriptions.push(handle);
        await first.waitFor(3);
        await handle.stop();
        const checkpoint = first.events[2].position;

        const more = event('After');
        await store.append(streamName(cat, 'a'), 5n, [more]);
        const second = new Collector();
        subscriptions.push(store.subscribe({ from: checkpoint, filter: categoryFilter(cat), onEvent: second.onEvent }));
        await second.waitFor(4);
        expect(second.events.map((e) => e.id)).toEqual([...events.slice(3), more].map((e) => e.id));
      });

      it('ends with the handler’s error instead of skipping the event', async () => {
        const cat = freshCategory();
        await store.append(streamName(cat, 'a'), 'no-stream', [event('A'), event('B')]);
        const delivered: string[] = [];
        const handle = store.subscribe({
          filter: categoryFilter(cat),
          onEvent: (e) => {
            delivered.push(e.type);
            if (e.type === 'A') throw new Error('projection bug');
          },
        });
        subscriptions.push(handle);
        const end = await handle.ended;
        expect(end.kind).toBe('failed');
        expect(end.kind === 'failed' && (end.error as Error).message).toBe('projection bug');
        expect(delivered).toEqual(['A']);
      });
    });

    it(
      'keeps a gap-free global order under 10 concurrent writers × 1,000 appends while a subscriber follows live',
      async () => {
        const cat = freshCategory();
        const writers = 10;
        const appendsPerWriter = 1000;
        const live = new Collector();
        subscriptions.push(store.subscribe({ filter: categoryFilter(cat), onEvent: live.onEvent, onCaughtUp: live.onCaughtUp }));
        await live.waitCaughtUp();

        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            const stream = streamName(cat, `w${w}`);
            for (let i = 0; i < appendsPerWriter; i++) {
              await store.append(stream, i === 0 ? 'no-stream' : BigInt(i - 1), [event('Load', { w, i })]);
            }
          }),
        );
        const total = writers * appendsPerWriter;
        await live.waitFor(total);

        const stored = await readAllOf(store, [cat]);
        expect(stored).toHaveLength(total);
        expect(live.events.map((e) => e.id)).toEqual(stored.map((e) => e.id));
        expect(new Set(stored.map((e) => e.id)).size).toBe(total);
        expectStrictlyIncreasing(stored.map((e) => e.position));
        // Per stream, global order agrees with revision order: 0, 1, 2, ... with nothing missing.
        const nextRevision = new Map<string, bigint>();
        for (const e of stored) {
          expect(e.revision).toBe(nextRevision.get(e.streamName) ?? 0n);
          nextRevision.set(e.streamName, e.revision + 1n);
        }
        expect([...nextRevision.values()]).toEqual(Array.from({ length: writers }, () => BigInt(appendsPerWriter)));
        await expect(verifyStore(store, { filter: categoryFilter(cat) })).resolves.toMatchObject({ ok: true, events: total, streams: writers });
      },
      // A failure deadline, not a speed assertion: about 35 s alone on PGlite here, and npm test
      // runs the unit suites beside the integration and end-to-end ones on two cores.
      factory.loadTimeoutMs ?? 600_000,
    );

    // A tamperable copy is a database of its own (PostgreSQL: CREATE DATABASE): slower than one append.
    const tamperIt = (name: string, fn: () => Promise<void>) => (factory.tamperableCopy ? it : it.skip)(name, fn, 60_000);
    describe('tamper evidence on a copied store', () => {
      let copy: TamperableCopy | undefined;
      let cat: string;

      beforeEach(async () => {
        cat = freshCategory();
        for (const id of ['1', '2']) {
          await store.append(
            streamName(cat, id),
            'no-stream',
            ['A', 'B', 'C', 'D'].map((t, i) => event(t, { votes: 100 + i, party: `party-${t}` })),
          );
        }
      });

      afterEach(async () => {
        await copy?.close();
        copy = undefined;
      });

      async function tamperedCopy(): Promise<TamperableCopy> {
        copy = await factory.tamperableCopy!(store);
        const before = await verifyStore(copy.store, { filter: categoryFilter(cat) });
        expect(before).toMatchObject({ ok: true, events: 8, streams: 2 });
        return copy;
      }

      tamperIt('names the event whose data lost one byte', async () => {
        const c = await tamperedCopy();
        await c.flipOneByteOfData(streamName(cat, '2'), 1n);
        const result = await verifyStore(c.store, { filter: categoryFilter(cat) });
        expect(result).toMatchObject({ ok: false, firstBreak: { streamName: streamName(cat, '2'), revision: 1n, kind: 'content-mismatch' } });
        const single = await verifyStore(c.store, { streamName: streamName(cat, '2') });
        expect(single).toMatchObject({ ok: false, firstBreak: { revision: 1n, kind: 'content-mismatch' } });
        await expect(verifyStore(c.store, { streamName: streamName(cat, '1') })).resolves.toMatchObject({ ok: true, events: 4 });
      });

      tamperIt('notices a deleted event', async () => {
        const c = await tamperedCopy();
        await c.deleteEvent(streamName(cat, '1'), 2n);
        const result = await verifyStore(c.store, { filter: categoryFilter(cat) });
        expect(result).toMatchObject({ ok: false, firstBreak: { streamName: streamName(cat, '1'), revision: 3n, kind: 'revision-gap' } });
      });

      tamperIt('notices an event rewritten with its own hash written anew: the next one no longer links to it', async () => {
        const c = await tamperedCopy();
        await c.rewriteEvent(streamName(cat, '1'), 1n);
        const result = await verifyStore(c.store, { filter: categoryFilter(cat) });
        expect(result).toMatchObject({ ok: false, firstBreak: { streamName: streamName(cat, '1'), revision: 2n, kind: 'chain-broken' } });
        const single = await verifyStore(c.store, { streamName: streamName(cat, '1') });
        expect(single).toMatchObject({ ok: false, firstBreak: { revision: 2n, kind: 'chain-broken' } });
      });

      tamperIt('notices two swapped events', async () => {
        const c = await tamperedCopy();
        await c.swapEvents(streamName(cat, '1'), 1n, 2n);
        const result = await verifyStore(c.store, { streamName: streamName(cat, '1') });
        expect(result.ok).toBe(false);
        expect(result).toMatchObject({ firstBreak: { streamName: streamName(cat, '1'), revision: 1n } });
        expect(['chain-broken', 'content-mismatch']).toContain(!result.ok && result.firstBreak.kind);
        const whole = await verifyStore(c.store, { filter: categoryFilter(cat) });
        expect(whole).toMatchObject({ ok: false, firstBreak: { streamName: streamName(cat, '1'), revision: 1n } });
      });
    });
  });
}
