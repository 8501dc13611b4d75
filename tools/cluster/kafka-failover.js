#!/usr/bin/env node
'use strict';
// npm run faults:kafka -- [--cycles N] [--client adapter|kafkajs]
// Kafka alone, no Tally process: three KRaft nodes of the cluster's topology (ports
// KAFKA_FAILOVER_PORT, default 31092, +10, +20), 40 concurrent publishers, and every few seconds
// one node SIGKILLed and started again on its storage. At the end it reads the whole topic back
// and counts the publishes that resolved but are not in it.
//   --client adapter   the service's KafkaSubmissionQueue (dist/, built on first use): must lose 0;
//   --client kafkajs   kafkajs's idempotent producer as the adapter used it before 2026-12-03
//                      (one send() over many partitions, acks=all): shows kafkajs 2.2.4 resolving
//                      sends whose partitions it never wrote, when a leader moves mid-retry.
// Last line of stdout: {"client","cycles","resolved","rejected","inTopic","lost","resent","waitMs"};
// exit 1 on a loss.
// Stops every node it started, also on failure.
const path = require('node:path');
const fs = require('node:fs');
const broker = require('../kafka/broker');
const cluster = require('./cluster');
const { ROOT, lib } = require('./dist');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line) => console.error(`kafka-failover: ${line}`);
const PUBLISHERS = 40;
const PARTITIONS = 12;

function parseArgs(argv) {
  const opts = { cycles: 6, client: 'adapter' };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--cycles' && /^[1-9]\d*$/.test(value ?? '')) opts.cycles = Number(value);
    else if (flag === '--client' && (value === 'adapter' || value === 'kafkajs')) opts.client = value;
    else throw new Error(`unexpected ${flag} ${value ?? ''}\nusage: npm run faults:kafka -- [--cycles N] [--client adapter|kafkajs]`);
  }
  return opts;
}

/** A publish function over the chosen client, and how many partitions it had to send again. */
async function publisher(client, bootstrap, topic) {
  const { Kafka, Partitioners, logLevel } = require('kafkajs');
  if (client === 'adapter') {
    const { KafkaSubmissionQueue } = lib('intake-queue');
    let resent = 0;
    const logger = { error() {}, info() {}, debug() {}, warn: (obj, msg) => (/sending their messages again/.test(msg ?? '') ? (resent += obj.partitions.length) : undefined) };
    const queue = new KafkaSubmissionQueue({ brokers: bootstrap, topic, partitions: PARTITIONS, clientId: 'failover', replicationFactor: 3, minInsyncReplicas: 2, logger, logLevel: 'error' });
    await queue.ensureTopics();
    return { publish: (batch) => queue.publish(batch), resent: () => resent, close: () => queue.close() };
  }
  const kafka = new Kafka({ clientId: 'failover-raw', brokers: bootstrap, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 300, maxRetryTime: 30_000, retries: 8 } });
  const admin = kafka.admin();
  await admin.connect();
  await lib('intake-queue').createTopicsAndWait(admin, [{ topic, numPartitions: PARTITIONS, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }]);
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  // As the adapter coalesced: what waits while one send is out goes in the next, all partitions at once.
  let waiting = [];
  let flushing = false;
  const flush = async () => {
    flushing = true;
    while (waiting.length > 0) {
      const taken = waiting;
      waiting = [];
      try {
        await producer.send({ topic, acks: -1, messages: taken.flatMap((t) => t.batch) });
        for (const t of taken) t.resolve();
      } catch (error) {
        for (const t of taken) t.reject(error);
      }
    }
    flushing = false;
  };
  return {
    publish: (batch) =>
      new Promise((resolve, reject) => {
        waiting.push({ batch, resolve, reject });
        if (!flushing) void flush();
      }),
    resent: () => 0,
    close: () => producer.disconnect(),
  };
}

async function readBack(bootstrap, topic, expected) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({ clientId: 'failover-read', brokers: bootstrap, logLevel: logLevel.NOTHING });
  // Right after a failover a broker may still answer NOT_LEADER_FOR_PARTITION, on which kafkajs's
  // fetchTopicOffsets gives up at once; a new admin reads the metadata afresh.
  const offsets = await lib('intake-queue').retryRetriable(async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await admin.fetchTopicOffsets(topic);
    } finally {
      await admin.disconnect();
    }
  });
  const inTopic = offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
  const seen = new Set();
  let read = 0;
  const consumer = kafka.consumer({ groupId: `failover-read-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void (read++, seen.add(message.value.toString())) });
  const deadline = Date.now() + 120_000;
  while (read < inTopic && Date.now() < deadline) await sleep(250);
  await consumer.disconnect();
  if (read < inTopic) throw new Error(`read ${read} of the ${inTopic} messages in ${topic} within 120 s`);
  return { inTopic, lost: [...expected].filter((id) => !seen.has(id)) };
}

async function run(opts) {
  const s = { name: 'kafka-failover', dir: path.join(ROOT, '.tools', 'cluster', 'kafka-failover'), kafkaPort: Number(process.env.KAFKA_FAILOVER_PORT ?? 31092), log };
  const nodes = cluster.kafkaNodes(s);
  const bootstrap = nodes.map((n) => `127.0.0.1:${n.port}`);
  for (const n of nodes) await broker.stopNode({ dir: n.dir, kill: true, log: () => undefined }); // a run that died before stopping them
  fs.rmSync(s.dir, { recursive: true, force: true });
  try {
    let clusterId;
    for (const n of nodes) clusterId = (await cluster.startKafkaNode(s, n, { fresh: true, clusterId })).clusterId;
    await cluster.waitForKafka(s);
    const topic = `failover-${Date.now()}`;
    const client = await publisher(opts.client, bootstrap, topic);
    const resolved = new Set();
    let rejected = 0;
    let next = 0;
    const waits = [];
    let running = true;
    // Each publish: one message on each of several partitions, as a busy intake's flush carries.
    const work = async () => {
      while (running) {
        const batch = Array.from({ length: 3 }, () => {
          const id = `m${next++}`;
          return { key: `precinct-${id}`, value: id };
        });
        const sent = Date.now();
        try {
          await client.publish(batch);
          waits.push(Date.now() - sent);
          for (const m of batch) resolved.add(m.value);
        } catch {
          rejected++;
          await sleep(100);
        }
      }
    };
    const workers = Array.from({ length: PUBLISHERS }, work);
    for (let c = 0; c < opts.cycles; c++) {
      await sleep(3000);
      const node = nodes[c % nodes.length];
      log(`cycle ${c + 1}/${opts.cycles}: SIGKILL ${node.name} (${resolved.size} resolved so far)`);
      await broker.stopNode({ dir: node.dir, kill: true, log: () => undefined });
      await sleep(2500);
      await cluster.startKafkaNode(s, node, { fresh: false });
      await cluster.waitForKafka(s);
      await sleep(5000);
    }
    running = false;
    await Promise.all(workers);
    const resent = client.resent();
    await client.close();
    const { inTopic, lost } = await readBack(bootstrap, topic, resolved);
    for (const id of lost.slice(0, 10)) log(`LOST ${id}`);
    waits.sort((a, b) => a - b);
    const at = (p) => waits[Math.min(waits.length - 1, Math.floor(p * waits.length))] ?? 0;
    // How long a publish waited: the p99 and the longest are the stalls around a kill.
    const waitMs = { p50: at(0.5), p99: at(0.99), max: waits[waits.length - 1] ?? 0 };
    return { client: opts.client, cycles: opts.cycles, resolved: resolved.size, rejected, inTopic, lost: lost.length, resent, waitMs };
  } finally {
    for (const n of nodes) await broker.stopNode({ dir: n.dir, kill: true, log: () => undefined });
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`kafka-failover: ${error.message}`);
    process.exit(2);
  }
  run(opts).then(
    (report) => {
      console.log(JSON.stringify(report));
      process.exit(report.lost === 0 ? 0 : 1);
    },
    (error) => {
      console.error(`kafka-failover: ${error.stack ?? error.message}`);
      console.log(JSON.stringify({ error: error.message }));
      process.exit(1);
    },
  );
}
