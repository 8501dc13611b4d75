// An intake on Kafka starts whatever else runs (roles start in any order), but is not ready while
// the recorder group has no member: a load balancer then sends it nothing that nobody would
// record. A recorder process joining the group makes it ready; leaving makes it red again.
// Real Kafka (KAFKA_BROKERS, from tools/kafka/with-broker.js) and PostgreSQL.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../apps/tally-server/src/bootstrap';
import { loadAppConfig } from '../../apps/tally-server/src/config/app.config';
import { startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(180_000);

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('intake readiness on Kafka: red while no recorder reads its queue', () => {
  let intake: TallyTestApp;
  let recorder: INestApplication | undefined;

  beforeAll(async () => {
    intake = await startTallyApp({ mode: 'kafka-postgres', env: { TALLY_ROLES: 'intake', TALLY_LOG: 'off' } });
  });

  afterAll(async () => {
    await recorder?.close();
    await intake?.close();
  });

  const ready = async () => {
    const res = await request(intake.server).get('/health/ready');
    return { status: res.status, recorders: res.body.checks.recorders as { status: string; members?: number; error?: string } };
  };

  it('is 503 naming the empty recorder group, 200 once a recorder process joined, 503 again after it left', async () => {
    const { queue, eventStore, recorder: group } = intake.config;
    if (queue.kind !== 'kafka' || eventStore.kind !== 'postgres') throw new Error('not on Kafka + PostgreSQL');
    const before = await ready();
    expect(before.status).toBe(503);
    expect(before.recorders).toMatchObject({ status: 'down', members: 0 });
    expect(before.recorders.error).toContain(`consumer group ${group.groupId} (TALLY_RECORDER_GROUP)`);

    recorder = await createApp(
      loadAppConfig({
        TALLY_ROLES: 'recorder',
        EVENT_STORE: 'postgres',
        DATABASE_URL: eventStore.databaseUrl,
        KAFKA_BROKERS: queue.brokers.join(','),
        KAFKA_TOPIC: queue.topic,
        KAFKA_PARTITIONS: String(queue.partitions),
        TALLY_RECORDER_GROUP: group.groupId,
        TALLY_DEMO: 'false',
        TALLY_LOG: 'off',
        LOG_LEVEL: 'silent',
      }),
      { logger: false },
    );
    const green = await waitUntil('the intake to be ready', async () => {
      const r = await ready();
      return r.status === 200 ? r : undefined;
    });
    expect(green.recorders).toMatchObject({ status: 'up', members: 1 });

    await recorder.close();
    recorder = undefined;
    const red = await waitUntil('the intake to be red again', async () => {
      const r = await ready();
      return r.status === 503 ? r : undefined;
    });
    expect(red.recorders).toMatchObject({ status: 'down', members: 0 });
  });
});
