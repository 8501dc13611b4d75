// Issue 4's acceptance against the real thing: an Apache Kafka broker (KAFKA_BROKERS, set by
// tools/kafka/with-broker.js) → recorder → PostgreSQL (a fresh database for this file).
// Each test has its own topic, so a test's leftovers never reach the next one.
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { generateSyntheticElection } from '@tally/domain';
import { withDemoKeys } from '@tally/signatures';
import { Client } from 'pg';
import { createPostgresEventStore, type EventStore } from '@tally/event-store';
import { createSubmissionQueue, parseQueueConfig, type SubmissionQueue } from '@tally/intake-queue';
import { createApp } from '../../apps/tally-server/src/bootstrap';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import { storeCensus, syntheticSubmissions, waitForSubmissions, type StoreCensus, type TestSubmission } from '../../apps/tally-server/src/recorder/recorder.test-helper';
import { defaultPort, startBroker, stopBroker } from '../../tools/kafka/broker';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { recorderConfig, requireBuiltServer, startRecorderProcess, stopAll, waitForOutput } from '../support/recorder-process';

jest.setTimeout(240_000);

const BROKERS = process.env.KAFKA_BROKERS;
if (!BROKERS) throw new Error('KAFKA_BROKERS is not set: run `npm run test:e2e -- pipeline` (it starts a broker) or `npm run kafka:start` first.');

// 5,000 precincts × 2 contests = 10,000 protocols; turnout reports (first in the generator's
// polling-day order) give the other scenarios fresh submissions for the same precincts.
// Signed with the demo keys (syntheticSubmissions): the recorder verifies every envelope.
const definition = withDemoKeys(generateSyntheticElection({ seed: 4242, precincts: 5000 }));
const protocols = syntheticSubmissions(definition, 10_000, { seed: 2 });
const turnout = syntheticSubmissions(definition, 30_000, { seed: 2, turnoutReportShare: 1 });

const topic = () => `tally.pipeline-test.${randomBytes(4).toString('hex')}`;

function expectEachOnce(census: StoreCensus, subs: readonly TestSubmission[]): void {
  const missing = subs.filter((s) => !census.bySubmission.has(s.submissionId));
  const doubled = [...census.bySubmission].filter(([, n]) => n !== 1);
  expect({ missing: missing.length, doubled }).toEqual({ missing: 0, doubled: [] });
}

describe('pipeline, Kafka + PostgreSQL', () => {
  let db: TestDatabase;
  let store: EventStore;
  const apps: INestApplication[] = [];
  const queues: SubmissionQueue[] = [];

  const env = (kafkaTopic: string, extra: Record<string, string> = {}) => ({
    EVENT_STORE: 'postgres',
    DATABASE_URL: db.url,
    KAFKA_BROKERS: BROKERS,
    KAFKA_TOPIC: kafkaTopic,
    KAFKA_PARTITIONS: '6',
    // A SIGKILLed recorder stays a member of its group until its session times out, and the next
    // one's join waits for that: 8 s (as tools/cluster runs them) rather than the default 30 s.
    KAFKA_SESSION_TIMEOUT_MS: '8000',
    ...extra,
  });
  /** A recorder in this process (a Nest app with only the recorder role). */
  const recorderApp = async (kafkaTopic: string, instanceId: string) => {
    const app = await createApp(recorderConfig(env(kafkaTopic, { TALLY_INSTANCE_ID: instanceId })), { logger: false });
    apps.push(app);
    return app;
  };
  /** A producer as intake has one (idempotent, acks -1), creating the topic with 6 partitions. */
  const producer = async (kafkaTopic: string) => {
    const queue = createSubmissionQueue(parseQueueConfig(env(kafkaTopic)), { logLevel: 'error' });
    queues.push(queue);
    await queue.ensureTopics();
    return queue;
  };
  /** A cheap progress probe (one count query), for deciding when to pull the plug. */
  const waitForEventCount = async (atLeast: number, timeoutMs: number): Promise<number> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await client.query<{ n: string }>("SELECT count(*)::text AS n FROM tally_events WHERE stream_name ^@ 'precinct-'");
        const n = Number(rows[0].n);
        if (n >= atLeast || Date.now() > deadline) return n;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await client.end();
    }
  };
  const publishInChunks = async (queue: SubmissionQueue, subs: readonly TestSubmission[], size = 1000) => {
    for (let i = 0; i < subs.length; i += size) await queue.publish(subs.slice(i, i + size).map((s) => s.message));
  };

  beforeAll(async () => {
    db = await createTestDatabase('tally_pipeline');
    store = await createPostgresEventStore({ connectionString: db.url });
    // Defined once through a short-lived app: every recorder reads it from the store.
    const app = await createApp(recorderConfig({ EVENT_STORE: 'postgres', DATABASE_URL: db.url }), { logger: false });
    try {
      expect(await app.get(ElectionRegistry).define(definition)).toMatchObject({ kind: 'defined' });
    } finally {
      await app.close();
    }
  }, 120_000);

  afterEach(async () => {
    await stopAll();
    await Promise.all(apps.splice(0).map((a) => a.close()));
    await Promise.all(queues.splice(0).map((q) => q.close()));
  });

  afterAll(async () => {
    await stopAll();
    await store?.close();
    await db?.drop();
  });

  it('records 10,000 submissions exactly once', async () => {
    const t = topic();
    const queue = await producer(t);
    await recorderApp(t, 'kafka-1');
    const started = Date.now();
    await publishInChunks(queue, protocols);
    const census = await waitForSubmissions(store, protocols.length, 180_000);
    console.log(`kafka+postgres: 10,000 produced and recorded in ${Date.now() - started} ms`);
    expectEachOnce(census, protocols);
    expect(census.byType.get('ProtocolRecorded')).toBe(10_000);
  });

  it('records a submission sent three times once', async () => {
    const t = topic();
    const queue = await producer(t);
    await recorderApp(t, 'kafka-dup');
    const [sub, marker] = turnout.slice(0, 2);
    for (let i = 0; i < 3; i++) await queue.publish([sub.message]);
    // Same precinct key, so the same partition, after the copies: once it is in, they were seen.
    await queue.publish([{ ...marker.message, key: sub.message.key }]);
    const census = await waitForSubmissions(store, protocols.length + 2, 60_000);
    expect(census.bySubmission.get(sub.submissionId)).toBe(1);
    expect(census.bySubmission.get(marker.submissionId)).toBe(1);
  });

  it('loses and doubles nothing when a recorder process is SIGKILLed in the middle of its work and restarted', async () => {
    requireBuiltServer();
    const t = topic();
    const queue = await producer(t);
    const subs = turnout.slice(2, 8002);
    const before = (await storeCensus(store)).bySubmission.size;
    const eventsBefore = await waitForEventCount(0, 0);
    // Small batches: many transactions, so the kill lands between or inside them, never after all.
    const first = startRecorderProcess(env(t, { TALLY_INSTANCE_ID: 'child-1', TALLY_RECORDER_BATCH_SIZE: '100' }));
    await waitForOutput(first, /recording .* as group/, 60_000);
    // Kill it while it is recording: some of the batch recorded, not all.
    const publishing = publishInChunks(queue, subs);
    await waitForEventCount(eventsBefore + 500, 60_000);
    expect(await first.kill('SIGKILL')).toBe('SIGKILL');
    const atKill = (await waitForEventCount(0, 0)) - eventsBefore;
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(subs.length);
    await publishing;

    const second = startRecorderProcess(env(t, { TALLY_INSTANCE_ID: 'child-2', TALLY_RECORDER_BATCH_SIZE: '100' }));
    await waitForOutput(second, /recording .* as group/, 60_000);
    const census = await waitForSubmissions(store, before + subs.length, 120_000);
    expectEachOnce(census, [...protocols, ...turnout.slice(0, 8002)]);
    expect(census.byRecorder.get('child-1')).toBeGreaterThan(0);
    expect(census.byRecorder.get('child-2')).toBeGreaterThan(0);
    await second.kill('SIGTERM');
  });

  it('shares the partitions between two recorders of one group, which together record everything once', async () => {
    const t = topic();
    const queue = await producer(t);
    await Promise.all([recorderApp(t, 'pair-a'), recorderApp(t, 'pair-b')]);
    const subs = turnout.slice(8002, 14_002);
    const before = await storeCensus(store);
    await publishInChunks(queue, subs);
    const census = await waitForSubmissions(store, before.bySubmission.size + subs.length, 120_000);
    expectEachOnce(census, [...protocols, ...turnout.slice(0, 14_002)]);
    expect(census.byRecorder.get('pair-a')).toBeGreaterThan(0);
    expect(census.byRecorder.get('pair-b')).toBeGreaterThan(0);
  });

  it('resumes and completes after the broker is stopped and restarted under load', async () => {
    const port = defaultPort({ KAFKA_BROKERS: BROKERS });
    const t = topic();
    const queue = await producer(t);
    await recorderApp(t, 'through-restart');
    const subs = turnout.slice(14_002, 24_002);
    const before = (await storeCensus(store)).bySubmission.size;
    const eventsBefore = await waitForEventCount(0, 0);
    const publishing = publishInChunks(queue, subs, 500);
    await waitForEventCount(eventsBefore + 1000, 60_000);
    let restarted = false;
    try {
      const stopped = await stopBroker({ port, log: () => undefined });
      if (!stopped.stopped) throw new Error(`no broker of ours on port ${port}: this test needs one started by tools/kafka`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await startBroker({ port, fresh: false, log: () => undefined });
      restarted = true;
    } finally {
      if (!restarted) await startBroker({ port, fresh: false, log: () => undefined }).catch(() => undefined);
    }
    await publishing;
    const census = await waitForSubmissions(store, before + subs.length, 180_000);
    expectEachOnce(census, [...protocols, ...turnout.slice(0, 24_002)]);
  });
});
