import { DEFAULT_IN_PROCESS_MAX_BYTES, DEFAULT_IN_PROCESS_MAX_MESSAGES, InProcessSubmissionQueue, partitionForKey } from './in-process-submission-queue';
import { createSubmissionQueue, parseQueueConfig } from './queue.config';
import { submissionQueueContract } from './submission-queue.contract';
import {
  DEAD_LETTER_HEADERS,
  DeadLetterFormatError,
  MAX_MESSAGE_BYTES,
  MAX_REASON_BYTES,
  MessageTooLargeError,
  QueueFullError,
  deadLetterOf,
  deadLetterTopicFor,
  fromDeliveredDeadLetter,
  messageBytes,
  refuseOversized,
  toDeadLetterMessage,
  type DeadLetter,
  type DeliveredMessage,
  type OutgoingMessage,
} from './submission-queue.port';

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

  it('says when publish took each message (appendedAt, its clock), for the recorder to set receivedAt against', async () => {
    const queue = new InProcessSubmissionQueue({ partitions: 1 });
    const before = Date.now();
    await queue.publish([{ key: 'k', value: 'a' }]);
    const after = Date.now();
    const [message] = queue.read(0, 0, 1);
    const appendedAt = Date.parse(message.appendedAt ?? 'absent');
    expect(appendedAt >= before && appendedAt <= after).toBe(true);
    await queue.close();
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

  it('is bounded: beyond maxMessages a publish is refused whole (QueueFullError), and takes again once the group committed', async () => {
    const queue = new InProcessSubmissionQueue({ partitions: 2, maxMessages: 5 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: string[] = [];
    await queue.consume({
      groupId: 'recorder',
      handleBatch: async (batch) => {
        await gate; // a stalled recorder
        seen.push(...batch.messages.map((m) => m.value.toString()));
      },
    });
    await queue.publish(['a', 'b', 'c', 'd'].map((v) => ({ key: v, value: v })));
    const refused = queue.publish(['e', 'f'].map((v) => ({ key: v, value: v })));
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    await expect(refused).rejects.toMatchObject({ code: 'QUEUE_FULL', limitKind: 'messages', held: 4, limit: 5 });
    await queue.publish([{ key: 'e', value: 'e' }]);
    await expect(queue.publish([{ key: 'f', value: 'f' }])).rejects.toBeInstanceOf(QueueFullError);
    release();
    while (seen.length < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    // Committed: dropped at the next publish that needs the room, though fewer than a trim chunk.
    await queue.publish(['f', 'g', 'h'].map((v) => ({ key: v, value: v })));
    while (seen.length < 8) await new Promise((resolve) => setTimeout(resolve, 5));
    expect([...seen].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    await queue.close();
  });

  it('is bounded in bytes too (key, value and headers)', async () => {
    const queue = new InProcessSubmissionQueue({ partitions: 1, maxBytes: 100 });
    await queue.publish([{ key: 'k', value: 'x'.repeat(60) }]);
    await expect(queue.publish([{ key: 'k', value: 'y'.repeat(38) }])).resolves.toHaveLength(1);
    await expect(queue.publish([{ key: 'k', value: 'z' }])).rejects.toMatchObject({ code: 'QUEUE_FULL', limitKind: 'bytes', held: 100, limit: 100 });
    // Nothing of the refused call was enqueued.
    expect(queue.length(0)).toBe(2);
    await queue.close();
  });

  it('refuses a bound that is not a positive integer, naming it', () => {
    expect(() => new InProcessSubmissionQueue({ maxMessages: 0 })).toThrow(/maxMessages/);
    expect(() => new InProcessSubmissionQueue({ maxBytes: 1.5 })).toThrow(/maxBytes/);
  });

  it('refuses to publish after close', async () => {
    const queue = new InProcessSubmissionQueue();
    await queue.close();
    await expect(queue.publish([{ key: 'k', value: 'v' }])).rejects.toThrow('closed');
  });
});

describe('queue configuration', () => {
  it('chooses the in-process queue when KAFKA_BROKERS is unset or empty, with the defaults', () => {
    expect(parseQueueConfig({})).toEqual({
      kind: 'in-process',
      topic: 'tally.submissions',
      partitions: 1,
      maxMessages: DEFAULT_IN_PROCESS_MAX_MESSAGES,
      maxBytes: DEFAULT_IN_PROCESS_MAX_BYTES,
    });
    expect(parseQueueConfig({ TALLY_QUEUE_MAX_MESSAGES: '10', TALLY_QUEUE_MAX_BYTES: '2097152' })).toMatchObject({ maxMessages: 10, maxBytes: 2097152 });
    expect(parseQueueConfig({ KAFKA_BROKERS: ' ' }).kind).toBe('in-process');
    // KAFKA_PARTITIONS is Kafka's: one consumer in one process reads one partition best.
    expect(parseQueueConfig({ KAFKA_PARTITIONS: '12' })).toMatchObject({ kind: 'in-process', partitions: 1 });
    expect(createSubmissionQueue(parseQueueConfig({}))).toBeInstanceOf(InProcessSubmissionQueue);
  });

  it('parses a comma-separated broker list and the Kafka settings', () => {
    expect(parseQueueConfig({ KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092', KAFKA_TOPIC: 'votes', KAFKA_PARTITIONS: '12', KAFKA_CLIENT_ID: 'intake-1' })).toEqual({
      kind: 'kafka',
      brokers: ['kafka-1:9092', 'kafka-2:9092'],
      topic: 'votes',
      partitions: 12,
      clientId: 'intake-1',
      sessionTimeoutMs: 30_000,
      lingerMs: 5,
      sasl: undefined,
      ssl: false,
    });
  });

  it('reads the durability and failover settings a replicated cluster sets', () => {
    const env = { KAFKA_BROKERS: 'k1:9092', KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2', KAFKA_SESSION_TIMEOUT_MS: '10000' };
    expect(parseQueueConfig(env)).toMatchObject({ replicationFactor: 3, minInsyncReplicas: 2, sessionTimeoutMs: 10_000 });
    expect(() => parseQueueConfig({ ...env, KAFKA_MIN_INSYNC_REPLICAS: '4' })).toThrow(/KAFKA_MIN_INSYNC_REPLICAS must not exceed KAFKA_REPLICATION_FACTOR/);
    expect(() => parseQueueConfig({ ...env, KAFKA_SESSION_TIMEOUT_MS: '1000' })).toThrow(/KAFKA_SESSION_TIMEOUT_MS/);
    expect(() => parseQueueConfig({ ...env, KAFKA_REPLICATION_FACTOR: '0' })).toThrow(/KAFKA_REPLICATION_FACTOR/);
  });

  it('reads how long a produce request lingers for more submissions (Kafka\'s 5 ms unless set; 0 sends at once)', () => {
    expect(parseQueueConfig({ KAFKA_BROKERS: 'k1:9092' })).toMatchObject({ lingerMs: 5 });
    expect(parseQueueConfig({ KAFKA_BROKERS: 'k1:9092', KAFKA_LINGER_MS: '0' })).toMatchObject({ lingerMs: 0 });
    expect(() => parseQueueConfig({ KAFKA_BROKERS: 'k1:9092', KAFKA_LINGER_MS: '-1' })).toThrow(/KAFKA_LINGER_MS/);
    expect(() => parseQueueConfig({ KAFKA_BROKERS: 'k1:9092', KAFKA_LINGER_MS: '2.5' })).toThrow(/KAFKA_LINGER_MS/);
  });

  it('refuses malformed values with the variable named', () => {
    expect(() => parseQueueConfig({ KAFKA_BROKERS: 'kafka-1' })).toThrow(/KAFKA_BROKERS/);
    expect(() => parseQueueConfig({ KAFKA_PARTITIONS: '0' })).toThrow(/KAFKA_PARTITIONS/);
    expect(() => parseQueueConfig({ KAFKA_TOPIC: 'bad topic' })).toThrow(/KAFKA_TOPIC/);
    expect(() => parseQueueConfig({ TALLY_QUEUE_MAX_MESSAGES: '0' })).toThrow(/TALLY_QUEUE_MAX_MESSAGES/);
    expect(() => parseQueueConfig({ TALLY_QUEUE_MAX_BYTES: '1000' })).toThrow(/TALLY_QUEUE_MAX_BYTES.*at least 1 MiB/s);
  });

  it('keeps room in a topic name for its dead-letter topic (Kafka allows 249 characters)', () => {
    expect(deadLetterTopicFor('t'.repeat(237))).toHaveLength(249);
    expect(parseQueueConfig({ KAFKA_TOPIC: 't'.repeat(237) }).topic).toHaveLength(237);
    expect(() => parseQueueConfig({ KAFKA_TOPIC: 't'.repeat(238) })).toThrow(/KAFKA_TOPIC/);
  });
});

/** What a consumer saw: delivered as the queue delivers it (Buffers, offset as a string). */
function delivered(message: OutgoingMessage, offset = '0'): DeliveredMessage {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = Buffer.from(value);
  return { key: message.key, value: Buffer.from(message.value), offset, headers };
}

describe('dead letters as messages', () => {
  const letter: DeadLetter = {
    source: { topic: 'tally.submissions', partition: 4, offset: '9007199254740993' },
    key: 'precinct-0417',
    value: Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]),
    headers: { 'submission-id': Buffer.from('sub-1'), binary: Buffer.from([0xc3, 0x28]) },
    reason: { code: 'UNDECODABLE', message: 'Unexpected token ÿ in JSON at position 0' },
    deadLetteredAt: '2026-03-19T20:15:00.123Z',
  };

  it('keeps the original key, value bytes and headers, and puts reason and source in named headers', () => {
    const message = toDeadLetterMessage(letter);
    expect(message.key).toBe('precinct-0417');
    expect(message.value).toBe(letter.value);
    const text = (name: string) => message.headers?.[name]?.toString();
    expect(text('submission-id')).toBe('sub-1');
    expect(message.headers?.binary).toEqual(Buffer.from([0xc3, 0x28]));
    expect({
      code: text(DEAD_LETTER_HEADERS.reasonCode),
      reason: text(DEAD_LETTER_HEADERS.reason),
      topic: text(DEAD_LETTER_HEADERS.sourceTopic),
      partition: text(DEAD_LETTER_HEADERS.sourcePartition),
      offset: text(DEAD_LETTER_HEADERS.sourceOffset),
      at: text(DEAD_LETTER_HEADERS.at),
    }).toEqual({
      code: 'UNDECODABLE',
      reason: 'Unexpected token ÿ in JSON at position 0',
      topic: 'tally.submissions',
      partition: '4',
      offset: '9007199254740993',
      at: '2026-03-19T20:15:00.123Z',
    });
  });

  it('reads back what it wrote, including original headers named like its own', () => {
    const tricky: DeadLetter = {
      ...letter,
      key: '',
      headers: {
        'dead-letter.reason': Buffer.from('an original header, not ours'),
        'dead-letter.original.x': Buffer.from('escaped twice'),
        'dead-letter.': Buffer.alloc(0),
      },
    };
    for (const original of [letter, tricky]) {
      const message = toDeadLetterMessage(original);
      expect(fromDeliveredDeadLetter(delivered(message, '12'))).toEqual(original);
    }
    expect(toDeadLetterMessage(tricky).headers?.['dead-letter.original.dead-letter.reason']?.toString()).toBe('an original header, not ours');
  });

  it('builds the letter of a delivered message', () => {
    const message = delivered({ key: 'p-1', value: 'not json', headers: { 'submission-id': 's' } }, '77');
    const built = deadLetterOf(message, { topic: 'tally.submissions', partition: 2 }, { code: 'TOO_LARGE', message: 'too big' }, '2026-03-19T20:15:00Z');
    expect(built).toEqual({
      source: { topic: 'tally.submissions', partition: 2, offset: '77' },
      key: 'p-1',
      value: Buffer.from('not json'),
      headers: { 'submission-id': Buffer.from('s') },
      reason: { code: 'TOO_LARGE', message: 'too big' },
      deadLetteredAt: '2026-03-19T20:15:00Z',
    });
    expect(built.value).toBe(message.value);
  });

  it('cuts a long reason to MAX_REASON_BYTES of UTF-8 on a character boundary', () => {
    const long = { ...letter, reason: { code: 'UNSTORABLE' as const, message: 'я'.repeat(5000) } };
    const reason = fromDeliveredDeadLetter(delivered(toDeadLetterMessage(long))).reason.message;
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(MAX_REASON_BYTES);
    expect(reason).toBe(`${'я'.repeat(Math.floor((MAX_REASON_BYTES - 3) / 2))}…`);
  });

  it('refuses to write a malformed letter: the caller has a bug', () => {
    const bad: Array<[Partial<DeadLetter>, RegExp]> = [
      [{ reason: { code: 'NOPE' as never, message: '' } }, /unknown reason code "NOPE"/],
      [{ source: { topic: '', partition: 0, offset: '1' } }, /source topic is empty/],
      [{ source: { topic: 't', partition: -1, offset: '1' } }, /partition -1/],
      [{ source: { topic: 't', partition: 0, offset: '01' } }, /offset "01"/],
      [{ deadLetteredAt: '19.03.2026' }, /not an ISO 8601 instant/],
      [{ deadLetteredAt: '2026-02-30T25:00:00Z' }, /not an ISO 8601 instant/],
    ];
    for (const [change, error] of bad) expect(() => toDeadLetterMessage({ ...letter, ...change })).toThrow(error);
    expect(() => toDeadLetterMessage({ ...letter, deadLetteredAt: 'x' })).toThrow(DeadLetterFormatError);
  });

  it('refuses to read a message that is not a dead letter', () => {
    const message = delivered(toDeadLetterMessage(letter), '5');
    const without = (name: string) => ({ ...message, headers: Object.fromEntries(Object.entries(message.headers).filter(([key]) => key !== name)) });
    const replaced = (name: string, value: string) => ({ ...message, headers: { ...message.headers, [name]: Buffer.from(value) } });
    expect(() => fromDeliveredDeadLetter(delivered({ key: 'k', value: 'v' }))).toThrow(/header dead-letter\.reason-code is missing/);
    expect(() => fromDeliveredDeadLetter(without(DEAD_LETTER_HEADERS.at))).toThrow(/dead-letter\.at is missing \(offset 5\)/);
    expect(() => fromDeliveredDeadLetter(replaced(DEAD_LETTER_HEADERS.sourcePartition, '1e3'))).toThrow(/partition NaN/);
    expect(() => fromDeliveredDeadLetter(replaced(DEAD_LETTER_HEADERS.reasonCode, 'LATER'))).toThrow(DeadLetterFormatError);
    // A header a later version adds is no reason to refuse the letter.
    expect(fromDeliveredDeadLetter(replaced('dead-letter.attempts', '3'))).toEqual(letter);
  });
});

describe('message size limit', () => {
  const sized = (bytes: number): OutgoingMessage => ({ key: 'k', value: Buffer.alloc(bytes - 1 - 'h'.length - 2), headers: { h: 'vv' } });

  it('counts key, value and headers', () => {
    expect(messageBytes({ key: 'ключ', value: 'v', headers: { a: 'bc', d: Buffer.alloc(10) } })).toBe(8 + 1 + 3 + 11);
    expect(messageBytes(sized(MAX_MESSAGE_BYTES))).toBe(MAX_MESSAGE_BYTES);
  });

  it('names the first message over the limit', () => {
    expect(() => refuseOversized([sized(10), sized(MAX_MESSAGE_BYTES)], MAX_MESSAGE_BYTES)).not.toThrow();
    const error = (() => {
      try {
        refuseOversized([sized(10), sized(MAX_MESSAGE_BYTES + 1)], MAX_MESSAGE_BYTES);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect(error).toMatchObject({ code: 'MESSAGE_TOO_LARGE', index: 1, bytes: MAX_MESSAGE_BYTES + 1, limit: MAX_MESSAGE_BYTES });
  });
});
