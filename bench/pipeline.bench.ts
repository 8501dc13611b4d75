// End-to-end protocols/s from produce to recorded (queue → recorder → store), in the embedded
// mode (in-process queue + PGlite) and with Kafka + PostgreSQL, next to the raw kafkajs
// produce+consume rate of the same messages measured in the same run; the ratio says what the
// recorder (decide + one transaction per batch) costs on top of Kafka itself.
// Kafka from KAFKA_BROKERS, PostgreSQL from DATABASE_URL (default the local server); without
// KAFKA_BROKERS the Kafka figures are skipped with a note.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { generateSyntheticElection, type ElectionDefinition } from '@tally/domain';
import { Kafka, logLevel } from 'kafkajs';
import { withDemoKeys } from '@tally/signatures';
import { Client } from 'pg';
import { createApp } from '../apps/tally-server/src/bootstrap';
import { loadAppConfig } from '../apps/tally-server/src/config/app.config';
import { ElectionRegistry } from '../apps/tally-server/src/elections/election-registry.service';
import { EVENT_STORE, SUBMISSION_QUEUE } from '../apps/tally-server/src/infrastructure/tokens';
import { messagesHandled } from '../apps/tally-server/src/recorder/record-submissions.command';
import { RecorderService } from '../apps/tally-server/src/recorder/recorder.service';
import { storeCensus, syntheticSubmissions, type TestSubmission } from '../apps/tally-server/src/recorder/recorder.test-helper';
import type { EventStore } from '@tally/event-store';
import { createTopicsAndWait, type SubmissionQueue } from '@tally/intake-queue';
import type { BenchResult } from './bench.types';

const PRECINCTS = 10_000; // × 2 contests = 20,000 protocols
const PARTITIONS = 6;
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const log = (line: string) => process.stderr.write(`pipeline.bench: ${line}\n`);

interface Run {
  readonly perSecond: number;
  readonly ms: number;
  readonly note: string;
}

/**
 * Publishes everything, and times until the recorder has handled every message (counted from its
 * batches). `whileOpen` measures more on the same app before it closes (the log bench).
 */
export async function runPipeline(
  env: Record<string, string>,
  definition: ElectionDefinition,
  subs: readonly TestSubmission[],
  whileOpen?: (app: INestApplication) => Promise<void>,
): Promise<Run> {
  const config = loadAppConfig({ TALLY_ROLES: 'recorder', TALLY_DEMO: 'false', PORT: '0', LOG_LEVEL: 'warn', TALLY_RECORDER_BATCH_SIZE: '500', ...env });
  const app: INestApplication = await createApp(config, { logger: false });
  try {
    const registry = app.get(ElectionRegistry);
    if (!registry.get(definition.id)) await registry.define(definition);
    const queue: SubmissionQueue = app.get(SUBMISSION_QUEUE);
    const store: EventStore = app.get(EVENT_STORE);
    let handled = 0;
    let batches = 0;
    let appends = 0;
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    app.get(RecorderService).onBatchRecorded((outcome) => {
      handled += messagesHandled(outcome);
      batches++;
      appends += outcome.appends;
      if (handled >= subs.length) done();
    });
    const started = process.hrtime.bigint();
    for (let i = 0; i < subs.length; i += 1000) await queue.publish(subs.slice(i, i + 1000).map((s) => s.message));
    await all;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // Checked, untimed: the figure is only worth something if each was recorded once.
    const census = await storeCensus(store);
    const once = subs.every((s) => census.bySubmission.get(s.submissionId) === 1);
    await whileOpen?.(app);
    return {
      perSecond: (subs.length / ms) * 1000,
      ms,
      note: `${subs.length} protocols, ${batches} batches, ${appends} appends${once ? ', each recorded once' : ', NOT each recorded once'}`,
    };
  } finally {
    await app.close();
  }
}

/** kafkajs alone: the same messages produced (idempotent, acks -1) and consumed by a group with explicit commits. */
async function rawKafka(brokers: string[], subs: readonly TestSubmission[]): Promise<Run> {
  const kafka = new Kafka({ clientId: 'pipeline-bench-raw', brokers, logLevel: logLevel.ERROR });
  const topic = `tally.bench-raw.${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, [{ topic, numPartitions: PARTITIONS }]);
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `${topic}.group` });
  await Promise.all([producer.connect(), consumer.connect()]);
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let consumed = 0;
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
        if (batch.messages.length === 0) return;
        const last = batch.messages[batch.messages.length - 1].offset;
        resolveOffset(last);
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }] }] });
        consumed += batch.messages.length;
        if (consumed >= subs.length) done();
      },
    });
    const started = process.hrtime.bigint();
    for (let i = 0; i < subs.length; i += 1000) {
      await producer.send({ topic, acks: -1, messages: subs.slice(i, i + 1000).map((s) => ({ key: s.message.key, value: s.message.value })) });
    }
    await all;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    return { perSecond: (subs.length / ms) * 1000, ms, note: `${subs.length} messages, ${PARTITIONS} partitions, produce + consume + commit` };
  } finally {
    await Promise.all([producer.disconnect(), consumer.disconnect()]);
  }
}

async function withDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `tally_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return await work(url.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

export default async function run(): Promise<BenchResult[]> {
  // Signed with the demo keys (syntheticSubmissions): the recorder verifies every envelope.
  const definition = withDemoKeys(generateSyntheticElection({ seed: 2026, precincts: PRECINCTS }));
  const subs = syntheticSubmissions(definition, PRECINCTS * 2, { seed: 1 });
  const results: BenchResult[] = [];

  const dataDir = mkdtempSync(join(tmpdir(), 'tally-bench-pipeline-'));
  try {
    log('embedded: in-process queue + PGlite');
    const embedded = await runPipeline({ TALLY_DATA_DIR: dataDir }, definition, subs);
    results.push({ name: 'embedded end-to-end (in-process queue + PGlite)', value: embedded.perSecond, unit: 'protocols/s', note: embedded.note });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    results.push({ name: 'kafka + postgres end-to-end', value: NaN, unit: 'protocols/s', note: 'skipped: KAFKA_BROKERS unset (npm run kafka:start)' });
    return results;
  }
  const list = brokers.split(',').map((b) => b.trim());
  log('raw kafkajs produce + consume');
  const raw = await rawKafka(list, subs);
  results.push({ name: 'raw kafkajs produce + consume', value: raw.perSecond, unit: 'messages/s', note: raw.note });

  log('kafka + postgres');
  const distributed = await withDatabase((url) =>
    runPipeline(
      { EVENT_STORE: 'postgres', DATABASE_URL: url, KAFKA_BROKERS: brokers, KAFKA_TOPIC: `tally.bench-pipeline.${randomBytes(4).toString('hex')}`, KAFKA_PARTITIONS: String(PARTITIONS) },
      definition,
      subs,
    ),
  );
  results.push({ name: 'kafka + postgres end-to-end (one recorder)', value: distributed.perSecond, unit: 'protocols/s', note: distributed.note });
  results.push({
    name: 'kafka + postgres end-to-end / raw kafkajs',
    value: distributed.perSecond / raw.perSecond,
    unit: 'ratio',
    note: 'share of the raw Kafka rate the whole pipeline keeps',
  });
  return results;
}
