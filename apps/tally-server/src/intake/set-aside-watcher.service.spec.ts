// The set-aside watcher on the embedded engines (the in-process queue's dead-letter topic, PGlite in
// memory), with the status service following the store: a letter of the very attempt queued here
// becomes one SubmissionSetAside record and the status says set-aside; copies and strangers'
// letters become nothing; a retry is queued, and its record replaces the set-aside.
import { Logger } from '@nestjs/common';
import { createPgliteEventStore, streams, type EventStore } from '@tally/event-store';
import { encodeEnvelope, InProcessSubmissionQueue, SUBMISSION_ENVELOPE_VERSION, type DeadLetter, type SubmissionEnvelope } from '@tally/intake-queue';
import type { AppConfig } from '../config/app.config';
import { signatureTag } from '../submissions/submission-id';
import { SubmissionStatusService } from '../submissions/submission-status.service';
import { IntakeRejectionLog } from './intake-rejection-log.service';
import { SET_ASIDE_TYPE } from './set-aside.events';
import { setAsideGroupId, setAsideReadFrom, SetAsideWatcher } from './set-aside-watcher.service';

const E = 'e1';
const SUB = '00000000-0000-4000-8000-0000000000a1';
const RECEIVED = '2026-03-15T15:00:00.000Z';
const SIGNATURE = { keyId: 'k-p1', value: 'c2lnbmF0dXJlLW9mLXAx', scheme: 'tally-submission-v2' as const };

const envelope = (over: Partial<SubmissionEnvelope> = {}): SubmissionEnvelope =>
  ({
    v: SUBMISSION_ENVELOPE_VERSION,
    submissionId: SUB,
    electionId: E,
    precinctId: 'p1',
    submittedBy: 'p1',
    receivedAt: RECEIVED,
    signature: SIGNATURE,
    kind: 'turnout',
    time: '10:00',
    ballotsIssued: 120,
    version: 1,
    ...over,
  }) as SubmissionEnvelope;

const letter = (value: Buffer, offset: string): DeadLetter => ({
  source: { topic: 'tally.submissions', partition: 2, offset },
  key: 'p1',
  value,
  headers: {},
  reason: { code: 'MISDATED', message: 'receivedAt 2026-03-15T15:00:00.000Z is 1.5 s before the queue took the message' },
  deadLetteredAt: '2026-03-15T15:00:02.000Z',
});

async function until(done: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await done()) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
}

describe('SetAsideWatcher', () => {
  let store: EventStore;
  let queue: InProcessSubmissionQueue;
  let status: SubmissionStatusService;
  let watcher: SetAsideWatcher;
  const rejections = async () => (await store.readStream(streams.intakeRejections(E))).filter((e) => e.type === SET_ASIDE_TYPE);

  beforeAll(async () => {
    Logger.overrideLogger(false);
    store = await createPgliteEventStore({ pollIntervalMs: 20 });
    queue = new InProcessSubmissionQueue({ retryDelayMs: 20 });
    status = new SubmissionStatusService(store);
    status.onModuleInit();
    await status.caughtUp;
    // Only its awaited write is used here: the refusal ring, the metrics and the registry are the best-effort path's.
    const log = new IntakeRejectionLog(store, undefined as never, undefined as never, undefined as never);
    const config = { recorder: { groupId: 'tally-recorder', instanceId: 'intake-a' }, receivedAt: { maxQueueDelayMs: 300_000, maxClockSkewMs: 30_000 } } as AppConfig;
    watcher = new SetAsideWatcher(queue, config, status, log);
    watcher.onApplicationBootstrap();
  }, 60_000);

  afterAll(async () => {
    await watcher.onModuleDestroy();
    await status.onModuleDestroy();
    await queue.close();
    await store.close();
  });

  it('reads the letters in a group of its own per process', () => {
    expect(setAsideGroupId({ recorder: { groupId: 'tally-recorder', instanceId: 'intake-a' } } as AppConfig)).toBe('tally-recorder-intake-intake-a');
    const unnamed = { recorder: { groupId: 'tally-recorder', instanceId: undefined } } as AppConfig;
    expect(setAsideGroupId(unnamed)).not.toBe(setAsideGroupId(unnamed));
  });

  it('a new group starts at the letters of its process’s lifetime, less the clock skew allowed and a minute', () => {
    expect(setAsideReadFrom({ receivedAt: { maxQueueDelayMs: 300_000, maxClockSkewMs: 30_000 } }, new Date('2026-03-15T15:00:00.000Z'))).toEqual(new Date('2026-03-15T14:58:30.000Z'));
  });

  it('writes down only the attempt queued here, once, and the status says set-aside with the reason', async () => {
    status.markQueued(SUB, { electionId: E, precinctId: 'p1', receivedAt: RECEIVED, signatureTag: signatureTag(SIGNATURE.value) });
    const waiting = status.waitForOutcome(SUB, 10_000);
    await queue.deadLetters.publish([
      // Not ours: not an envelope; another submission; a copy with another receipt time; another signature.
      letter(Buffer.from('not json'), '1'),
      letter(encodeEnvelope(envelope({ submissionId: '00000000-0000-4000-8000-0000000000b2' })), '2'),
      letter(encodeEnvelope(envelope({ receivedAt: '2026-03-15T14:59:00.000Z' })), '3'),
      letter(encodeEnvelope(envelope({ signature: { ...SIGNATURE, value: 'YW5vdGhlci1zaWduYXR1cmU=' } })), '4'),
      // Ours, then the same letter delivered again.
      letter(encodeEnvelope(envelope()), '5'),
      letter(encodeEnvelope(envelope()), '5'),
    ]);
    expect(await waiting).toMatchObject({ state: 'set-aside', receivedAt: RECEIVED, eventType: SET_ASIDE_TYPE, reasons: [{ code: 'MISDATED', field: '' }] });
    expect(status.get(SUB)?.reasons?.[0].message).toMatch(/^set aside by a recorder, not recorded: receivedAt .* send the same body again to have it queued anew$/);
    await until(async () => (await queue.deadLetters.lag(setAsideGroupId({ recorder: { groupId: 'tally-recorder', instanceId: 'intake-a' } } as AppConfig))) === 0);
    const written = await rejections();
    expect(written).toHaveLength(1);
    expect(written[0].data).toEqual({
      submissionId: SUB,
      electionId: E,
      precinctId: 'p1',
      submittedBy: 'p1',
      kind: 'turnout',
      receivedAt: RECEIVED,
      code: 'MISDATED',
      reason: 'receivedAt 2026-03-15T15:00:00.000Z is 1.5 s before the queue took the message',
      deadLetter: { topic: 'tally.submissions', partition: 2, offset: '5', at: '2026-03-15T15:00:02.000Z' },
      command: {
        type: 'ReportTurnout',
        meta: { submissionId: SUB, electionId: E, precinctId: 'p1', submittedBy: 'p1', receivedAt: RECEIVED, signature: SIGNATURE },
        time: '10:00',
        ballotsIssued: 120,
        version: 1,
      },
    });
  });

  it('a retry is queued again, and what is recorded of it replaces the set-aside', async () => {
    const retried = '2026-03-15T15:05:00.000Z';
    status.markQueued(SUB, { electionId: E, precinctId: 'p1', receivedAt: retried, signatureTag: signatureTag(SIGNATURE.value) });
    expect(status.get(SUB)).toMatchObject({ state: 'queued', receivedAt: retried });
    await store.append(streams.precinct(E, 'p1'), 'no-stream', [
      {
        id: '00000000-0000-4000-8000-0000000000c3',
        type: 'TurnoutReported',
        data: { submissionId: SUB, electionId: E, precinctId: 'p1', submittedBy: 'p1', receivedAt: retried, signature: SIGNATURE, time: '10:00', ballotsIssued: 120, version: 1 },
      },
    ]);
    await until(() => status.get(SUB)?.state === 'recorded');
    expect(status.get(SUB)).toMatchObject({ state: 'recorded', receivedAt: retried, eventType: 'TurnoutReported' });
  });
});
