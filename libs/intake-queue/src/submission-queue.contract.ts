// The one contract every SubmissionQueue adapter passes (in-process-queue.spec.ts,
// kafka-queue.int-spec.ts). Each test gets its own topic and group, so adapters backed by a shared
// broker need no cleanup between tests.
import {
  MAX_DEAD_LETTER_BYTES,
  MAX_MESSAGE_BYTES,
  MessageTooLargeError,
  deadLetterOf,
  fromDeliveredDeadLetter,
  type ConsumeOptions,
  type DeadLetter,
  type DeliveredMessage,
  type MessageBatch,
  type QueueConsumer,
  type SubmissionQueue,
} from './submission-queue.port';

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

interface Seen {
  readonly partition: number;
  readonly message: DeliveredMessage;
}

/** Starts a consumer (of either topic) that keeps everything it is given, in delivery order. */
async function collect(consume: (options: ConsumeOptions) => Promise<QueueConsumer>, groupId = unique('group')): Promise<Seen[]> {
  const seen: Seen[] = [];
  await consume({
    groupId,
    handleBatch: async (batch) => {
      for (const message of batch.messages) seen.push({ partition: batch.partition, message });
    },
  });
  return seen;
}

/** Polls a lag until it is `expected`: a commit follows its handler by a moment. */
/** Reads until the value is `expected` or the wait ends; returns the last value read. */
async function lagReaches(read: () => Promise<number>, expected: number, waitMs: number): Promise<number> {
  const deadline = Date.now() + waitMs;
  let lag = await read();
  while (lag !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    lag = await read();
  }
  return lag;
}

/** Bytes that are neither text nor repetitive, so a shifted or cut copy cannot pass for the original. */
function bytes(length: number, seed = 1): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    buffer[i] = state & 0xff;
  }
  return buffer;
}

const AT = '2026-03-19T20:15:00.000Z';

/** A letter as a recorder would write it; `n` makes its source offset, so each one is told apart. */
function letterFor(topic: string, n: number, key = `precinct-${n % 3}`): DeadLetter {
  const codes = ['UNDECODABLE', 'UNVERIFIED', 'UNSTORABLE', 'UNKNOWN_ELECTION', 'TOO_LARGE'] as const;
  return {
    source: { topic, partition: n % 2, offset: String(1000 + n) },
    key,
    value: bytes(64 + n, n + 1),
    headers: {
      'submission-id': Buffer.from(`sub-${n}`),
      'content-type': Buffer.from('application/json'),
      // An original header named like the letter's own: it must come back as it was.
      'dead-letter.reason': Buffer.from(`original header ${n}`),
      binary: bytes(8, n + 100),
    },
    reason: { code: codes[n % codes.length], message: `letter ${n}: Unexpected token ÿ in JSON at position 0` },
    deadLetteredAt: AT,
  };
}

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

    it('answers each publish, message by message, with when the queue took it: the appendedAt its consumers are delivered', async () => {
      const queue = await open();
      const published = messagesFor(5, 20, 'dated');
      const seen = new Map<string, DeliveredMessage>();
      await queue.consume({
        groupId: unique('group'),
        handleBatch: async (batch) => {
          for (const message of batch.messages) seen.set(text(message), message);
        },
      });
      const before = Date.now();
      // Two calls at once (a Kafka adapter coalesces them into one request), each answered for its own messages.
      const answers = await Promise.all([queue.publish(published.slice(0, 12)), queue.publish(published.slice(12))]);
      const after = Date.now();
      expect(answers.map((a) => a.length)).toEqual([12, 8]);
      await waitUntil(() => seen.size === published.length, () => `${published.length} messages, have ${seen.size}`, waitMs);
      const appendedAt = answers.flat();
      published.forEach((message, i) => expect({ value: message.value, appendedAt: appendedAt[i] }).toEqual({ value: message.value, appendedAt: seen.get(message.value)?.appendedAt }));
      // Both adapters create their topics on their own clock (this machine's): within the calls.
      for (const instant of appendedAt) expect(Date.parse(instant ?? 'absent') >= before - 1000 && Date.parse(instant ?? 'absent') <= after + 1000).toBe(true);
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
      expect(await lagReaches(() => queue.lag(groupId), 0, waitMs)).toBe(0);
      await consumer.stop();
      await queue.publish(messagesFor(2, 5, 'late'));
      expect(await queue.lag(groupId)).toBe(5);
    });

    it('counts the members of a group: none before a consumer joins, none after the last one left', async () => {
      const queue = await open(2);
      const groupId = unique('group-members');
      expect(await queue.groupMembers(groupId)).toBe(0);
      const first = await queue.consume({ groupId, handleBatch: async () => undefined });
      const second = await queue.consume({ groupId, handleBatch: async () => undefined });
      // Kafka: the coordinator answers for the group as it stands once both joined (a rebalance may be under way).
      expect(await lagReaches(() => queue.groupMembers(groupId), 2, waitMs)).toBe(2);
      await first.stop();
      expect(await lagReaches(() => queue.groupMembers(groupId), 1, waitMs)).toBe(1);
      await second.stop();
      expect(await lagReaches(() => queue.groupMembers(groupId), 0, waitMs)).toBe(0);
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

    it('names the dead-letter topic after the submissions topic, with the same partitions', async () => {
      const queue = await open(4);
      expect(queue.deadLetters.topic).toBe(`${queue.topic}.dead-letter`);
      expect(queue.deadLetters.partitions).toBe(4);
    });

    it('delivers dead letters with the original bytes, key and headers, and their reason and source', async () => {
      const queue = await open(3);
      const letters = Array.from({ length: 12 }, (_, n) => letterFor(queue.topic, n));
      const seen = await collect((consume) => queue.deadLetters.consume(consume));
      await queue.deadLetters.publish(letters.slice(0, 5));
      await queue.deadLetters.publish(letters.slice(5));

      await waitUntil(() => seen.length >= letters.length, () => `${letters.length} letters, have ${seen.length}`, waitMs);
      const read = seen.map(({ message }) => fromDeliveredDeadLetter(message));
      expect([...read].sort((a, b) => Number(a.source.offset) - Number(b.source.offset))).toEqual(letters);
      for (const { message } of seen) {
        const original = letters.find((letter) => letter.source.offset === fromDeliveredDeadLetter(message).source.offset);
        // The message itself carries the original value: a console consumer shows the bytes as sent.
        expect(message.value.equals(original?.value ?? Buffer.alloc(0))).toBe(true);
        expect(message.key).toBe(original?.key);
      }
      // One precinct's letters stay in publish order.
      for (const key of ['precinct-0', 'precinct-1', 'precinct-2']) {
        expect(read.filter((letter) => letter.key === key).map((letter) => letter.source.offset)).toEqual(
          letters.filter((letter) => letter.key === key).map((letter) => letter.source.offset),
        );
      }
      // Dead letters are not submissions.
      expect(await queue.lag(unique('group'))).toBe(0);
    });

    it('starts a new group at the first letter appended at startAt or after; a group that has committed goes on from its commit', async () => {
      const queue = await open(3);
      const letters = Array.from({ length: 11 }, (_, n) => letterFor(queue.topic, n));
      // letterFor(n) names source offset 1000 + n.
      const offsetsOf = (seen: readonly Seen[]) => seen.map(({ message }) => Number(fromDeliveredDeadLetter(message).source.offset) - 1000).sort((a, b) => a - b);
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      await queue.deadLetters.publish(letters.slice(0, 4));
      await pause(100);
      const at = new Date();
      await pause(100);
      await queue.deadLetters.publish(letters.slice(4, 10));

      const fromAt = await collect((consume) => queue.deadLetters.consume({ ...consume, startAt: at }));
      await waitUntil(() => fromAt.length >= 6, () => `the 6 letters after startAt, have ${fromAt.length}`, waitMs);
      await pause(300);
      expect(offsetsOf(fromAt)).toEqual([4, 5, 6, 7, 8, 9]);

      // A group that read everything and stopped; its next member, told to start later still, goes
      // on from the group's commit: it gets the one letter published since, and nothing again.
      const groupId = unique('group-committed');
      const all: Seen[] = [];
      const first = await queue.deadLetters.consume({ groupId, handleBatch: async (batch) => void all.push(...batch.messages.map((message) => ({ partition: batch.partition, message }))) });
      await waitUntil(() => all.length >= 10, () => `the 10 letters, have ${all.length}`, waitMs);
      await first.stop();
      await queue.deadLetters.publish(letters.slice(10));
      const resumed = await collect((consume) => queue.deadLetters.consume({ ...consume, startAt: new Date(Date.now() + 3_600_000) }), groupId);
      await waitUntil(() => resumed.length >= 1, () => 'the letter published after the commit', waitMs);
      await pause(300);
      expect(offsetsOf(resumed)).toEqual([10]);
    });

    it('dead-letters a 5 MB message a consumer cannot handle; its partition moves on and the letter has every byte', async () => {
      const queue = await open(2);
      const big = bytes(5_000_000, 7);
      const groupId = unique('group-recorder');
      const recorded: string[] = [];
      await queue.consume({
        groupId,
        handleBatch: async (batch) => {
          const letters: DeadLetter[] = [];
          for (const message of batch.messages) {
            if (message.value.length > 1024 * 1024) {
              letters.push(deadLetterOf(message, { topic: queue.topic, partition: batch.partition }, { code: 'TOO_LARGE', message: `${message.value.length} bytes` }, AT));
            } else recorded.push(text(message));
          }
          await queue.deadLetters.publish(letters);
        },
      });
      await queue.publish([{ key: 'precinct-9', value: 'before', headers: { 'submission-id': 'sub-before' } }]);
      await queue.publish([{ key: 'precinct-9', value: big, headers: { 'submission-id': 'sub-big' } }]);
      await queue.publish([{ key: 'precinct-9', value: 'after', headers: { 'submission-id': 'sub-after' } }]);

      await waitUntil(() => recorded.includes('after'), () => `the message after the big one, have ${JSON.stringify(recorded)}`, waitMs);
      expect(recorded).toEqual(['before', 'after']);
      expect(await lagReaches(() => queue.lag(groupId), 0, waitMs)).toBe(0);

      const seen = await collect((consume) => queue.deadLetters.consume(consume));
      await waitUntil(() => seen.length >= 1, () => 'the dead letter', waitMs);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seen).toHaveLength(1);
      const letter = fromDeliveredDeadLetter(seen[0].message);
      expect(letter.value.length).toBe(big.length);
      expect(letter.value.equals(big)).toBe(true);
      expect({ ...letter, value: undefined }).toEqual({
        // Offsets 0, 1, 2 of the precinct's partition: the big one is the second.
        source: { topic: queue.topic, partition: letter.source.partition, offset: '1' },
        key: 'precinct-9',
        value: undefined,
        headers: { 'submission-id': Buffer.from('sub-big') },
        reason: { code: 'TOO_LARGE', message: '5000000 bytes' },
        deadLetteredAt: AT,
      });
    });

    it('takes a message of MAX_MESSAGE_BYTES on both topics and refuses a larger one, publishing nothing of that call', async () => {
      const queue = await open(1);
      const groupId = unique('group');
      const headers = { 'submission-id': 'sub-max' };
      const largest = { key: 'precinct-1', value: bytes(MAX_MESSAGE_BYTES - 'precinct-1'.length - 'submission-id'.length - 'sub-max'.length, 3), headers };
      const tooLarge = { ...largest, value: Buffer.concat([largest.value, Buffer.from([0])]) };

      await expect(queue.publish([{ key: 'precinct-1', value: 'small' }, tooLarge])).rejects.toBeInstanceOf(MessageTooLargeError);
      await expect(queue.publish([tooLarge])).rejects.toMatchObject({ index: 0, bytes: MAX_MESSAGE_BYTES + 1, limit: MAX_MESSAGE_BYTES });
      expect(await queue.lag(groupId)).toBe(0);

      await queue.publish([largest]);
      const seen = await collect((consume) => queue.consume(consume), groupId);
      await waitUntil(() => seen.length >= 1, () => 'the largest message', waitMs);
      expect(seen[0].message.value.equals(largest.value)).toBe(true);

      const letter = deadLetterOf(seen[0].message, { topic: queue.topic, partition: 0 }, { code: 'TOO_LARGE', message: 'x'.repeat(10_000) }, AT);
      const oversizedLetter = { ...letter, value: bytes(MAX_DEAD_LETTER_BYTES, 4) };
      await expect(queue.deadLetters.publish([letter, oversizedLetter])).rejects.toBeInstanceOf(MessageTooLargeError);
      expect(await queue.deadLetters.lag(groupId)).toBe(0);
      await queue.deadLetters.publish([letter]);
      const letters = await collect((consume) => queue.deadLetters.consume(consume));
      await waitUntil(() => letters.length >= 1, () => 'the largest letter', waitMs);
      expect(fromDeliveredDeadLetter(letters[0].message).value.equals(largest.value)).toBe(true);
    });

    it('counts dead letters no group has consumed as the lag of the dead-letter topic, apart from the submissions', async () => {
      const queue = await open(3);
      const operator = unique('group-operator');
      const nobody = unique('group-nobody');
      await queue.deadLetters.publish(Array.from({ length: 5 }, (_, n) => letterFor(queue.topic, n)));
      expect(await queue.deadLetters.lag(nobody)).toBe(5);
      expect(await queue.deadLetters.lag(operator)).toBe(5);
      expect(await queue.lag(nobody)).toBe(0);

      let seen = 0;
      const consumer = await queue.deadLetters.consume({
        groupId: operator,
        handleBatch: async (batch) => {
          seen += batch.messages.length;
        },
      });
      await waitUntil(() => seen >= 5, () => `5 letters, have ${seen}`, waitMs);
      expect(await lagReaches(() => queue.deadLetters.lag(operator), 0, waitMs)).toBe(0);
      await consumer.stop();
      await queue.deadLetters.publish([letterFor(queue.topic, 5), letterFor(queue.topic, 6)]);
      expect(await queue.deadLetters.lag(operator)).toBe(2);
      expect(await queue.deadLetters.lag(nobody)).toBe(7);
    });

    it('ensures both topics idempotently, also when two instances race to create them', async () => {
      const topic = unique('tally.contract-ensure');
      const [a, b] = [await options.makeQueue({ topic, partitions: 2 }), await options.makeQueue({ topic, partitions: 2 })];
      opened.push(a, b);
      await Promise.all([a.ensureTopics(), b.ensureTopics()]);
      await a.ensureTopics();
      await a.ensureTopics();

      const submissions = await collect((consume) => a.consume(consume));
      const letters = await collect((consume) => a.deadLetters.consume(consume));
      await a.publish([{ key: 'precinct-1', value: 'submission' }]);
      await a.deadLetters.publish([letterFor(topic, 1)]);
      await waitUntil(() => submissions.length >= 1 && letters.length >= 1, () => 'one message on each topic', waitMs);
      expect(text(submissions[0].message)).toBe('submission');
      expect(fromDeliveredDeadLetter(letters[0].message)).toEqual(letterFor(topic, 1));
    });
  });
}
