// The submission status follows the store (PGlite in memory here), whichever process recorded.
import { Logger } from '@nestjs/common';
import { createPgliteEventStore, streams, type EventStore, type EventToAppend } from '@tally/event-store';
import { SubmissionStatusService, type SubmissionStatus } from './submission-status.service';

const ELECTION = 'e1';
const meta = (submissionId: string, precinctId = 'p1') => ({
  submissionId,
  electionId: ELECTION,
  precinctId,
  submittedBy: precinctId,
  receivedAt: '2026-03-15T15:00:00.000Z',
  signature: null,
});
const ids = { a: '00000000-0000-4000-8000-00000000000a', b: '00000000-0000-4000-8000-00000000000b', c: '00000000-0000-4000-8000-00000000000c', d: '00000000-0000-4000-8000-00000000000d' };

describe('SubmissionStatusService', () => {
  let store: EventStore;
  const services: SubmissionStatusService[] = [];
  const start = async () => {
    const service = new SubmissionStatusService(store);
    services.push(service);
    service.onModuleInit();
    await service.caughtUp;
    return service;
  };

  beforeAll(async () => {
    Logger.overrideLogger(false);
    store = await createPgliteEventStore({ pollIntervalMs: 50 });
    // Recorded before any service starts: a catch-up must find it.
    await store.append(streams.precinct(ELECTION, 'p1'), 'no-stream', [
      { id: ids.a, type: 'TurnoutReported', data: { ...meta('sub-a'), time: '10:00', ballotsIssued: 10 } },
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(services.map((s) => s.onModuleDestroy()));
    await store.close();
  });

  it('knows outcomes recorded before it started', async () => {
    const service = await start();
    expect(service.get('sub-a')).toEqual({
      state: 'recorded',
      electionId: ELECTION,
      precinctId: 'p1',
      stream: streams.precinct(ELECTION, 'p1'),
      revision: '0',
      position: expect.any(String),
      eventType: 'TurnoutReported',
      recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      receivedAt: '2026-03-15T15:00:00.000Z',
    });
    expect(service.get('sub-unknown')).toBeUndefined();
  });

  it('goes from queued to recorded, waking a waiter and telling outcome listeners', async () => {
    const service = await start();
    const told: [string, SubmissionStatus][] = [];
    service.onOutcome((id, status) => told.push([id, status]));
    service.markQueued('sub-b', { electionId: ELECTION, precinctId: 'p2', receivedAt: '2026-03-15T15:01:00.000Z' });
    expect(service.get('sub-b')).toEqual({ state: 'queued', electionId: ELECTION, precinctId: 'p2', receivedAt: '2026-03-15T15:01:00.000Z' });

    const waiting = service.waitForOutcome('sub-b', 10_000);
    const event: EventToAppend = { id: ids.b, type: 'ProtocolRecorded', data: { ...meta('sub-b', 'p2'), contestId: 'list', version: 1, protocol: {} } };
    const appended = await store.append(streams.precinct(ELECTION, 'p2'), 'no-stream', [event]);
    const status = await waiting;
    expect(status).toMatchObject({ state: 'recorded', stream: streams.precinct(ELECTION, 'p2'), revision: '0', position: appended.position, eventType: 'ProtocolRecorded' });
    expect(told).toEqual([['sub-b', status]]);
    // Intake marking it queued late (after the outcome) does not turn it back.
    service.markQueued('sub-b', { electionId: ELECTION, precinctId: 'p2', receivedAt: '2026-03-15T15:01:00.000Z' });
    expect(service.get('sub-b')?.state).toBe('recorded');
  });

  it('reports refusals with their reasons, from precinct streams and from intake rejections', async () => {
    const service = await start();
    await store.append(streams.precinct(ELECTION, 'p1'), 0, [
      {
        id: ids.c,
        type: 'SubmissionRefused',
        data: { ...meta('sub-c'), kind: 'protocol', reasons: [{ code: 'ALREADY_RECORDED', field: 'protocol.contestId', message: 'recorded' }], payload: null },
      },
    ]);
    await store.append(streams.intakeRejections('unknown'), 'no-stream', [
      { id: ids.d, type: 'UnparseableSubmission', data: { raw: 'eyJ4Ijox', key: 'p1', topic: 't', partition: 0, offset: '5', reason: 'not JSON: Unexpected end', submissionId: 'sub-d' } },
    ]);
    const [c, d] = await Promise.all([service.waitForOutcome('sub-c', 10_000), service.waitForOutcome('sub-d', 10_000)]);
    expect(c).toMatchObject({ state: 'refused', revision: '1', eventType: 'SubmissionRefused', reasons: [{ code: 'ALREADY_RECORDED' }] });
    expect(d).toMatchObject({ state: 'refused', stream: 'intake-rejections-unknown', eventType: 'UnparseableSubmission', reasons: [{ code: 'MALFORMED', message: 'not JSON: Unexpected end' }] });
  });

  it('answers with the current status when no outcome arrives in time', async () => {
    const service = await start();
    service.markQueued('sub-late', { electionId: ELECTION, precinctId: 'p3', receivedAt: '2026-03-15T15:02:00.000Z' });
    expect(await service.waitForOutcome('sub-late', 50)).toMatchObject({ state: 'queued' });
    expect(await service.waitForOutcome('sub-never', 10)).toBeUndefined();
  });
});
