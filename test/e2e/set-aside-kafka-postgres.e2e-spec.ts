// A submission intake acknowledged and a recorder could not record ends in the history too, on the
// real engines: an Apache Kafka broker (KAFKA_BROKERS) and this machine's PostgreSQL. Intake runs
// with the default receivedAt bound (300 s + 60 s); the recorder, misconfigured, with 1 s and no
// skew; intake's publish is held back 1.5 s. Intake acknowledges (within its bound), the recorder
// dead-letters the message (MISDATED), and intake, reading the dead-letter topic, writes the
// attempt down as set aside: the commission's status says so with the reason (it said "queued"
// for ever before), the audit verifies the record's signature, and the same body sent again is
// queued anew and recorded once.
import type { INestApplication } from '@nestjs/common';
import { ALMATY_2023_LIST_CONTEST, almatyCity2023Definition, almatyCity2023Protocols } from '@tally/domain';
import { explain, verifyAudit } from '@tally/audit';
import { streams, type EventStore } from '@tally/event-store';
import type { SubmissionQueue } from '@tally/intake-queue';
import { withDemoKeys } from '@tally/signatures';
import request from 'supertest';
import { createApp } from '../../apps/tally-server/src/bootstrap';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import { EVENT_STORE, SUBMISSION_QUEUE } from '../../apps/tally-server/src/infrastructure/tokens';
import { TallyMetrics } from '../../apps/tally-server/src/ops/metrics.service';
import { storeCensus } from '../../apps/tally-server/src/recorder/recorder.test-helper';
import { recorderConfig } from '../support/recorder-process';
import { signedProtocolBody } from './support/signing';
import { startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(180_000);

const definition = withDemoKeys(almatyCity2023Definition());
const E = definition.id;
const P = 'almaty-p030';
const protocol = almatyCity2023Protocols().find((p) => p.precinctId === P && p.contestId === ALMATY_2023_LIST_CONTEST)!.protocol;

describe('what intake acknowledged and a recorder set aside (Kafka + PostgreSQL)', () => {
  let intake: TallyTestApp;
  let recorder: INestApplication;
  let store: EventStore;

  beforeAll(async () => {
    intake = await startTallyApp({ mode: 'kafka-postgres', env: { TALLY_ROLES: 'intake', TALLY_RATE_LIMIT: '100000', TALLY_LOG: 'off' } });
    if (intake.config.eventStore.kind !== 'postgres' || intake.config.queue.kind !== 'kafka') throw new Error('intake is not on Kafka + PostgreSQL');
    store = intake.app.get(EVENT_STORE);
    await intake.app.get(ElectionRegistry).define(definition);
    recorder = await createApp(
      recorderConfig({
        EVENT_STORE: 'postgres',
        DATABASE_URL: intake.config.eventStore.databaseUrl,
        KAFKA_BROKERS: intake.config.queue.brokers.join(','),
        KAFKA_TOPIC: intake.config.queue.topic,
        KAFKA_PARTITIONS: String(intake.config.queue.partitions),
        TALLY_RECORDER_GROUP: intake.config.recorder.groupId,
        // Tighter than intake's: what the operators' alert on tally_received_at_bound_seconds is for.
        TALLY_MAX_QUEUE_DELAY_S: '1',
        TALLY_MAX_CLOCK_SKEW_S: '0',
        LOG_LEVEL: 'silent',
      }),
      { logger: false },
    );
  });

  afterAll(async () => {
    await recorder?.close();
    await intake?.close();
  });

  it('says set-aside with the reason, keeps the signed attempt in the history, and takes the same body again', async () => {
    const body = signedProtocolBody(E, P, protocol);
    const post = () => request(intake.server).post(`/v1/elections/${E}/precincts/${P}/protocols`).send(body);
    const queue = intake.app.get<SubmissionQueue>(SUBMISSION_QUEUE);
    const publish = queue.publish.bind(queue);
    const slow = jest.spyOn(queue, 'publish').mockImplementation(async (messages) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return publish(messages);
    });
    const first = await post();
    slow.mockRestore();
    expect(first.status).toBe(202);
    const id = first.body.submissionId as string;

    const status = await request(intake.server).get(`/v1/submissions/${id}?wait=60s`);
    expect(status.body).toMatchObject({ submissionId: id, state: 'set-aside', eventType: 'SubmissionSetAside', stream: streams.intakeRejections(E), reasons: [{ code: 'MISDATED', field: '' }] });
    expect(status.body.reasons[0].message).toMatch(/^set aside by a recorder, not recorded: receivedAt \S+ is 1\.\d s before the queue took the message .* send the same body again to have it queued anew$/);

    const [setAside] = (await store.readStream(streams.intakeRejections(E))).filter((e) => e.type === 'SubmissionSetAside');
    expect(setAside.data).toMatchObject({
      submissionId: id,
      precinctId: P,
      submittedBy: P,
      kind: 'protocol',
      receivedAt: status.body.receivedAt,
      code: 'MISDATED',
      deadLetter: { topic: intake.config.queue.topic, partition: expect.any(Number), offset: expect.stringMatching(/^\d+$/) },
      command: { type: 'SubmitProtocol', meta: { submissionId: id, signature: body.signature } },
    });
    expect((await storeCensus(store)).bySubmission.get(id)).toBeUndefined();
    const outcomes = async () => (await intake.app.get(TallyMetrics).submissions.get()).values.filter((v) => v.value > 0).map((v) => [v.labels.outcome, v.value]);
    expect(await outcomes()).toEqual([
      ['accepted', 1],
      ['set-aside', 1],
    ]);

    // Sent again (the publish quick this time): queued anew, not answered as a duplicate, and recorded once.
    const again = await post();
    expect({ status: again.status, id: again.body.submissionId, state: again.body.state, duplicate: again.body.duplicate }).toEqual({ status: 202, id, state: 'queued', duplicate: false });
    const recorded = await request(intake.server).get(`/v1/submissions/${id}?wait=60s`);
    expect(recorded.body).toMatchObject({ state: 'recorded', eventType: 'ProtocolRecorded', stream: streams.precinct(E, P) });
    expect((await storeCensus(store)).bySubmission.get(id)).toBe(1);

    // The audit reads the set-aside as an attempt the commission signed, and finds nothing wrong.
    const audit = await verifyAudit(store);
    expect(audit.firstFailure).toBeNull();
    expect(audit.checks.signature).toMatchObject({ status: 'passed', checked: 2, failed: 0 });
    // The precinct's explanation lists the attempt set aside before the version it counts.
    const explained = await explain(store, { electionId: E, commissionId: P, contestId: ALMATY_2023_LIST_CONTEST });
    if (!explained.ok) throw new Error(explained.error.message);
    const [precinct] = explained.value.precincts;
    expect(precinct).toMatchObject({ precinctId: P, counted: { version: 1, submissionId: id }, setAside: [{ submissionId: id, code: 'MISDATED', receivedAt: status.body.receivedAt, verified: true }] });
    expect(explained.value.unreadable).toEqual([]);
  });
});
