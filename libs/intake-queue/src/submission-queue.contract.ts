// The one contract every SubmissionQueue adapter passes (in-process-queue.spec.ts,
// kafka-queue.int-spec.ts). Each test gets its own topic and group, so adapters backed by a shared
// broker need no cleanup between tests.
import type { DeliveredMessage, MessageBatch, QueueConsumer, SubmissionQueue } from './submission-queue.port';

export interface ContractOptions {
  /** A fresh queue on a topic of its own; ensureTopics is called by the suite. */
  readonly makeQueue: (setup: { topic: string; partitions: number }) => Promise<SubmissionQueue>;
  /** Upper bound for waiting on deliveries (a failure deadline, not a speed assertion). */
  readonly waitMs?: number;
}

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

async function waitUntil(condition: () => boolean, what: () => string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${waitMs} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const text = (message: DeliveredMessage) => message.value.toString('utf8');

/** `count` messages over `keys` precincts; value = `<key>#<seq>` with seq counting per key. */
function messagesFor(keys: number, count: number, prefix = 'precinct') {
  const seq = new Map<string, number>();
  return Array.from({ length: count }, (_, i) => {
    const key = `${prefix}-${i % keys}`;
    const n = seq.get(key) ?? 0;
    seq.set(key, n + 1);
    return { key, value: `${key}#${n}`, headers: { 'submission-id': `sub-${key}-${n}` } };
  });
}

export function submissionQueueContract(adapter: string, options: ContractOptions): void {
  const waitMs = options.waitMs ?? 20_000;

  describe(`SubmissionQueue contract: ${adapter}`, () => {
    const opened: SubmissionQueue[] = [];
    const open = async (partitions = 6) => {
      const queue = await options.makeQueue({ topic: unique('tally.contract'), partitions });
      opened.push(queue);
      await queue.ensureTopics();
      return queue;
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((queue) => queue.close()));
    });

    it('delivers every published message, with its key and headers, at least once', async () => {
      const queue = await open();
      const published = messagesFor(30, 300);
      const seen = new Map<string, DeliveredMessage>();
      await queue.consume({
        groupId: unique('group'),
        handleBatch: async (batch) => {
          for (const message of batch.messages) seen.set(text(message), message);
        },
      });
      for (let i = 0; i < published.length; i += 50) await queue.publish(published.slice(i, i + 50));

      await waitUntil(() => seen.size === published.length, () => `${published.length} messages, have ${seen.size}`, waitMs);
      for (const message of published) {
        const delivered = seen.get(message.value);
        expect(delivered?.key).toBe(message.key);
        expect(delivered?.headers['submission-id']?.toString()).toBe(message.headers['submission-id']);
      }
    });

    it('keeps the publish order of each key, within a call and across calls', async () => {
      const queue = await open();
      const published = messagesFor(12, 600);
      const perKey = new Map<string, string[]>();
      await queue.consume({
        groupId: unique('group'),
        maxBatchSize: 37,
        handleBatch: async (batch) => {
          for (const message of batch.messages) perKey.set(message.key, [...(perKey.get(message.key) ?? []), text(message)]);
        },
      });
      // Concurrent publish calls too: their order per key is the order of the calls.
      await Promise.all([0, 1, 2, 3, 4, 5].map((i) => queue.publish(published.slice(i * 100, i * 100 + 100))));

      const total = () => [...perKey.values()].reduce((sum, values) => sum + values.length, 0);
      await waitUntil(() => total() >= published.length, () => `${published.length} messages, have ${total()}`, waitMs);
      for (const [key, values] of perKey) {
        expect(values).toEqual(published.filter((message) => message.key === key).map((message) => message.value));
      }
      expect(perKey.size).toBe(12);
    });

    it('commits only after the handler succeeded: a throwing handler gets the same batch again', async () => {
      const queue = await open(1);
      const published = messagesFor(1, 40);
      const batches: string[][] = [];
      let failures = 0;
      await queue.consume({
        groupId: unique('group'),
        maxBatchSize: 10,
        handleBatch: async (batch) => {
          const values = batch.messages.map(text);
          batches.push(values);
          if (values.includes('precinct-0#15') && failures < 2) {
            failures++;
            throw new Error('simulated append failure');
          }
        },
      });
      await queue.publish(published);

      const handled = () => new Set(batches.flat()).size;
      await waitUntil(() => handled() === published.length && batches.at(-1)?.includes('precinct-0#39') === true, () => `all 40 handled, have ${handled()}`, waitMs);
      // The failing batch came three times; what came before it was never delivered again.
      const deliveries = batches.flat();
      expect(deliveries.filter((value) => value === 'precinct-0#15')).toHaveLength(3);
      expect(deliveries.filter((value) => value === 'precinct-0#0')).toHaveLength(1);
      expect(failures).toBe(2);
    });

    it('redelivers a batch in progress when its consumer stops without completing it (a crash)', async () => {
      const queue = await open(2);
      const published = messagesFor(1, 50);
      const groupId = unique('group');
      const firstSeen: MessageBatch[] = [];
      const crashGate = deferred();
      let calls = 0;
      const first: QueueConsumer = await queue.consume({
        groupId,
        maxBatchSize: 10,
        handleBatch: async (batch) => {
          firstSeen.push(batch);
          // Two batches complete; the third hangs until the "crash".
          if (++calls === 3) await crashGate.promise;
        },
      });
      await queue.publish(published);
      await waitUntil(() => calls === 3, () => 'the third batch', waitMs);

      const stopped = first.stop();
      crashGate.reject(new Error('consumer crashed mid-batch'));
      await stopped;
      const crashed = firstSeen[2].messages.map(text);
      const completed = firstSeen.slice(0, 2).flatMap((batch) => batch.messages.map(text));

      const secondSeen: string[] = [];
      await queue.consume({
        groupId,
        handleBatch: async (batch) => {
          secondSeen.push(...batch.messages.map(text));
        },
      });
      const remaining = published.map((message) => message.value).filter((value) => !completed.includes(value));
      await waitUntil(() => secondSeen.length >= remaining.length, () => `${remaining.length} redelivered, have ${secondSeen.length}`, waitMs);

      expect(secondSeen.slice(0, crashed.length)).toEqual(crashed);
      expect(secondSeen).toEqual(remaining);
      expect(completed).toHaveLength(20);
    });

    it('shares the partitions between two consumers of one group, which together see everything', async () => {
      const queue = await open(6);
      const groupId = unique('group');
      const seenBy = { a: new Map<string, number>(), b: new Map<string, number>() };
      const partitionsOf = { a: new Set<number>(), b: new Set<number>() };
      const member = (name: 'a' | 'b') => ({
        groupId,
        handleBatch: async (batch: MessageBatch) => {
          partitionsOf[name].add(batch.partition);
          for (const message of batch.messages) seenBy[name].set(text(message), batch.partition);
        },
      });
      await queue.consume(member('a'));
      await queue.consume(member('b'));
      const published = messagesFor(60, 600);
      for (let i = 0; i < published.length; i += 100) await queue.publish(published.slice(i, i + 100));

      const union = () => new Set([...seenBy.a.keys(), ...seenBy.b.keys()]);
      await waitUntil(() => union().size === published.length, () => `${published.length} messages, have ${union().size}`, waitMs);
      expect([...union()].sort()).toEqual(published.map((message) => message.value).sort());
      expect(partitionsOf.a.size).toBeGreaterThan(0);
      expect(partitionsOf.b.size).toBeGreaterThan(0);
      expect(new Set([...partitionsOf.a, ...partitionsOf.b]).size).toBe(6);
    });

    it("reports a group's lag: published but not yet committed", async () => {
      const queue = await open(3);
      const groupId = unique('group-lag');
      await queue.publish(messagesFor(6, 40));
      expect(await queue.lag(groupId)).toBe(40);
      let seen = 0;
      const consumer = await queue.consume({
        groupId,
        handleBatch: async (batch) => {
          seen += batch.messages.length;
        },
      });
      await waitUntil(() => seen >= 40, () => `40 messages, have ${seen}`, waitMs);
      // The commit follows the handler; give it a moment to land.
      const deadline = Date.now() + waitMs;
      let lag = await queue.lag(groupId);
      while (lag !== 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        lag = await queue.lag(groupId);
      }
      expect(lag).toBe(0);
      await consumer.stop();
      await queue.publish(messagesFor(2, 5, 'late'));
      expect(await queue.lag(groupId)).toBe(5);
    });

    it('lets a new group read the topic from the beginning, independently of other groups', async () => {
      const queue = await open(3);
      const published = messagesFor(5, 50);
      await queue.publish(published);
      const seen = { x: new Set<string>(), y: new Set<string>() };
      for (const name of ['x', 'y'] as const) {
        await queue.consume({
          groupId: unique(`group-${name}`),
          handleBatch: async (batch) => {
            for (const message of batch.messages) seen[name].add(text(message));
          },
        });
      }
      await waitUntil(() => seen.x.size === 50 && seen.y.size === 50, () => `50 each, have ${seen.x.size} and ${seen.y.size}`, waitMs);
      expect([...seen.x].sort()).toEqual([...seen.y].sort());
    });
  });
}
