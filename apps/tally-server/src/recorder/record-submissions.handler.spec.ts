// The recorder's decision and append path against a real embedded store (PGlite, in memory):
// batches, redeliveries, conflicts with another recorder, and what cannot reach a precinct stream.
import { Logger } from '@nestjs/common';
import { generateSyntheticElection, indexElection, type ElectionIndex } from '@tally/domain';
import { createPgliteEventStore, StreamCommandHandler, streams, type EventStore } from '@tally/event-store';
import type { DeliveredMessage, OutgoingMessage } from '@tally/intake-queue';
import type { ElectionRegistry } from '../elections/election-registry.service';
import { RecordSubmissionsCommand } from './record-submissions.command';
import { RecordSubmissionsHandler } from './record-submissions.handler';
import { storeCensus, syntheticSubmissions, messageOf, type TestSubmission } from './recorder.test-helper';

const TOPIC = 'tally.submissions';

describe('RecordSubmissionsHandler', () => {
  const definition = generateSyntheticElection({ seed: 7, precincts: 12, singleMemberDistricts: 3 });
  const election = indexElection(definition);
  let store: EventStore;
  let offsets = 0;

  const registry = (known: ElectionIndex | undefined = election) => {
    const waited: string[] = [];
    const fake = {
      get: (id: string) => (known && id === known.definition.id ? known : undefined),
      waitFor: async (id: string) => {
        waited.push(id);
        return fake.get(id);
      },
    };
    return { registry: fake as unknown as ElectionRegistry, waited };
  };
  const recorder = (instanceId: string, known?: ElectionIndex) => new RecordSubmissionsHandler(new StreamCommandHandler(store), registry(known).registry, { instanceId });
  const delivered = (messages: readonly OutgoingMessage[]): DeliveredMessage[] =>
    messages.map((m) => ({ key: m.key, value: Buffer.from(m.value), offset: String(offsets++), headers: {} }));
  const batch = (messages: readonly OutgoingMessage[], partition = 0) => new RecordSubmissionsCommand(TOPIC, { partition, messages: delivered(messages) });
  const of = (subs: readonly TestSubmission[]) => subs.map((s) => s.message);

  beforeAll(async () => {
    Logger.overrideLogger(false);
    store = await createPgliteEventStore({});
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  // Each test uses its own slice of the election's submissions, so the shared store only grows.
  const all = syntheticSubmissions(definition, 12 * 2 + 12 * 6, { seed: 3, turnoutReportShare: 1 });
  const turnout = all.filter((s) => s.envelope.kind === 'turnout');
  const protocols = all.filter((s) => s.envelope.kind === 'protocol');

  it('decides several submissions for one precinct in order and appends the batch in one call', async () => {
    // Six turnout reports of p1..p2 (in time order), then their protocols: one batch.
    const precincts = new Set(['p1', 'p2']);
    const subs = [...turnout, ...protocols].filter((s) => precincts.has(s.envelope.precinctId));
    const appendMany = jest.spyOn(store, 'appendMany');
    const outcome = await recorder('r1').execute(batch(of(subs)));
    expect(appendMany).toHaveBeenCalledTimes(1);
    appendMany.mockRestore();
    expect(outcome).toEqual({ recorded: subs.length, refused: 0, unparseable: 0, skipped: 0, appends: 1 });

    const stream = await store.readStream(streams.precinct(definition.id, 'p1'));
    const p1 = subs.filter((s) => s.envelope.precinctId === 'p1');
    expect(stream.map((e) => [e.revision, (e.data as { submissionId: string }).submissionId])).toEqual(p1.map((s, i) => [BigInt(i), s.submissionId]));
    expect(stream.map((e) => e.type)).toEqual(p1.map((s) => (s.envelope.kind === 'turnout' ? 'TurnoutReported' : 'ProtocolRecorded')));
    expect(stream[0].metadata).toMatchObject({ submissionId: p1[0].submissionId, recordedBy: 'r1', correlationId: p1[0].submissionId, queue: { topic: TOPIC, partition: 0 } });
  });

  it('appends nothing for a redelivered batch, in the same recorder or in a fresh one', async () => {
    const subs = protocols.filter((s) => s.envelope.precinctId === 'p3');
    const messages = of(subs);
    const first = recorder('r1');
    expect(await first.execute(batch(messages))).toMatchObject({ recorded: subs.length, appends: 1 });
    const before = await storeCensus(store);
    expect(await first.execute(batch(messages))).toEqual({ recorded: 0, refused: 0, unparseable: 0, skipped: subs.length, appends: 0 });
    // A recorder that never saw the stream (the batch came back after a crash) reads it first.
    expect(await recorder('r2').execute(batch(messages))).toMatchObject({ recorded: 0, skipped: subs.length, appends: 0 });
    expect((await storeCensus(store)).total).toBe(before.total);
  });

  it('records a submission sent three times, within a batch and across batches, once', async () => {
    const [sub] = protocols.filter((s) => s.envelope.precinctId === 'p4');
    const r = recorder('r1');
    expect(await r.execute(batch([sub.message, sub.message]))).toMatchObject({ recorded: 1, skipped: 1 });
    expect(await r.execute(batch([sub.message]))).toMatchObject({ recorded: 0, skipped: 1 });
    expect((await storeCensus(store)).bySubmission.get(sub.submissionId)).toBe(1);
  });

  it('re-decides the batch when another recorder appended to its stream meanwhile', async () => {
    const p5 = [...turnout, ...protocols].filter((s) => s.envelope.precinctId === 'p5');
    const a = recorder('a');
    const b = recorder('b');
    await a.execute(batch([p5[0].message])); // a caches p5 at revision 0
    await b.execute(batch([p5[1].message])); // b moves p5 to revision 1 behind a's back
    // a's cached revision is stale: the append conflicts, a drops its cache, reads and retries.
    expect(await a.execute(batch([p5[2].message, p5[1].message]))).toEqual({ recorded: 1, refused: 0, unparseable: 0, skipped: 1, appends: 2 });
    const stream = await store.readStream(streams.precinct(definition.id, 'p5'));
    expect(stream.map((e) => (e.data as { submissionId: string }).submissionId)).toEqual([p5[0], p5[1], p5[2]].map((s) => s.submissionId));
    expect(stream.map((e) => e.metadata.recordedBy)).toEqual(['a', 'b', 'a']);
  });

  it('records what the decider refuses in the precinct stream, as a refusal', async () => {
    const [sub] = protocols.filter((s) => s.envelope.precinctId === 'p6');
    const second = { ...sub.envelope, submissionId: '6f1d0a57-8d43-4c55-9d59-3d1b8c3a0c01' };
    const outcome = await recorder('r1').execute(batch([sub.message, messageOf(second)]));
    expect(outcome).toMatchObject({ recorded: 1, refused: 1 });
    const stream = await store.readStream(streams.precinct(definition.id, 'p6'));
    expect(stream[1].type).toBe('SubmissionRefused');
    expect((stream[1].data as { reasons: { code: string }[] }).reasons.map((r) => r.code)).toEqual(['ALREADY_RECORDED']);
  });

  it('keeps an unparseable message with its raw bytes, partition, offset and reason, once', async () => {
    const raw = Buffer.from('{"submissionId":"not-an-envelope","electionId":"' + definition.id + '"');
    const garbage = Buffer.from([0xff, 0x00, 0x7b]);
    const messages = delivered([
      { key: 'p7', value: raw },
      { key: 'p7', value: garbage },
    ]);
    const r = recorder('r1');
    const command = new RecordSubmissionsCommand(TOPIC, { partition: 2, messages });
    expect(await r.execute(command)).toMatchObject({ unparseable: 2, recorded: 0 });
    expect(await recorder('r2').execute(command)).toMatchObject({ unparseable: 0, skipped: 2 });

    // Neither is JSON, so nothing names an election: both go to `unknown`, in queue order.
    const unknown = await store.readStream(streams.intakeRejections('unknown'));
    expect(unknown.map((e) => e.type)).toEqual(['UnparseableSubmission', 'UnparseableSubmission']);
    expect(unknown.map((e) => Buffer.from((e.data as { raw: string }).raw, 'base64'))).toEqual([raw, garbage]);
    expect(unknown[1].data).toMatchObject({ key: 'p7', topic: TOPIC, partition: 2, offset: messages[1].offset, reason: expect.stringMatching(/^not JSON/) });
  });

  it('keeps an envelope the store could not hold (a NUL, an unpaired surrogate) as unparseable, not as a poison batch', async () => {
    const [sub] = protocols.filter((s) => s.envelope.precinctId === 'p10');
    const nul = Buffer.from(JSON.stringify({ ...sub.envelope, submittedBy: 'p10\u0000' }));
    const surrogate = Buffer.from(JSON.stringify({ ...sub.envelope, submissionId: '1e3c3a2e-8f0b-4a7e-9d1c-2b3a4c5d6e7f', submittedBy: '\ud800' }));
    expect(await recorder('r1').execute(batch([{ key: 'p10', value: nul }, { key: 'p10', value: surrogate }]))).toMatchObject({ unparseable: 2, recorded: 0 });
    const kept = await store.readStream(streams.intakeRejections(definition.id));
    expect(kept.slice(-2).map((e) => Buffer.from((e.data as { raw: string }).raw, 'base64'))).toEqual([nul, surrogate]);
  });

  it('keeps a well-formed JSON message that is not an envelope under its election, with its submission id', async () => {
    const value = Buffer.from(JSON.stringify({ v: 1, submissionId: 'sub-x', electionId: definition.id, kind: 'protocol' }));
    expect(await recorder('r1').execute(batch([{ key: 'p8', value }]))).toMatchObject({ unparseable: 1 });
    const kept = (await store.readStream(streams.intakeRejections(definition.id))).at(-1)!;
    expect(kept.data).toMatchObject({ submissionId: 'sub-x', electionId: definition.id, reason: expect.stringContaining('submissionId') });
    expect(kept.metadata).toMatchObject({ submissionId: 'sub-x' });
  });

  it('waits for an unknown election, then refuses its submissions as UNKNOWN_ELECTION in its rejections stream', async () => {
    const other = generateSyntheticElection({ seed: 99, precincts: 3, singleMemberDistricts: 1 });
    const [sub] = syntheticSubmissions(other, 1);
    const { registry: fake, waited } = registry();
    const r = new RecordSubmissionsHandler(new StreamCommandHandler(store), fake, { instanceId: 'r1' });
    expect(await r.execute(batch([sub.message]))).toMatchObject({ refused: 1 });
    expect(waited).toEqual([other.id]);
    const [refusal] = await store.readStream(streams.intakeRejections(other.id));
    expect(refusal.type).toBe('SubmissionRefused');
    expect(refusal.data).toMatchObject({ submissionId: sub.submissionId, kind: 'protocol', reasons: [{ code: 'UNKNOWN_ELECTION' }] });
    // Sent again: already refused, nothing new.
    expect(await r.execute(batch([sub.message]))).toMatchObject({ refused: 0, skipped: 1 });
  });

  it('refuses a precinct the election does not have without creating a stream for it', async () => {
    const [sub] = protocols;
    const stray = { ...sub.envelope, submissionId: '0b0c5e7e-2a57-4b5e-a2a4-7d7b8e9f0a11', precinctId: 'p999', submittedBy: 'p999' };
    expect(await recorder('r1').execute(batch([messageOf(stray)]))).toMatchObject({ refused: 1 });
    expect(await store.readStream(streams.precinct(definition.id, 'p999'))).toEqual([]);
    const rejections = await store.readStream(streams.intakeRejections(definition.id));
    expect(rejections.at(-1)?.data).toMatchObject({ submissionId: stray.submissionId, reasons: [{ code: 'UNKNOWN_PRECINCT' }] });
  });

  it('skips, with a warning, a record of its precinct stream the domain codec cannot decode', async () => {
    const [sub] = protocols.filter((s) => s.envelope.precinctId === 'p11');
    const stream = streams.precinct(definition.id, 'p11');
    await store.append(stream, 'no-stream', [
      { id: '5d7c1a0e-0b6e-4c55-8d2a-7e3f9b1c2d4e', type: 'ProtocolRecorded', data: { submissionId: 42 } },
      { id: '6e8d2b1f-1c7f-4d66-9e3b-8f4a0c2d3e5f', type: 'SomethingNew', data: {} },
    ]);
    const warn = jest.spyOn(Logger.prototype, 'warn');
    expect(await recorder('r1').execute(batch([sub.message]))).toMatchObject({ recorded: 1, appends: 1 });
    expect(warn.mock.calls.map(([m]) => String(m))).toEqual([
      expect.stringMatching(/^malformed ProtocolRecorded .* in precinct-.*\.p11 at revision 0; ignored by the recorder$/),
      `unknown event type SomethingNew in ${stream} at revision 1; ignored by the recorder`,
    ]);
    warn.mockRestore();
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['ProtocolRecorded', 'SomethingNew', 'ProtocolRecorded']);
  });

  it('takes the correlation id from the message header when the producer set one', async () => {
    const [sub] = protocols.filter((s) => s.envelope.precinctId === 'p9');
    const message: DeliveredMessage = { key: 'p9', value: Buffer.from(sub.message.value), offset: String(offsets++), headers: { 'correlation-id': Buffer.from('req-42') } };
    await recorder('r1').execute(new RecordSubmissionsCommand(TOPIC, { partition: 1, messages: [message] }));
    const [event] = await store.readStream(streams.precinct(definition.id, 'p9'));
    expect(event.metadata).toMatchObject({ correlationId: 'req-42', queue: { partition: 1, offset: message.offset } });
  });
});
