// Issue 11's acceptance for the recorder, against the real thing: an Apache Kafka broker
// (KAFKA_BROKERS) → a recorder (the service with only that role) → PostgreSQL (a fresh database).
// A plain kafkajs producer — not intake, not our queue adapter — writes straight onto the topic:
// an unsigned envelope, a forged submittedBy, a 1e999 count, invalid UTF-8, a 5 MB message, an
// unknown election and signed envelopes with a receivedAt the broker's clock contradicts,
// interleaved with good signed protocols. Every good one is recorded once and
// nothing else is; every bad one is on the dead-letter topic with its reason code and the bytes
// sent; no partition stalls (the group's lag returns to zero); the metrics count the letters and
// the batches.
import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { almatyCity2023Definition, almatyCity2023Protocols, commandOfAmendment } from '@tally/domain';
import { createPostgresEventStore, streams, type EventStore } from '@tally/event-store';
import {
  createSubmissionQueue,
  fromDeliveredDeadLetter,
  parseQueueConfig,
  type DeadLetter,
  type DeadLetterReasonCode,
  type QueueConsumer,
  type SubmissionQueue,
} from '@tally/intake-queue';
import { demoKeyId, demoKeyPair, signAmendment, withDemoKeys } from '@tally/signatures';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { createApp } from '../../apps/tally-server/src/bootstrap';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import { TallyMetrics } from '../../apps/tally-server/src/ops/metrics.service';
import { storeCensus } from '../../apps/tally-server/src/recorder/recorder.test-helper';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { recorderConfig } from '../support/recorder-process';
import { signedProtocolBody } from './support/signing';

jest.setTimeout(180_000);

const BROKERS = process.env.KAFKA_BROKERS;
if (!BROKERS) throw new Error('KAFKA_BROKERS is not set: run `npm run test:e2e -- recorder-trusts-nothing` (it starts a broker) or `npm run kafka:start` first.');

// The demo election's definition with demo keys, so the good protocols can be signed with the
// helpers intake's tests use (test/e2e/support/signing.ts).
const definition = withDemoKeys(almatyCity2023Definition());
const E = definition.id;
const fixtures = almatyCity2023Protocols(definition);

/** Polls `probe` until `done` holds (or the time is up) and returns the last value: the assertion is the caller's. */
async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the recorder trusts nothing on the topic, and no message stalls a partition (Kafka + PostgreSQL)', () => {
  const topic = `tally.trusts-nothing.${randomBytes(4).toString('hex')}`;
  const group = `tally-recorder-${randomBytes(4).toString('hex')}`;
  const kafka = new Kafka({ clientId: 'trusts-nothing-e2e', brokers: BROKERS.split(','), logLevel: logLevel.ERROR });
  let db: TestDatabase;
  let store: EventStore;
  let app: INestApplication | undefined;
  let queue: SubmissionQueue;
  let producer: Producer | undefined;
  let letterConsumer: QueueConsumer | undefined;

  const env = {
    EVENT_STORE: 'postgres',
    KAFKA_BROKERS: BROKERS,
    KAFKA_TOPIC: topic,
    KAFKA_PARTITIONS: '6',
    TALLY_RECORDER_GROUP: group,
    TALLY_INSTANCE_ID: 'trusts-nothing',
    // The unknown election is waited for 0.5 s, 1 s, then the 1.5 s left; not the default minute.
    TALLY_RECORDER_ELECTION_WAIT_MS: '3000',
    TALLY_RECORDER_ELECTION_RETRY_MS: '500',
  };

  beforeAll(async () => {
    db = await createTestDatabase('tally_trusts_nothing');
    store = await createPostgresEventStore({ connectionString: db.url });
    // The recorder role alone; it creates the topic and its dead-letter topic (6 partitions each).
    app = await createApp(recorderConfig({ ...env, DATABASE_URL: db.url }), { logger: false });
    expect(await app.get(ElectionRegistry).define(definition)).toMatchObject({ kind: 'defined' });
    queue = createSubmissionQueue(parseQueueConfig({ ...env, DATABASE_URL: db.url }), { logLevel: 'error' });
    producer = kafka.producer();
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await letterConsumer?.stop();
    await producer?.disconnect();
    await app?.close();
    await queue?.close();
    await store?.close();
    await db?.drop();
    // Dead-letter topics keep their letters forever: delete both.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const mine = (await admin.listTopics()).filter((t) => t === topic || t === `${topic}.dead-letter`);
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    } finally {
      await admin.disconnect();
    }
  });

  /** An envelope as intake writes it, for a writer on the topic to send as it likes. */
  const envelopeOf = (precinctId: string, body: Record<string, unknown>, extra: Record<string, unknown>) => ({
    v: 1,
    submissionId: randomUUID(),
    electionId: E,
    precinctId,
    submittedBy: precinctId,
    receivedAt: new Date().toISOString(),
    kind: 'protocol',
    ...body,
    ...extra,
  });
  const bytes = (value: object) => Buffer.from(JSON.stringify(value), 'utf8');

  it('records every good protocol once, dead-letters every bad message with its reason and bytes, and drains every partition', async () => {
    const receivedAt = new Date().toISOString();
    const envelope = (precinctId: string, body: Record<string, unknown>, extra: Record<string, unknown> = {}) => envelopeOf(precinctId, body, { receivedAt, ...extra });

    // 30 good protocols (one per precinct), signed with the helpers.
    const good = fixtures.slice(0, 30).map((f) => envelope(f.precinctId, signedProtocolBody(E, f.precinctId, f.protocol)));
    // Two protocols of other precincts than each other (a precinct has a protocol per contest).
    const a = fixtures[30];
    const b = fixtures.slice(31).find((f) => f.precinctId !== a.precinctId)!;
    const signedA = signedProtocolBody(E, a.precinctId, a.protocol);
    const infinite = bytes(envelope(a.precinctId, signedA)).toString('utf8').replace(/"invalid":\d+/, '"invalid":1e999');
    expect(infinite).toContain('1e999');
    const validUtf8 = bytes(envelope(b.precinctId, signedProtocolBody(E, b.precinctId, b.protocol)));
    const at = validUtf8.indexOf(Buffer.from(`"${b.precinctId}"`)) + 2;
    const notUtf8 = Buffer.concat([validUtf8.subarray(0, at), Buffer.from([0xff, 0xfe]), validUtf8.subarray(at)]);
    const fiveMegabytes = Buffer.concat([Buffer.from('{"v":1,"pad":"'), Buffer.alloc(5 * 1024 * 1024, 'x'), Buffer.from('"}')]);
    const bad: { readonly code: DeadLetterReasonCode; readonly value: Buffer; readonly what: string }[] = [
      { what: 'unsigned', code: 'UNVERIFIED', value: bytes(envelope(a.precinctId, { protocol: a.protocol, signature: null })) },
      // a's own signature, but the envelope says b sent it.
      { what: 'forged submittedBy', code: 'UNVERIFIED', value: bytes(envelope(a.precinctId, signedA, { submittedBy: b.precinctId })) },
      { what: '1e999', code: 'UNSTORABLE', value: Buffer.from(infinite, 'utf8') },
      { what: 'invalid UTF-8', code: 'UNDECODABLE', value: notUtf8 },
      { what: '5 MB', code: 'TOO_LARGE', value: fiveMegabytes },
      { what: 'unknown election', code: 'UNKNOWN_ELECTION', value: bytes(envelope(a.precinctId, signedProtocolBody('nowhere-2026', a.precinctId, a.protocol), { electionId: 'nowhere-2026' })) },
      // Properly signed, but "received" an hour before the broker appended it (as a writer holding
      // a key revoked since would date it), or an hour after.
      { what: 'backdated', code: 'MISDATED', value: bytes(envelope(a.precinctId, signedA, { receivedAt: new Date(Date.now() - 3_600_000).toISOString() })) },
      { what: 'future-dated', code: 'MISDATED', value: bytes(envelope(a.precinctId, signedA, { receivedAt: new Date(Date.now() + 3_600_000).toISOString() })) },
    ];

    // Interleaved, each bad message keyed like good ones sent after it, so a stalled partition
    // would keep those out of the store.
    const messages: { key: string; value: Buffer }[] = [];
    good.forEach((g, i) => {
      const spoiler = i % 3 === 0 ? bad[i / 3] : undefined;
      if (spoiler) messages.push({ key: g.precinctId, value: spoiler.value });
      messages.push({ key: g.precinctId, value: bytes(g) });
    });
    expect(messages).toHaveLength(good.length + bad.length);
    for (const message of messages) await producer!.send({ topic, messages: [message] });

    // Every good one recorded once; nothing else reached the store (no counts, no refusal event).
    const census = await until(() => storeCensus(store), (c) => c.bySubmission.size >= good.length, 90_000);
    expect([...census.bySubmission.keys()].sort()).toEqual(good.map((g) => g.submissionId).sort());
    expect([...census.bySubmission.values()].every((n) => n === 1)).toBe(true);
    expect(Object.fromEntries(census.byType)).toEqual({ ProtocolRecorded: good.length });
    // Each beside the broker's append time, for an auditor to set against its receivedAt.
    const recorded = await store.readStream(streams.precinct(E, good[0].precinctId));
    const appendedAt = Date.parse(String((recorded[0].metadata.queue as { appendedAt?: string }).appendedAt));
    expect(Math.abs(appendedAt - Date.parse(receivedAt))).toBeLessThan(120_000);
    expect(await store.readStream(streams.intakeRejections(E))).toEqual([]);
    expect(await store.readStream(streams.intakeRejections('unknown'))).toEqual([]);

    // Every partition drained: the group committed everything (the unknown election's too, once dead-lettered).
    expect(await until(() => queue.lag(group), (lag) => lag === 0, 60_000)).toBe(0);

    // The dead-letter topic holds each bad message once, with its code and the very bytes sent.
    const letters: DeadLetter[] = [];
    letterConsumer = await queue.deadLetters.consume({
      groupId: `dead-letter-reader-${randomBytes(4).toString('hex')}`,
      handleBatch: async ({ messages: delivered }) => {
        letters.push(...delivered.map(fromDeliveredDeadLetter));
      },
    });
    await until(async () => letters.length, (n) => n >= bad.length, 60_000);
    // By size, then code (the two MISDATED and an UNVERIFIED are the same size).
    const bySizeThenCode = (x: { code: string; size: number }, y: { code: string; size: number }) => x.size - y.size || x.code.localeCompare(y.code);
    expect(letters.map((l) => ({ code: l.reason.code, size: l.value.length })).sort(bySizeThenCode)).toEqual(bad.map((m) => ({ code: m.code, size: m.value.length })).sort(bySizeThenCode));
    for (const m of bad) {
      const letter = letters.find((l) => l.value.equals(m.value));
      expect({ what: m.what, code: letter?.reason.code, topic: letter?.source.topic }).toEqual({ what: m.what, code: m.code, topic });
    }
    const reasonOf = (what: string) => letters.find((l) => l.value.equals(bad.find((m) => m.what === what)!.value))!.reason.message;
    expect(reasonOf('unsigned')).toMatch(/^signature: /);
    expect(reasonOf('forged submittedBy')).toMatch(new RegExp(`not by a key of ${b.precinctId}`));
    expect(reasonOf('1e999')).toBe('envelope.protocol.invalid is Infinity, which JSON cannot hold');
    expect(reasonOf('unknown election')).toMatch(/^no election nowhere-2026 is defined here/);
    // The broker's clock (the topic the recorder created is on LogAppendTime) against receivedAt.
    expect(reasonOf('backdated')).toMatch(/^receivedAt \S+ is 3\d{3}(\.\d)? s before the queue took the message \(\S+\); intake publishes within 300 s of receiving/);
    expect(reasonOf('future-dated')).toMatch(/^receivedAt \S+ is 3\d{3}(\.\d)? s after the queue took the message/);

    // The metric counts them by code.
    const counted = (await app!.get(TallyMetrics).deadLetters.get()).values.map((v) => [v.labels.code, v.value]);
    expect(Object.fromEntries(counted)).toEqual({ UNDECODABLE: 1, UNVERIFIED: 2, UNSTORABLE: 1, UNKNOWN_ELECTION: 1, TOO_LARGE: 1, MISDATED: 2 });
    // And the batches that recorded them: every message was in one at least (a batch held back
    // for the unknown election comes again, and counts again), each appended and timed.
    const metrics = app!.get(TallyMetrics);
    const one = async (values: Promise<{ values: { metricName?: string; value: number }[] }>, name: string) => (await values).values.find((v) => v.metricName === name)?.value ?? NaN;
    const batches = await one(metrics.recorderBatchMessages.get(), 'tally_recorder_batch_messages_count');
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(await one(metrics.recorderBatchMessages.get(), 'tally_recorder_batch_messages_sum')).toBeGreaterThanOrEqual(messages.length);
    expect(await one(metrics.recorderBatchSeconds.get(), 'tally_recorder_batch_seconds_count')).toBe(batches);
    expect(await one(metrics.recorderBatchSeconds.get(), 'tally_recorder_batch_seconds_sum')).toBeGreaterThan(0);
    expect((await metrics.recorderAppends.get()).values[0].value).toBeGreaterThanOrEqual(1);
  });

  it('a revoked key signs nothing a topic writer backdates past the bound; within the bound (the residue TALLY_MAX_QUEUE_DELAY_S + skew leaves) it still does', async () => {
    // A precinct none of the first test's protocols used, and its demo key.
    const used = new Set(fixtures.slice(0, 40).map((f) => f.precinctId));
    const c = fixtures.find((f) => !used.has(f.precinctId))!;
    const signedC = signedProtocolBody(E, c.precinctId, c.protocol);
    const root = definition.commissions.find((commission) => commission.parent === null)!.id;
    const rootKey = demoKeyPair(root);
    // The root commission revokes c's key from now on: what is received from this instant on no longer verifies under it.
    const from = new Date().toISOString();
    const amendment = { kind: 'revoke-key' as const, commissionId: c.precinctId, keyId: demoKeyId(c.precinctId), from };
    const signature = signAmendment({ electionId: E, sequence: 1, amendment }, rootKey.keyId, rootKey.privateKey);
    expect(await app!.get(ElectionRegistry).amend(commandOfAmendment(amendment, { electionId: E, sequence: 1, signature, receivedAt: from }))).toMatchObject({ kind: 'recorded', sequence: 1 });

    // The leaked key, by a writer on the topic: each claims a receipt before the revocation.
    const at = (ms: number) => new Date(Date.parse(from) + ms).toISOString();
    const sent = {
      honest: envelopeOf(c.precinctId, signedC, { receivedAt: at(1000) }),
      backdatedAnHour: envelopeOf(c.precinctId, signedC, { receivedAt: at(-3_600_000) }),
      backdatedAMinute: envelopeOf(c.precinctId, signedC, { receivedAt: at(-60_000) }),
    };
    for (const e of Object.values(sent)) await producer!.send({ topic, messages: [{ key: c.precinctId, value: bytes(e) }] });

    const letters: DeadLetter[] = [];
    const reader = await queue.deadLetters.consume({
      groupId: `dead-letter-reader-${randomBytes(4).toString('hex')}`,
      handleBatch: async ({ messages: delivered }) => void letters.push(...delivered.map(fromDeliveredDeadLetter).filter((l) => l.key === c.precinctId)),
    });
    try {
      await until(async () => letters.length, (n) => n >= 2, 60_000);
    } finally {
      await reader.stop();
    }
    const codeOf = (e: { submissionId: string }) => letters.find((l) => JSON.parse(l.value.toString('utf8')).submissionId === e.submissionId)?.reason.code;
    // Received after the revocation, as the broker's clock agrees: the revoked key verifies nothing.
    expect(codeOf(sent.honest)).toBe('UNVERIFIED');
    // Backdated an hour: the broker's clock says otherwise.
    expect(codeOf(sent.backdatedAnHour)).toBe('MISDATED');
    // Backdated a minute, inside the bound: recorded as received then. This is what the bound
    // leaves a writer holding a leaked key; before the anchor, any instant did.
    const census = await until(() => storeCensus(store), (x) => x.bySubmission.has(sent.backdatedAMinute.submissionId), 60_000);
    expect(census.bySubmission.get(sent.backdatedAMinute.submissionId)).toBe(1);
    expect(codeOf(sent.backdatedAMinute)).toBeUndefined();
  });
});
