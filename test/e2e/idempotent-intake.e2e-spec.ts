// Issue 11 acceptance, idempotent submissions across intake processes, on the real engines: an
// Apache Kafka broker (KAFKA_BROKERS, started by the test command) and this machine's PostgreSQL.
// Intake A runs in this process with a recorder; intake B is a second OS process (the compiled
// server, TALLY_ROLES=intake) on the same topic and database. A retry of the same signed body,
// and a retry under the same Idempotency-Key, get the same submission id wherever they land; the
// status is found through the other process; the store holds each submission once.
import { createServer } from 'node:net';
import request from 'supertest';
import { ALMATY_2023_LIST_CONTEST, almatyCity2023Definition, almatyCity2023Protocols, type Protocol } from '@tally/domain';
import { streams, type EventStore } from '@tally/event-store';
import { withDemoKeys } from '@tally/signatures';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { startRecorderProcess, stopAll, waitForOutput, type RecorderProcess } from '../support/recorder-process';
import { signedProtocolBody, signedTurnoutBody } from './support/signing';
import { startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(180_000);

const definition = withDemoKeys(almatyCity2023Definition());
const E = definition.id;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe('idempotent submissions across two intake processes (Kafka + PostgreSQL)', () => {
  let a: TallyTestApp;
  let b: RecorderProcess;
  let bUrl: string;
  let store: EventStore;
  const protocolOf = (precinctId: string): Protocol => almatyCity2023Protocols().find((p) => p.precinctId === precinctId && p.contestId === ALMATY_2023_LIST_CONTEST)!.protocol;

  beforeAll(async () => {
    a = await startTallyApp({ mode: 'kafka-postgres', env: { TALLY_RATE_LIMIT: '100000' } });
    store = a.app.get(EVENT_STORE);
    await a.app.get(ElectionRegistry).define(definition);
    if (a.config.eventStore.kind !== 'postgres' || a.config.queue.kind !== 'kafka') throw new Error('intake A is not on Kafka + PostgreSQL');
    const port = await freePort();
    bUrl = `http://127.0.0.1:${port}`;
    b = startRecorderProcess({
      TALLY_ROLES: 'intake',
      EVENT_STORE: 'postgres',
      DATABASE_URL: a.config.eventStore.databaseUrl,
      KAFKA_BROKERS: a.config.queue.brokers.join(','),
      KAFKA_TOPIC: a.config.queue.topic,
      KAFKA_PARTITIONS: String(a.config.queue.partitions),
      TALLY_RATE_LIMIT: '100000',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await waitForOutput(b, /Tally is running/, 90_000);
    // B learns elections from the store: wait until it knows this one.
    for (let i = 0; i < 100; i++) {
      const res = await request(bUrl).get(`/v1/elections/${E}/definition`);
      if (res.status === 200) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`intake B never learned election ${E}:\n${b.output()}`);
  });

  afterAll(async () => {
    await b?.kill('SIGTERM');
    await stopAll();
    await a?.close();
  });

  it('a retry of the same body gets the same submission id on either process, its status is found on the other, and the store holds it once', async () => {
    const P = 'almaty-p021';
    const body = signedProtocolBody(E, P, protocolOf(P));
    const first = await request(a.server).post(`/v1/elections/${E}/precincts/${P}/protocols`).send(body);
    expect(first.status).toBe(202);
    // Straight away on B, before any outcome exists: same id (B may queue a second copy; the decider decides it nothing).
    const retryOnB = await request(bUrl).post(`/v1/elections/${E}/precincts/${P}/protocols`).send(body);
    expect([200, 202]).toContain(retryOnB.status);
    expect(retryOnB.body.submissionId).toBe(first.body.submissionId);

    const statusOnB = await request(bUrl).get(`/v1/submissions/${first.body.submissionId}?wait=60s`);
    expect(statusOnB.body).toMatchObject({ submissionId: first.body.submissionId, state: 'recorded', eventType: 'ProtocolRecorded', stream: streams.precinct(E, P) });

    // Once recorded, a retry on either process is answered from the store: 200, duplicate, recorded.
    for (const target of [a.server, bUrl]) {
      const again = await request(target).post(`/v1/elections/${E}/precincts/${P}/protocols`).send(body);
      expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: expect.objectContaining({ submissionId: first.body.submissionId, state: 'recorded', duplicate: true }) });
    }
    await settle(bUrl, P, '10:00', 50);
    const events = await store.readStream(streams.precinct(E, P));
    expect(events.map((e) => e.type)).toEqual(['ProtocolRecorded', 'TurnoutReported']);
  });

  it('the same Idempotency-Key on the other process is the same submission; its status is found there', async () => {
    const P = 'almaty-p022';
    const key = 'p022-turnout-12-00-attempt';
    const body = signedTurnoutBody(E, P, '12:00', 75);
    const onB = await request(bUrl).post(`/v1/elections/${E}/precincts/${P}/turnout`).set('Idempotency-Key', key).send(body);
    expect(onB.status).toBe(202);
    const status = await request(a.server).get(`/v1/submissions/${onB.body.submissionId}?wait=60s`);
    expect(status.body).toMatchObject({ state: 'recorded', eventType: 'TurnoutReported' });
    const onA = await request(a.server).post(`/v1/elections/${E}/precincts/${P}/turnout`).set('Idempotency-Key', key).send(body);
    expect({ status: onA.status, body: onA.body }).toEqual({ status: 200, body: expect.objectContaining({ submissionId: onB.body.submissionId, state: 'recorded', duplicate: true }) });
    // The same key with other figures is a client bug, answered as such, and queues nothing.
    const reused = await request(a.server).post(`/v1/elections/${E}/precincts/${P}/turnout`).set('Idempotency-Key', key).send(signedTurnoutBody(E, P, '12:00', 80));
    expect({ status: reused.status, code: reused.body.code }).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    await settle(a.server, P, '10:00', 30);
    const events = await store.readStream(streams.precinct(E, P));
    expect(events.map((e) => [e.type, (e.data as { ballotsIssued?: number }).ballotsIssued])).toEqual([['TurnoutReported', 75], ['TurnoutReported', 30]]);
  });
});

/**
 * Waits until what `target` queued for precinct P before now is decided: a later submission for P
 * through it (same key, same partition, so behind any extra copy a retry queued) has its outcome.
 */
async function settle(target: Parameters<typeof request>[0], P: string, time: string, ballotsIssued: number): Promise<void> {
  const probe = await request(target).post(`/v1/elections/${E}/precincts/${P}/turnout`).send(signedTurnoutBody(E, P, time, ballotsIssued));
  expect(probe.status).toBe(202);
  const outcome = await request(target).get(`/v1/submissions/${probe.body.submissionId}?wait=60s`);
  expect(outcome.body.state).toBe('recorded');
}
