// Issue 4's acceptance on the embedded mode: in-process queue → recorder → PGlite, one process.
// The scenarios that apply there: 10,000 once, duplicates once, a recorder stopped in the middle
// of a batch (and an append that committed but whose offset did not) → nothing lost or doubled.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { generateSyntheticElection } from '@tally/domain';
import { withDemoKeys } from '@tally/signatures';
import type { EventStore } from '@tally/event-store';
import type { SubmissionQueue } from '@tally/intake-queue';
import { createApp } from '../../apps/tally-server/src/bootstrap';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import { EVENT_STORE, SUBMISSION_QUEUE } from '../../apps/tally-server/src/infrastructure/tokens';
import { RecorderService } from '../../apps/tally-server/src/recorder/recorder.service';
import { storeCensus, syntheticSubmissions, waitForSubmissions, type StoreCensus } from '../../apps/tally-server/src/recorder/recorder.test-helper';
import { SubmissionStatusService } from '../../apps/tally-server/src/submissions/submission-status.service';
import { recorderConfig } from '../support/recorder-process';

jest.setTimeout(180_000);

// 5,000 precincts × (list + district contest) = 10,000 protocols; turnout reports and
// corrections come on top for the later scenarios.
// Signed with the demo keys (syntheticSubmissions): the recorder verifies every envelope.
const definition = withDemoKeys(generateSyntheticElection({ seed: 404, precincts: 5000 }));
const protocols = syntheticSubmissions(definition, 10_000, { seed: 1 });
// Turnout reports come first in polling-day order: 10:00 for every precinct, then 12:00...
const extra = syntheticSubmissions(definition, 5002, { seed: 1, turnoutReportShare: 1 });

function expectEachOnce(census: StoreCensus, submissionIds: readonly string[]): void {
  const missing = submissionIds.filter((id) => !census.bySubmission.has(id));
  const doubled = [...census.bySubmission].filter(([, n]) => n !== 1);
  expect({ missing: missing.length, doubled }).toEqual({ missing: 0, doubled: [] });
}

describe('pipeline, embedded mode (in-process queue + PGlite)', () => {
  let dataDir: string;
  let app: INestApplication;
  let store: EventStore;
  let queue: SubmissionQueue;
  let recorder: RecorderService;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-pipeline-'));
    app = await createApp(recorderConfig({ TALLY_DATA_DIR: dataDir, TALLY_RECORDER_BATCH_SIZE: '500', TALLY_INSTANCE_ID: 'embedded-1' }), { logger: false });
    store = app.get(EVENT_STORE);
    queue = app.get(SUBMISSION_QUEUE);
    recorder = app.get(RecorderService);
    expect(await app.get(ElectionRegistry).define(definition)).toMatchObject({ kind: 'defined' });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('records 10,000 submissions exactly once, and their status says where', async () => {
    const started = Date.now();
    await queue.publish(protocols.map((s) => s.message));
    const census = await waitForSubmissions(store, protocols.length, 150_000);
    expectEachOnce(census, protocols.map((s) => s.submissionId));
    expect(census.byType.get('ProtocolRecorded')).toBe(10_000);
    // Timing goes to the log, not an assertion (the bench measures speed).
    console.log(`embedded: 10,000 recorded in ${Date.now() - started} ms`);

    const status = app.get(SubmissionStatusService);
    const last = protocols[protocols.length - 1];
    expect(await status.waitForOutcome(last.submissionId, 30_000)).toMatchObject({
      state: 'recorded',
      electionId: definition.id,
      precinctId: last.envelope.precinctId,
      stream: `precinct-${definition.id}.${last.envelope.precinctId}`,
      eventType: 'ProtocolRecorded',
    });
  });

  it('records a submission sent three times once', async () => {
    const [sub] = extra;
    for (let i = 0; i < 3; i++) await queue.publish([sub.message]);
    await queue.publish([extra[1].message]); // published after the copies: once it is in, so are they
    const census = await waitForSubmissions(store, protocols.length + 2, 30_000);
    expect(census.bySubmission.get(sub.submissionId)).toBe(1);
    expectEachOnce(census, [...protocols, extra[0], extra[1]].map((s) => s.submissionId));
  });

  it('loses and doubles nothing when the recorder is stopped in the middle of a batch and started again', async () => {
    const batch = extra.slice(2, 3002);
    // Hold one append open so the stop lands while a batch is in the handler.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const appendMany = store.appendMany.bind(store);
    const spy = jest.spyOn(store, 'appendMany').mockImplementationOnce(async (items) => {
      entered();
      await held;
      return appendMany(items);
    });
    await queue.publish(batch.map((s) => s.message));
    await inHandler;
    const stopping = recorder.onModuleDestroy();
    release();
    await stopping;
    spy.mockRestore();
    const partial = await storeCensus(store);
    expect(partial.bySubmission.size).toBeLessThan(protocols.length + 2 + batch.length);

    await recorder.onApplicationBootstrap();
    const census = await waitForSubmissions(store, protocols.length + 2 + batch.length, 60_000);
    expectEachOnce(census, [...protocols, ...extra.slice(0, 3002)].map((s) => s.submissionId));
  });

  it('loses and doubles nothing when an append committed but the batch failed before its offsets moved', async () => {
    const batch = extra.slice(3002, 5002);
    const appendMany = store.appendMany.bind(store);
    // The transaction commits, then the recorder "crashes" before the queue commits the offsets:
    // the same messages come again and must append nothing.
    const spy = jest.spyOn(store, 'appendMany').mockImplementationOnce(async (items) => {
      await appendMany(items);
      throw new Error('crash after commit (test)');
    });
    await queue.publish(batch.map((s) => s.message));
    const census = await waitForSubmissions(store, protocols.length + 5002, 60_000);
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
    // Let any redelivery still in flight finish before counting doubles.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expectEachOnce(await storeCensus(store), [...protocols, ...extra.slice(0, 5002)].map((s) => s.submissionId));
    expect(census.byType.get('TurnoutReported')).toBe(5002);
  });
});
