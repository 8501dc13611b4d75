// The recorder's path against a real embedded store (PGlite, in memory): batches, redeliveries,
// conflicts with another recorder, and everything it must not trust — unsigned or forged
// envelopes, bytes it cannot decode or store, elections it does not know — which go to the
// dead-letter topic (a fake here: the letters it was given) and never into the store.
import { Logger } from '@nestjs/common';
import { generateSyntheticElection, indexElection, type ElectionIndex } from '@tally/domain';
import { createPgliteEventStore, StreamCommandHandler, streams, type EventStore, type StreamAppend } from '@tally/event-store';
import { MAX_ENVELOPE_BYTES, type DeadLetter, type DeliveredMessage, type OutgoingMessage, type SubmissionEnvelope } from '@tally/intake-queue';
import { withDemoKeys } from '@tally/signatures';
import type { ElectionRegistry } from '../elections/election-registry.service';
import { RecordSubmissionsCommand } from './record-submissions.command';
import { SignatureChecks } from '../infrastructure/signature-checks';
import { ElectionNotKnownYetError, RecordSubmissionsHandler } from './record-submissions.handler';
import type { RecorderPolicy } from './recorder-policy';
import { storeCensus, syntheticSubmissions, messageOf, signedWithDemoKey, type TestSubmission } from './recorder.test-helper';

const TOPIC = 'tally.submissions';
const BOUND = { maxQueueDelayMs: 300_000, maxClockSkewMs: 60_000 };

describe('RecordSubmissionsHandler', () => {
  const definition = withDemoKeys(generateSyntheticElection({ seed: 7, precincts: 12, singleMemberDistricts: 3 }));
  const election = indexElection(definition);
  let store: EventStore;
  let offsets = 0;

  /** A registry that knows `known`; waitFor moves the fake clock by its timeout (the wait, without sleeping). */
  const fakeRegistry = (clock: { now: number }, known: ElectionIndex[] = [election]) => {
    const waits: [string, number][] = [];
    const registry = {
      known,
      get: (id: string) => registry.known.find((e) => e.definition.id === id),
      waitFor: async (id: string, ms: number) => {
        waits.push([id, ms]);
        clock.now += ms;
        return registry.get(id);
      },
      // Live elections with nothing certified: test mode and certification have specs of their own.
      inTestMode: () => false,
      certifiedBodies: () => new Set<string>(),
    };
    return { registry, waits };
  };

  /** A recorder with its own fake clock, registry and dead-letter topic. */
  const recorder = (instanceId = 'r1', options: { known?: ElectionIndex[]; policy?: Partial<RecorderPolicy>; signatures?: SignatureChecks } = {}) => {
    const clock = { now: Date.parse('2026-03-15T16:00:00.000Z') };
    const { registry, waits } = fakeRegistry(clock, options.known);
    const letters: DeadLetter[] = [];
    const deadLetters = {
      // Resolves a turn later: the handler must await it before it resolves.
      publish: async (batch: readonly DeadLetter[]) => {
        await new Promise((resolve) => setImmediate(resolve));
        letters.push(...batch);
      },
    };
    const policy: RecorderPolicy = { electionWaitMs: 60_000, electionRetryMs: 1000, now: () => clock.now, receivedAt: BOUND, ...options.policy };
    const handler = new RecordSubmissionsHandler(new StreamCommandHandler(store), store, registry as unknown as ElectionRegistry, { deadLetters } as never, { instanceId }, policy, options.signatures ?? SignatureChecks.inline());
    return { handler, letters, waits, clock, registry };
  };
  const delivered = (messages: readonly OutgoingMessage[]): DeliveredMessage[] =>
    messages.map((m) => ({ key: m.key, value: Buffer.from(m.value), offset: String(offsets++), headers: {} }));
  const batch = (messages: readonly OutgoingMessage[], partition = 0) => new RecordSubmissionsCommand(TOPIC, { partition, messages: delivered(messages) });
  const of = (subs: readonly TestSubmission[]) => subs.map((s) => s.message);
  const raw = (value: Buffer | string, key = 'p0'): OutgoingMessage => ({ key, value });
  /** The letters as (code, original bytes, source offset), to compare with what was delivered. */
  const lettersOf = (letters: readonly DeadLetter[]) => letters.map((l) => ({ code: l.reason.code, value: l.value, offset: l.source.offset }));

  beforeAll(async () => {
    Logger.overrideLogger(false);
    store = await createPgliteEventStore({});
  }, 60_000);
  // The checks on a worker thread, as a service runs them (the rest of the spec checks inline).
  const threads = new SignatureChecks({ signatureThreads: 1 });
  afterAll(async () => {
    await threads.onApplicationShutdown();
    await store.close();
  });
  afterEach(() => jest.restoreAllMocks());

  // Each test uses its own slice of the election's submissions, so the shared store only grows.
  const all = syntheticSubmissions(definition, 12 * 2 + 12 * 6, { seed: 3, turnoutReportShare: 1 });
  const turnout = all.filter((s) => s.envelope.kind === 'turnout');
  const protocols = all.filter((s) => s.envelope.kind === 'protocol');
  const protocolOf = (precinctId: string) => protocols.find((s) => s.envelope.precinctId === precinctId)!;

  it('decides several submissions for one precinct in order and appends the batch in one call', async () => {
    // Six turnout reports of p1..p2 (in time order), then their protocols: one batch.
    const precincts = new Set(['p1', 'p2']);
    const subs = [...turnout, ...protocols].filter((s) => precincts.has(s.envelope.precinctId));
    const appendMany = jest.spyOn(store, 'appendMany');
    const outcome = await recorder().handler.execute(batch(of(subs)));
    expect(appendMany).toHaveBeenCalledTimes(1);
    expect(outcome).toEqual({ recorded: subs.length, refused: 0, skipped: 0, deadLettered: {}, appends: 1 });

    const stream = await store.readStream(streams.precinct(definition.id, 'p1'));
    const p1 = subs.filter((s) => s.envelope.precinctId === 'p1');
    expect(stream.map((e) => [e.revision, (e.data as { submissionId: string }).submissionId])).toEqual(p1.map((s, i) => [BigInt(i), s.submissionId]));
    expect(stream.map((e) => e.type)).toEqual(p1.map((s) => (s.envelope.kind === 'turnout' ? 'TurnoutReported' : 'ProtocolRecorded')));
    expect(stream[0].metadata).toMatchObject({ submissionId: p1[0].submissionId, recordedBy: 'r1', correlationId: p1[0].submissionId, queue: { topic: TOPIC, partition: 0 } });
    expect(stream[0].data).toMatchObject({ submittedBy: 'p1', signature: p1[0].envelope.signature });
  });

  it('appends nothing for a redelivered batch, in the same recorder or in a fresh one', async () => {
    const subs = protocols.filter((s) => s.envelope.precinctId === 'p3');
    const messages = of(subs);
    const first = recorder();
    expect(await first.handler.execute(batch(messages))).toMatchObject({ recorded: subs.length, appends: 1 });
    const before = await storeCensus(store);
    expect(await first.handler.execute(batch(messages))).toEqual({ recorded: 0, refused: 0, skipped: subs.length, deadLettered: {}, appends: 0 });
    // A recorder that never saw the stream (the batch came back after a crash) reads it first.
    expect(await recorder('r2').handler.execute(batch(messages))).toMatchObject({ recorded: 0, skipped: subs.length, appends: 0 });
    expect((await storeCensus(store)).total).toBe(before.total);
  });

  it('records a submission sent three times, within a batch and across batches, once', async () => {
    const sub = protocolOf('p4');
    const { handler } = recorder();
    expect(await handler.execute(batch([sub.message, sub.message]))).toMatchObject({ recorded: 1, skipped: 1 });
    expect(await handler.execute(batch([sub.message]))).toMatchObject({ recorded: 0, skipped: 1 });
    expect((await storeCensus(store)).bySubmission.get(sub.submissionId)).toBe(1);
  });

  it('re-decides the batch when another recorder appended to its stream meanwhile', async () => {
    const p5 = [...turnout, ...protocols].filter((s) => s.envelope.precinctId === 'p5');
    const a = recorder('a').handler;
    const b = recorder('b').handler;
    await a.execute(batch([p5[0].message])); // a caches p5 at revision 0
    await b.execute(batch([p5[1].message])); // b moves p5 to revision 1 behind a's back
    // a's cached revision is stale: the append conflicts, a drops its cache, reads and retries.
    expect(await a.execute(batch([p5[2].message, p5[1].message]))).toEqual({ recorded: 1, refused: 0, skipped: 1, deadLettered: {}, appends: 2 });
    const stream = await store.readStream(streams.precinct(definition.id, 'p5'));
    expect(stream.map((e) => (e.data as { submissionId: string }).submissionId)).toEqual([p5[0], p5[1], p5[2]].map((s) => s.submissionId));
    expect(stream.map((e) => e.metadata.recordedBy)).toEqual(['a', 'b', 'a']);
  });

  it('keeps as many precinct states as its policy says: with none kept, every batch reads its streams again', async () => {
    // p11's turnout reports, in time order (no other test uses them).
    const p11 = turnout.filter((s) => s.envelope.precinctId === 'p11');
    const name = streams.precinct(definition.id, 'p11');
    const readStreams = jest.spyOn(store, 'readStreams');
    const reads = () => readStreams.mock.calls.flatMap(([names]) => names).filter((n) => n === name).length;
    try {
      const kept = recorder('r1').handler;
      await kept.execute(batch([p11[0].message]));
      await kept.execute(batch([p11[1].message]));
      // Read once, for the first batch; the second decided on the state it kept.
      expect(reads()).toBe(1);
      const none = recorder('r2', { policy: { cachedStreams: 0 } }).handler;
      await none.execute(batch([p11[2].message]));
      await none.execute(batch([p11[3].message]));
      expect(reads()).toBe(3);
    } finally {
      readStreams.mockRestore();
    }
    const stream = await store.readStream(name);
    expect(stream.map((e) => (e.data as { submissionId: string }).submissionId)).toEqual(p11.slice(0, 4).map((s) => s.submissionId));
  });

  it('records what the decider refuses of a verified submission in the precinct stream, as a refusal', async () => {
    const sub = protocolOf('p6');
    // The same signed body under another submission id: a replay of the recorded one (the decider
    // names it REPLAYED; a different second protocol would be ALREADY_RECORDED).
    const second = { ...sub.envelope, submissionId: '6f1d0a57-8d43-4c55-9d59-3d1b8c3a0c01' };
    const outcome = await recorder().handler.execute(batch([sub.message, messageOf(second)]));
    expect(outcome).toMatchObject({ recorded: 1, refused: 1 });
    const stream = await store.readStream(streams.precinct(definition.id, 'p6'));
    expect(stream[1].type).toBe('SubmissionRefused');
    expect((stream[1].data as { reasons: { code: string }[] }).reasons.map((r) => r.code)).toEqual(['REPLAYED']);
  });

  describe('trusts no envelope: what does not verify is dead-lettered, never recorded', () => {
    it.each([
      // p7's two contests: one protocol each.
      ['inline', 0, () => SignatureChecks.inline()],
      ['on a signature thread', 1, () => threads],
    ])('an unsigned envelope, a forged submittedBy, a changed count, an unknown key, a malformed protocol: UNVERIFIED, with the reason (checked %s)', async (_how, contest, signatures) => {
      const sub = protocols.filter((s) => s.envelope.precinctId === 'p7')[contest];
      const envelope = sub.envelope as Extract<SubmissionEnvelope, { kind: 'protocol' }>;
      const protocol = envelope.protocol as { invalid: number };
      const bad: [SubmissionEnvelope, RegExp][] = [
        [{ ...envelope, signature: null }, /^signature: a submission carries its commission's Ed25519 signature/],
        // p7's own signature, but the envelope says p8 sent it: the key decides.
        [{ ...envelope, submittedBy: 'p8' }, /^signature\.keyId: the signature is by p7's key demo-p7, not by a key of p8/],
        [{ ...envelope, protocol: { ...protocol, invalid: protocol.invalid + 1 } }, /^signature\.value: the signature does not verify under key demo-p7/],
        [{ ...envelope, signature: { ...envelope.signature!, keyId: 'stolen-laptop' } }, /^signature\.keyId: no commission p7 of election .* has a key stolen-laptop/],
        [{ ...envelope, protocol: { contestId: 'nothing else' } }, /^protocol: the protocol is malformed/],
      ];
      const messages = bad.map(([e], i) => messageOf({ ...e, submissionId: `0b0c5e7e-2a57-4b5e-a2a4-7d7b8e9f0a${contest}${i}` }));
      const before = await storeCensus(store);
      const r = recorder('r1', { signatures: signatures() });
      const command = batch([...messages, sub.message]);
      const outcome = await r.handler.execute(command);
      expect(outcome).toEqual({ recorded: 1, refused: 0, skipped: 0, deadLettered: { UNVERIFIED: bad.length }, appends: 1 });
      expect(lettersOf(r.letters)).toEqual(command.batch.messages.slice(0, bad.length).map((m) => ({ code: 'UNVERIFIED', value: m.value, offset: m.offset })));
      r.letters.forEach((letter, i) => expect(letter.reason.message).toMatch(bad[i][1]));
      expect(r.letters[0]).toMatchObject({ source: { topic: TOPIC, partition: 0 }, key: 'p7', deadLetteredAt: '2026-03-15T16:00:00.000Z' });
      // Only the good one is in the store: no counts and no refusal event from the others.
      const after = await storeCensus(store);
      expect(after.total - before.total).toBe(1);
      expect(after.bySubmission.get(sub.submissionId)).toBe(1);
    });

    it('bytes that are not an envelope: not UTF-8, not JSON, not the schema (UNDECODABLE); more than an envelope may have (TOO_LARGE)', async () => {
      const sub = protocolOf('p8');
      const notUtf8 = Buffer.concat([sub.message.value as Buffer].map((b) => Buffer.from(b.toString('utf8').replace('"p8"', '"p\u00ff8"'), 'latin1')));
      const huge = Buffer.concat([Buffer.from('{"pad":"'), Buffer.alloc(MAX_ENVELOPE_BYTES, 'x'), Buffer.from('"}')]);
      const messages = [raw(notUtf8), raw('{"submissionId":"not-an-envelope"'), raw(JSON.stringify({ v: 1, submissionId: 'sub-x', electionId: definition.id, kind: 'protocol' })), raw(huge)];
      const r = recorder();
      const command = batch([...messages, sub.message]);
      expect(await r.handler.execute(command)).toMatchObject({ recorded: 1, deadLettered: { UNDECODABLE: 3, TOO_LARGE: 1 } });
      expect(lettersOf(r.letters)).toEqual(
        ['UNDECODABLE', 'UNDECODABLE', 'UNDECODABLE', 'TOO_LARGE'].map((code, i) => ({ code, value: command.batch.messages[i].value, offset: command.batch.messages[i].offset })),
      );
      expect(r.letters.map((l) => l.reason.message)).toEqual(['not UTF-8', expect.stringMatching(/^not JSON/), expect.stringContaining('submissionId'), expect.stringContaining(`at most ${MAX_ENVELOPE_BYTES}`)]);
      // Nothing of them is history any more (recorders before wrote them to intake-rejections).
      expect(await store.readStream(streams.intakeRejections('unknown'))).toEqual([]);
    });

    it('an envelope the store could not keep (1e999, NUL, an unpaired surrogate) is UNSTORABLE, and the rest of its batch is recorded', async () => {
      const sub = protocolOf('p9');
      const text = (sub.message.value as Buffer).toString('utf8');
      const infinite = text.replace(/"invalid":\d+/, '"invalid":1e999');
      const nul = JSON.stringify({ ...sub.envelope, submissionId: '1e3c3a2e-8f0b-4a7e-9d1c-2b3a4c5d6e70', reason: undefined, precinctId: 'p9\u0000' });
      const surrogate = JSON.stringify({ ...sub.envelope, submissionId: '1e3c3a2e-8f0b-4a7e-9d1c-2b3a4c5d6e71', submittedBy: '\ud800' });
      expect(infinite).not.toBe(text);
      const r = recorder();
      const appendMany = jest.spyOn(store, 'appendMany');
      expect(await r.handler.execute(batch([raw(infinite, 'p9'), raw(nul, 'p9'), raw(surrogate, 'p9'), sub.message]))).toMatchObject({
        recorded: 1,
        deadLettered: { UNSTORABLE: 3 },
        appends: 1,
      });
      expect(appendMany).toHaveBeenCalledTimes(1);
      expect(r.letters.map((l) => l.reason.message)).toEqual([
        'envelope.protocol.invalid is Infinity, which JSON cannot hold',
        'envelope.precinctId holds a NUL character, which the store cannot keep',
        'envelope.submittedBy holds an unpaired surrogate, which the store cannot keep',
      ]);
      expect(r.letters.map((l) => l.value.toString('utf8'))).toEqual([infinite, nul, surrogate]);
    });

    it('a receivedAt the queue’s clock contradicts, earlier than intake ever takes to publish or later than the queue took it, is MISDATED; within the bound it is recorded, the append time beside it', async () => {
      // p5's two contests: one protocol each.
      const [sub, other] = protocols.filter((s) => s.envelope.precinctId === 'p5');
      const received = Date.parse(sub.envelope.receivedAt);
      const at = (ms: number) => new Date(ms).toISOString();
      const latest = BOUND.maxQueueDelayMs + BOUND.maxClockSkewMs;
      const copy = (receivedAt: string, n: number) => ({ ...sub.envelope, submissionId: `5e1d0a7e-0000-4000-8000-00000000000${n}`, receivedAt });
      const message = (envelope: SubmissionEnvelope, appendedAt: string | undefined): DeliveredMessage => ({
        ...delivered([messageOf(envelope)])[0],
        ...(appendedAt === undefined ? {} : { appendedAt }),
      });
      const messages = [
        // Backdated: received 6 min 1 s before the broker appended it (a topic writer's instant).
        message(copy(at(received - latest - 1000), 1), at(received)),
        // Received 61 s after the broker appended it: past the skew.
        message(copy(at(received + BOUND.maxClockSkewMs + 1000), 2), at(received)),
        // At the bound: intake's longest publish on clocks at their furthest apart.
        message(sub.envelope, at(received + latest)),
        // A queue that does not say when it took it (a Kafka topic on CreateTime): nothing to check.
        message(other.envelope, undefined),
      ];
      const r = recorder();
      const outcome = await r.handler.execute(new RecordSubmissionsCommand(TOPIC, { partition: 0, messages }));
      expect(outcome).toMatchObject({ recorded: 2, deadLettered: { MISDATED: 2 } });
      expect(lettersOf(r.letters)).toEqual(messages.slice(0, 2).map((m) => ({ code: 'MISDATED', value: m.value, offset: m.offset })));
      expect(r.letters[0].reason.message).toBe(
        `receivedAt ${at(received - latest - 1000)} is 361 s before the queue took the message (${at(received)}); intake publishes within 300 s of receiving, clocks within 60 s: a receipt time is not a topic writer's to choose`,
      );
      expect(r.letters[1].reason.message).toMatch(/is 61 s after the queue took the message .* past the 60 s the clocks may disagree/);
      const stream = await store.readStream(streams.precinct(definition.id, 'p5'));
      const eventOf = (submissionId: string) => stream.find((e) => e.metadata.submissionId === submissionId)!;
      const [recorded, unanchored] = [eventOf(sub.submissionId), eventOf(other.submissionId)];
      expect(stream.filter((e) => e.type === 'ProtocolRecorded')).toHaveLength(2); // the backdated copies are not
      expect(recorded.metadata).toMatchObject({ submissionId: sub.submissionId, queue: { topic: TOPIC, appendedAt: at(received + latest) } });
      expect(unanchored.metadata).toMatchObject({ submissionId: other.submissionId });
      expect(unanchored.metadata.queue).not.toHaveProperty('appendedAt');
    });

    it('keeps a verified submission for a precinct the election does not have as a refusal, without a stream for it', async () => {
      const sub = protocolOf('p10');
      // Signed by p10's own key, for a precinct that does not exist: the decider's UNKNOWN_PRECINCT.
      const stray = signedWithDemoKey({ ...sub.envelope, submissionId: '0b0c5e7e-2a57-4b5e-a2a4-7d7b8e9f0a11', precinctId: 'p999' });
      expect(await recorder().handler.execute(batch([messageOf(stray)]))).toMatchObject({ refused: 1, deadLettered: {} });
      expect(await store.readStream(streams.precinct(definition.id, 'p999'))).toEqual([]);
      const rejections = await store.readStream(streams.intakeRejections(definition.id));
      expect(rejections.at(-1)?.data).toMatchObject({ submissionId: stray.submissionId, submittedBy: 'p10', reasons: [{ code: 'UNKNOWN_PRECINCT' }] });
    });
  });

  describe('an election the recorder does not know', () => {
    const other = withDemoKeys(generateSyntheticElection({ seed: 99, precincts: 3, singleMemberDistricts: 1 }));
    const [late, alsoLate] = syntheticSubmissions(other, 2);

    it('is waited for in doubling steps, one per delivery, the rest of the batch recorded meanwhile; then its submissions are recorded', async () => {
      const mine = protocolOf('p11');
      const r = recorder('r1', { policy: { electionWaitMs: 60_000, electionRetryMs: 1000 } });
      const command = batch([late.message, mine.message]);
      await expect(r.handler.execute(command)).rejects.toBeInstanceOf(ElectionNotKnownYetError);
      // The known election's submission did not wait for the batch to resolve.
      expect((await storeCensus(store)).bySubmission.get(mine.submissionId)).toBe(1);
      await expect(r.handler.execute(command)).rejects.toThrow(`waiting for election ${other.id}`);
      expect(r.waits).toEqual([
        [other.id, 1000],
        [other.id, 2000],
      ]);
      expect(r.letters).toEqual([]);
      // Defined meanwhile (by another process): the next delivery records it, and skips the rest.
      r.registry.known = [election, indexElection(other)];
      expect(await r.handler.execute(command)).toEqual({ recorded: 1, refused: 0, skipped: 1, deadLettered: {}, appends: 1 });
      expect((await store.readStream(streams.precinct(other.id, late.envelope.precinctId))).map((e) => e.type)).toEqual(['ProtocolRecorded']);
    });

    it('is dead-lettered as UNKNOWN_ELECTION once the wait is over, and a burst for it waits only once', async () => {
      const stranger = generateSyntheticElection({ seed: 98, precincts: 3, singleMemberDistricts: 1 });
      const [first, second] = syntheticSubmissions(stranger, 2);
      const r = recorder('r1', { policy: { electionWaitMs: 7000, electionRetryMs: 1000 } });
      const command = batch([first.message]);
      for (let delivery = 0; delivery < 2; delivery++) await expect(r.handler.execute(command)).rejects.toBeInstanceOf(ElectionNotKnownYetError);
      // Steps 1 s, 2 s, then the 4 s left: the wait is over within this delivery.
      expect(await r.handler.execute(command)).toMatchObject({ deadLettered: { UNKNOWN_ELECTION: 1 } });
      expect(r.waits.map(([, ms]) => ms)).toEqual([1000, 2000, 4000]);
      expect(lettersOf(r.letters)).toEqual([{ code: 'UNKNOWN_ELECTION', value: command.batch.messages[0].value, offset: command.batch.messages[0].offset }]);
      expect(r.letters[0].reason.message).toBe(`no election ${stranger.id} is defined here (waited up to 7000 ms for it)`);
      // The next one for it, soon after, does not wait again.
      expect(await r.handler.execute(batch([second.message]))).toMatchObject({ deadLettered: { UNKNOWN_ELECTION: 1 } });
      expect(r.waits).toHaveLength(3);
      expect(await store.readStream(streams.intakeRejections(stranger.id))).toEqual([]);
    });

    it('is not waited for when no election can have its id', async () => {
      const r = recorder();
      const envelope = { ...alsoLate.envelope, electionId: 'no such/election' };
      expect(await r.handler.execute(batch([messageOf(envelope)]))).toMatchObject({ deadLettered: { UNKNOWN_ELECTION: 1 } });
      expect(r.waits).toEqual([]);
    });
  });

  describe('a batch whose transaction fails for another reason than a conflict', () => {
    it('finds the message the store refuses by halving the batch, dead-letters it (UNSTORABLE) and records the rest', async () => {
      const subs = turnout.filter((s) => s.envelope.precinctId === 'p12').slice(0, 6);
      const culprit = subs[3];
      const appendMany = store.appendMany.bind(store);
      // The store refuses any transaction holding the culprit's event, and only those.
      const spy = jest.spyOn(store, 'appendMany').mockImplementation(async (items: readonly StreamAppend[]) => {
        if (items.some((i) => i.events.some((e) => e.data.submissionId === culprit.submissionId))) throw new Error('index row size exceeds maximum');
        return appendMany(items);
      });
      const r = recorder();
      const command = batch(of(subs));
      expect(await r.handler.execute(command)).toMatchObject({ recorded: 5, deadLettered: { UNSTORABLE: 1 } });
      expect(lettersOf(r.letters)).toEqual([{ code: 'UNSTORABLE', value: command.batch.messages[3].value, offset: command.batch.messages[3].offset }]);
      expect(r.letters[0].reason.message).toBe('its write failed twice, alone, while the store answered: index row size exceeds maximum');
      expect(spy.mock.calls.length).toBeGreaterThan(2);
      const stream = await store.readStream(streams.precinct(definition.id, 'p12'));
      expect(stream.map((e) => e.data.submissionId)).toEqual(subs.filter((s) => s !== culprit).map((s) => s.submissionId));
    });

    it('throws, dead-lettering nothing, when the store itself is down', async () => {
      const sub = protocolOf('p12');
      jest.spyOn(store, 'appendMany').mockRejectedValue(new Error('connection refused'));
      jest.spyOn(store, 'readStream').mockRejectedValue(new Error('connection refused'));
      const r = recorder('fresh');
      await expect(r.handler.execute(batch([sub.message, raw('not json')]))).rejects.toThrow('connection refused');
      expect(r.letters).toEqual([]);
    });
  });

  it('skips, with a warning, a record of its precinct stream the domain codec cannot decode', async () => {
    const sub = protocols.filter((s) => s.envelope.precinctId === 'p11')[1];
    const stream = streams.precinct(definition.id, 'p11');
    const revision = BigInt((await store.readStream(stream)).length - 1);
    await store.append(stream, revision, [
      { id: '5d7c1a0e-0b6e-4c55-8d2a-7e3f9b1c2d4e', type: 'ProtocolRecorded', data: { submissionId: 42 } },
      { id: '6e8d2b1f-1c7f-4d66-9e3b-8f4a0c2d3e5f', type: 'SomethingNew', data: {} },
    ]);
    const warn = jest.spyOn(Logger.prototype, 'warn');
    expect(await recorder('r3').handler.execute(batch([sub.message]))).toMatchObject({ recorded: 1, appends: 1 });
    expect(warn.mock.calls.map(([m]) => String(m))).toEqual([
      expect.stringMatching(new RegExp(`^malformed ProtocolRecorded .* in precinct-.*\\.p11 at revision ${revision + 1n}; ignored by the recorder$`)),
      `unknown event type SomethingNew in ${stream} at revision ${revision + 2n}; ignored by the recorder`,
    ]);
    expect((await store.readStream(stream)).map((e) => e.type).slice(-3)).toEqual(['ProtocolRecorded', 'SomethingNew', 'ProtocolRecorded']);
  });

  it('takes the correlation id from the message header when the producer set one it can keep', async () => {
    const [withHeader, badHeader] = protocols.filter((s) => s.envelope.precinctId === 'p12');
    const message = (sub: TestSubmission, header: Buffer): DeliveredMessage => ({
      key: 'p12',
      value: Buffer.from(sub.message.value),
      offset: String(offsets++),
      headers: { 'correlation-id': header },
    });
    const messages = [message(withHeader, Buffer.from('req-42')), message(badHeader, Buffer.from([0x72, 0x00, 0xff]))];
    await recorder().handler.execute(new RecordSubmissionsCommand(TOPIC, { partition: 1, messages }));
    const events = (await store.readStream(streams.precinct(definition.id, 'p12'))).slice(-2);
    expect(events[0].metadata).toMatchObject({ correlationId: 'req-42', queue: { partition: 1, offset: messages[0].offset } });
    expect(events[1].metadata).toMatchObject({ correlationId: badHeader.submissionId });
  });
});
