// The audit library on a synthetic election with corrections and turnout, recorded into an
// embedded (PGlite, in memory) store as the service records it: signed, decided, hash-chained.
import { decidePrecinct, decodePrecinctEvent, evolvePrecinct, generateSyntheticElection, indexElection, initialPrecinctState, type ElectionDefinition, type PrecinctCommand, type PrecinctEvent, type Protocol, type TurnoutReported } from '@tally/domain';
import { createPgliteEventStore, eventToAppend, streams, type EventStore, type JsonObject, type RecordedEvent } from '@tally/event-store';
import { demoKeyPair, signSubmission } from '@tally/signatures';
import { viewDigest } from '@tally/projection';
import { explain, exportElection, parseBound, replay, verifyAudit, type PublishedDigest } from './index';
import { diffProtocols } from './explain';
import { recordSignedElection, type SignedElection } from './testing/audit-fixture';
import { tamperableCopy, type AuditTamperableCopy } from './testing/tamper';
import { cdfValidator } from '../../../test/fixtures/nist/cdf-validator';
import { v5 as uuidv5 } from 'uuid';
import { readEverything } from '../../event-store/src/testing/read-everything';

const SPEC_NAMESPACE = '0f9e8d7c-6b5a-4938-8271-6a5b4c3d2e1f';

/** Decides a command on its precinct stream as the recorder does (read, fold, decide, append with the expected revision); `beforeV2`: as the recorder before v2. */
async function recordDecided(store: EventStore, definition: ElectionDefinition, command: PrecinctCommand, beforeV2 = false): Promise<PrecinctEvent[]> {
  const stream = streams.precinct(definition.id, command.meta.precinctId);
  const records = await store.readStream(stream);
  const state = records.map((r) => decodePrecinctEvent(r)).reduce((s, d) => (d.ok ? evolvePrecinct(s, d.value) : s), initialPrecinctState());
  const events = decidePrecinct(command, state, { election: indexElection(definition), beforeV2 });
  await store.append(stream, records.length === 0 ? 'no-stream' : records[records.length - 1].revision, events.map((e, i) => eventToAppend(uuidv5(`${command.meta.submissionId}/${i}`, SPEC_NAMESPACE), e)));
  return events;
}

/** A turnout report of `precinctId`, signed with its demo key: under v2 at `version`, or under v1 without one. */
function signedReport(definition: ElectionDefinition, precinctId: string, submissionId: string, time: string, ballotsIssued: number, version?: number): PrecinctCommand {
  const key = demoKeyPair(precinctId);
  const signature = signSubmission({ kind: 'turnout', electionId: definition.id, precinctId, time, ballotsIssued, version }, key.keyId, key.privateKeyPem);
  const meta = { submissionId, electionId: definition.id, precinctId, submittedBy: precinctId, receivedAt: '2026-03-15T19:00:00.000Z', signature };
  return { type: 'ReportTurnout', meta, time, ballotsIssued, ...(version === undefined ? {} : { version }) };
}

/** What a projector would have published for the whole store: the full replay's digests at its last event. */
async function publishedAtEnd(store: EventStore): Promise<PublishedDigest[]> {
  const r = await replay(store);
  return [...r.elections].map(([electionId, e]) => ({ electionId, position: r.through!.position, digest: viewDigest(e.view), source: 'test' }));
}

describe('@tally/audit on a recorded synthetic election', () => {
  let store: EventStore;
  let recorded: SignedElection;
  let events: RecordedEvent[];

  beforeAll(async () => {
    store = await createPgliteEventStore();
    const definition = generateSyntheticElection({ seed: 11, precincts: 30, regions: 2, districtsPerRegion: 2, lists: 4, seats: 10, singleMemberDistricts: 3 });
    recorded = await recordSignedElection(store, definition, { seed: 5, turnoutReportShare: 0.5, correctionShare: 0.3, batch: 50 });
    events = await readEverything(store);
  }, 120_000);

  afterAll(() => store.close());

  const protocolEvents = () => events.filter((e) => e.type === 'ProtocolRecorded' || e.type === 'ProtocolCorrected');
  const corrected = () => events.find((e) => e.type === 'ProtocolCorrected')!;

  describe('replay', () => {
    it('stops at a position and says where it stopped', async () => {
      const n = events[Math.floor(events.length / 2)];
      const r = await replay(store, { until: { kind: 'position', position: n.position } });
      expect(r.through?.position).toBe(n.position);
      expect(r.eventsRead).toBe(events.findIndex((e) => e.position === n.position) + 1);
      const view = r.elections.get(recorded.definition.id)!.view;
      expect(view.cursor.position).toBe(n.position);
    });

    it('a time bound cuts the history at the first event recorded after it', async () => {
      const first = events[0].recordedAt;
      const r = await replay(store, { until: { kind: 'time', at: new Date(first.getTime() - 1000), text: 'before' } });
      expect(r.eventsRead).toBe(0);
      const all = await replay(store, { until: { kind: 'time', at: new Date(events[events.length - 1].recordedAt.getTime() + 1000), text: 'after' } });
      expect(all.eventsRead).toBe(events.length);
    });

    it('parses positions and ISO instants, and names the rule otherwise', () => {
      expect(parseBound('812:40311')).toEqual({ ok: true, value: { kind: 'position', position: '812:40311' } });
      const t = parseBound('2026-03-15T21:14:00+05:00');
      expect(t.ok && t.value.kind === 'time' && t.value.at.toISOString()).toBe('2026-03-15T16:14:00.000Z');
      expect(parseBound('yesterday')).toMatchObject({ ok: false, error: expect.stringContaining('ISO 8601') });
      expect(parseBound('2026-03-15')).toMatchObject({ ok: false });
    });
  });

  describe('verify', () => {
    it('passes a clean store, every check having looked at every event', async () => {
      const report = await verifyAudit(store, { published: await publishedAtEnd(store) });
      expect(report.failures).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.events).toBe(events.length);
      expect(report.checks['hash-chain']).toEqual({ status: 'passed', checked: events.length, failed: 0 });
      const signed = events.filter((e) => e.type !== 'ElectionDefined' && e.type !== 'SubmissionRefused').length;
      expect(report.checks.signature).toEqual({
        status: 'passed',
        checked: signed,
        failed: 0,
        note: `0 of ${signed} submissions dated by the queue's clock (the bound: receivedAt at most 300 s + 60 s before the queue took it); ${signed} recorded without it (from a Kafka topic on CreateTime, or before recorders kept it), taken at their receivedAt`,
      });
      expect(report.checks['control-relation'].checked).toBe(signed);
      expect(report.checks.decider.checked).toBe(events.length - 1);
      expect(report.recomputations).toEqual([expect.objectContaining({ match: true })]);
    });

    it('sets each signed fact’s receivedAt against the queue’s clock the recorder kept beside it: one received longer before it was queued than the bound is misdated', async () => {
      const dated = await createPgliteEventStore();
      try {
        const definition = generateSyntheticElection({ seed: 12, precincts: 4 });
        // The 4th submission queued 6 min 1 s after its receipt, the 6th without a queue time, the rest 2 s after.
        const late = 3;
        const fixture = await recordSignedElection(dated, definition, { seed: 2, limit: 8, appendedAfterMs: (n) => (n === late ? 361_000 : n === 5 ? undefined : 2_000) });
        expect(fixture.submissions).toBe(8);
        const report = await verifyAudit(dated);
        expect(report.checks.signature).toMatchObject({ status: 'failed', checked: 8, failed: 1 });
        expect(report.checks.signature.note).toMatch(/^7 of 8 submissions dated by the queue's clock .*; 1 recorded without it/);
        expect(report.failures).toEqual([expect.objectContaining({ check: 'signature', code: 'misdated', message: expect.stringMatching(/is 361 s before the queue took the message/) })]);
        // The deployment's own bound (the service's TALLY_MAX_QUEUE_DELAY_S) decides: under 10 minutes it holds.
        const roomier = await verifyAudit(dated, { receivedAtBound: { maxQueueDelayMs: 600_000, maxClockSkewMs: 60_000 } });
        expect(roomier.ok).toBe(true);
      } finally {
        await dated.close();
      }
    });

    it('without anything published, says the comparison was skipped and still gives the digests', async () => {
      const report = await verifyAudit(store);
      expect(report.ok).toBe(true);
      expect(report.checks.recomputation.status).toBe('skipped');
      expect(report.digests[recorded.definition.id]).toMatch(/^[0-9a-f]{64}$/);
    });

    describe('on a tampered copy', () => {
      let copy: AuditTamperableCopy | undefined;
      afterEach(async () => {
        await copy?.close();
        copy = undefined;
      });
      const fresh = async () => {
        copy = await tamperableCopy(store);
        const published = await publishedAtEnd(copy.store);
        const clean = await verifyAudit(copy.store, { published });
        expect(clean.ok).toBe(true);
        return { copy, published };
      };

      it('catches a byte flipped in a protocol', async () => {
        const { copy, published } = await fresh();
        const target = protocolEvents()[3];
        await copy.flipOneByteOfData(target.streamName, target.revision);
        const report = await verifyAudit(copy.store, { published });
        expect(report.ok).toBe(false);
        expect(report.firstFailure).toMatchObject({ check: 'hash-chain', code: 'content-mismatch', streamName: target.streamName, revision: target.revision.toString() });
      });

      it('catches an event deleted from the middle of a stream', async () => {
        const { copy, published } = await fresh();
        const target = corrected();
        const before = events.find((e) => e.streamName === target.streamName && e.revision === target.revision - 1n)!;
        await copy.deleteEvent(before.streamName, before.revision);
        const report = await verifyAudit(copy.store, { published });
        expect(report.firstFailure).toMatchObject({ check: 'hash-chain', code: 'revision-gap', streamName: target.streamName });
      });

      it("catches a stream's last event deleted, which leaves a valid shorter chain, by the recomputation", async () => {
        const { copy, published } = await fresh();
        const target = corrected();
        const last = events.filter((e) => e.streamName === target.streamName).at(-1)!;
        await copy.deleteEvent(last.streamName, last.revision);
        const report = await verifyAudit(copy.store, { published });
        expect(report.ok).toBe(false);
        expect(report.checks['hash-chain'].status).toBe('passed');
        expect(report.firstFailure).toMatchObject({ check: 'recomputation', electionId: recorded.definition.id });
        // Unless that event was the store's last, the store reaches the published position: the figures differ.
        if (last !== events.at(-1)) expect(report.firstFailure?.code).toBe('digest-mismatch');
      });

      it('tells a store cut short from a changed one: a digest published past its last event says events are missing', async () => {
        const { copy, published } = await fresh();
        const last = events.at(-1)!;
        await copy.deleteEvent(last.streamName, last.revision);
        const report = await verifyAudit(copy.store, { published });
        expect(report.checks['hash-chain'].status).toBe('passed');
        expect(report.firstFailure).toMatchObject({ check: 'recomputation', code: 'published-beyond-store', electionId: recorded.definition.id });
        expect(report.firstFailure?.message).toMatch(/past the store's last event .*: events are missing$/);
      });

      it('catches two events of a stream reordered', async () => {
        const { copy, published } = await fresh();
        const target = corrected();
        await copy.swapEvents(target.streamName, target.revision - 1n, target.revision);
        const report = await verifyAudit(copy.store, { published });
        expect(report.firstFailure).toMatchObject({ check: 'hash-chain', streamName: target.streamName, revision: (target.revision - 1n).toString() });
      });

      it('catches an event inserted without hash links', async () => {
        const { copy, published } = await fresh();
        const target = protocolEvents()[0];
        await copy.insertEvent(target.streamName, target.revision, { id: '7d4ae5a2-3a55-4b7b-9a0e-1f0e6a1d2c3b', type: 'TurnoutReported', data: target.data }, false);
        const report = await verifyAudit(copy.store, { published });
        expect(report.firstFailure).toMatchObject({ check: 'hash-chain', code: 'missing-hash', streamName: target.streamName });
      });

      it('catches a forged correction appended with correct hash links: no commission signed it', async () => {
        const { copy, published } = await fresh();
        const target = protocolEvents().find((e) => e.type === 'ProtocolRecorded')!;
        const data = target.data as unknown as { protocol: Protocol; submissionId: string; precinctId: string };
        const last = events.filter((e) => e.streamName === target.streamName).at(-1)!;
        const votes = Object.fromEntries(Object.entries(data.protocol.votes).map(([k, v], i) => [k, i === 0 ? v + 5 : v]));
        const forged = {
          ...target.data,
          submissionId: '0b9c7f0e-6a51-4f59-8d3c-5e4a3b2c1d0e',
          submittedBy: 'central',
          protocol: { ...data.protocol, votes, ballotsFound: data.protocol.ballotsFound + 5, invalid: data.protocol.invalid },
          version: 99,
          supersedes: data.submissionId,
          reason: 'forged',
        };
        await copy.insertEvent(target.streamName, last.revision + 1n, { id: '2f1e0d9c-8b7a-4654-a3b2-c1d0e9f8a7b6', type: 'ProtocolCorrected', data: forged }, true);
        const report = await verifyAudit(copy.store, { published });
        expect(report.checks['hash-chain'].status).toBe('passed');
        // The forger reused the precinct's signature under the central commission's name: not its key.
        expect(report.firstFailure).toMatchObject({ check: 'signature', code: 'unknown-key', streamName: target.streamName });
        expect(report.failures.map((f) => f.check)).toEqual(expect.arrayContaining(['signature', 'control-relation', 'decider', 'recomputation']));
      });

      it('catches a fact appended with correct hash links and no signature at all', async () => {
        const { copy, published } = await fresh();
        const target = protocolEvents().find((e) => e.type === 'ProtocolRecorded')!;
        const data = target.data as unknown as { protocol: Protocol; submissionId: string };
        const last = events.filter((e) => e.streamName === target.streamName).at(-1)!;
        const forged = { ...target.data, submissionId: '5c2d1e0f-9a8b-4c7d-b6e5-f4a3b2c1d0e9', signature: null, version: 2, supersedes: data.submissionId, reason: 'unsigned' };
        await copy.insertEvent(target.streamName, last.revision + 1n, { id: '8e7d6c5b-4a39-4281-9f0e-d1c2b3a49586', type: 'ProtocolCorrected', data: forged }, true);
        const report = await verifyAudit(copy.store, { published });
        expect(report.checks['hash-chain'].status).toBe('passed');
        expect(report.failures).toContainEqual(expect.objectContaining({ check: 'signature', code: 'unsigned', streamName: target.streamName, revision: (last.revision + 1n).toString() }));
      });

      it('finds a signature rewritten in the middle of the history (chain recomputed) alike with and without worker threads', async () => {
        const { copy, published } = await fresh();
        const signed = events.filter((e) => e.type === 'ProtocolRecorded' || e.type === 'TurnoutReported');
        const target = signed[Math.floor(signed.length / 2)];
        // Another event's genuine signature, under the same key id: well formed, and not of this body.
        const data = target.data as unknown as { signature: { keyId: string; value: string }; precinctId: string };
        const other = signed.find((e) => (e.data as unknown as typeof data).precinctId !== data.precinctId)!.data as unknown as typeof data;
        await copy.rewriteData(target.streamName, target.revision, { ...target.data, signature: { ...data.signature, value: other.signature.value } });
        const inline = await verifyAudit(copy.store, { published, signatureWorkers: 0 });
        expect(inline.checks['hash-chain'].status).toBe('passed');
        expect(inline.firstFailure).toMatchObject({ check: 'signature', code: 'invalid-signature', streamName: target.streamName, revision: target.revision.toString() });
        expect(await verifyAudit(copy.store, { published, signatureWorkers: 2 })).toEqual(inline);
      });

      it('names a record that does not decode as a failure with its reason; explain and export list it', async () => {
        const { copy, published } = await fresh();
        const target = corrected();
        const data = target.data as { precinctId: string; contestId: string };
        const last = events.filter((e) => e.streamName === target.streamName).at(-1)!;
        await copy.insertEvent(target.streamName, last.revision + 1n, { id: '5c4b3a29-1807-4f6e-9d5c-4b3a29180706', type: 'TurnoutReported', data: { ...target.data, time: 10 } }, true);
        const report = await verifyAudit(copy.store, { published });
        expect(report.checks['hash-chain'].status).toBe('passed');
        expect(report.failures).toContainEqual(expect.objectContaining({ check: 'stream', code: 'malformed-event', streamName: target.streamName, message: expect.stringContaining('TurnoutReported.time') }));
        const district = recorded.definition.commissions.find((c) => c.id === data.precinctId)!.parent!;
        const explained = await explain(copy.store, { electionId: recorded.definition.id, commissionId: district, contestId: data.contestId });
        expect(explained.ok && explained.value.unreadable).toEqual([expect.objectContaining({ streamName: target.streamName, revision: (last.revision + 1n).toString(), type: 'TurnoutReported', reason: expect.stringContaining('time') })]);
        const exported = await exportElection(copy.store, { electionId: recorded.definition.id, format: 'csv' });
        expect(exported.ok && exported.value.unreadable.map((u) => u.streamName)).toEqual([target.streamName]);
      });

      it('catches a genuinely signed turnout body forced in again under a new submission id: the figure would roll back', async () => {
        const { copy } = await fresh();
        const original = events.find((e) => e.type === 'TurnoutReported')!;
        const data = original.data as unknown as TurnoutReported['data'];
        expect(data).toMatchObject({ version: 1, signature: { scheme: 'tally-submission-v2' } });
        const stream = events.filter((e) => e.streamName === original.streamName);
        // The precinct revises the figure, version 2, through the decider: still a clean history.
        const revised = signedReport(recorded.definition, data.precinctId, '6e5d4c3b-2a19-4807-9f6e-5d4c3b2a1900', data.time, data.ballotsIssued, 2);
        const [revision] = decidePrecinct(revised, stream.map((r) => decodePrecinctEvent(r)).reduce((st, d) => (d.ok ? evolvePrecinct(st, d.value) : st), initialPrecinctState()), {
          election: indexElection(recorded.definition),
        });
        expect(revision).toMatchObject({ type: 'TurnoutReported', data: { version: 2 } });
        await copy.insertEvent(original.streamName, stream.at(-1)!.revision + 1n, { id: '6e5d4c3b-2a19-4807-9f6e-5d4c3b2a1901', type: 'TurnoutReported', data: revision.data as unknown as JsonObject }, true);
        expect((await verifyAudit(copy.store)).ok).toBe(true);

        // Then the first body, forced in past the decider with forged hash links.
        const replayed = { ...original.data, submissionId: '6e5d4c3b-2a19-4807-9f6e-5d4c3b2a1902' };
        const at = (stream.at(-1)!.revision + 2n).toString();
        await copy.insertEvent(original.streamName, BigInt(at), { id: '6e5d4c3b-2a19-4807-9f6e-5d4c3b2a1903', type: 'TurnoutReported', data: replayed }, true);
        const report = await verifyAudit(copy.store);
        expect(report.ok).toBe(false);
        expect(report.checks['hash-chain'].status).toBe('passed');
        expect(report.checks.signature.status).toBe('passed');
        const where = { streamName: original.streamName, revision: at };
        expect(report.failures).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ check: 'replay', code: 'signature-recorded-twice', ...where, message: expect.stringContaining(data.submissionId) }),
            expect.objectContaining({ check: 'replay', code: 'version-backwards', ...where }),
            expect.objectContaining({ check: 'decider', code: 'REPLAYED', ...where }),
          ]),
        );
        expect(report.checks.replay).toMatchObject({ status: 'failed', failed: 2 });
      });

      it('catches a correction that skips a version', async () => {
        const { copy } = await fresh();
        const target = corrected();
        const data = target.data as unknown as { precinctId: string; contestId: string; submittedBy: string; protocol: Protocol; reason: string; version: number };
        const last = events.filter((e) => e.streamName === target.streamName).at(-1)!;
        const version = data.version + 2;
        const key = demoKeyPair(data.submittedBy);
        const signature = signSubmission(
          { kind: 'correction', electionId: recorded.definition.id, precinctId: data.precinctId, contestId: data.contestId, protocol: data.protocol, reason: data.reason, version },
          key.keyId,
          key.privateKeyPem,
        );
        const skipped = { ...target.data, submissionId: '1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a80', signature, version, supersedes: (target.data as { submissionId: string }).submissionId } as unknown as JsonObject;
        await copy.insertEvent(target.streamName, last.revision + 1n, { id: '1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a81', type: 'ProtocolCorrected', data: skipped }, true);
        const report = await verifyAudit(copy.store);
        expect(report.checks.signature.status).toBe('passed');
        expect(report.failures).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ check: 'replay', code: 'version-skipped', streamName: target.streamName, revision: (last.revision + 1n).toString() }),
            expect.objectContaining({ check: 'decider', code: 'FUTURE_VERSION', streamName: target.streamName }),
          ]),
        );
      });

      it("catches a commission's genuinely signed protocol recorded a second time", async () => {
        const { copy, published } = await fresh();
        const target = protocolEvents().find((e) => e.type === 'ProtocolRecorded')!;
        const last = events.filter((e) => e.streamName === target.streamName).at(-1)!;
        await copy.insertEvent(target.streamName, last.revision + 1n, { id: '3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d', type: 'ProtocolRecorded', data: target.data }, true);
        const report = await verifyAudit(copy.store, { published });
        expect(report.checks.signature.status).toBe('passed');
        expect(report.firstFailure).toMatchObject({ check: 'decider', code: 'duplicate-submission', streamName: target.streamName });
      });
    });

    it('catches a signed protocol whose control relations do not hold, recorded past the decider', async () => {
      const local = await createPgliteEventStore();
      try {
        const definition = generateSyntheticElection({ seed: 3, precincts: 4, lists: 3, singleMemberDistricts: 1 });
        const r = await recordSignedElection(local, definition, { seed: 2, limit: 0 });
        const precinct = r.definition.commissions.find((c) => c.level === 'precinct')!;
        const protocol: Protocol = {
          contestId: 'list',
          registeredVoters: (precinct as { registeredVoters: number }).registeredVoters,
          addedSameDay: 0,
          ballotsReceived: 100,
          ballotsIssued: { atStation: 50, early: 0, mobile: 0 },
          ballotsCancelled: 50,
          ballotsLost: 0,
          ballotsFound: 50,
          invalid: 0,
          votes: { 'list-1': 30, 'list-2': 10, 'list-3': 5 },
          againstAll: 0,
        };
        const key = demoKeyPair(precinct.id);
        const signature = signSubmission({ kind: 'protocol', electionId: r.definition.id, precinctId: precinct.id, contestId: 'list', protocol, version: 1 }, key.keyId, key.privateKeyPem);
        const data = { submissionId: 's1', electionId: r.definition.id, precinctId: precinct.id, submittedBy: precinct.id, receivedAt: '2026-03-15T15:00:00.000Z', signature, contestId: 'list', protocol, version: 1 };
        await local.append(streams.precinct(r.definition.id, precinct.id), 'no-stream', [{ id: '9a8b7c6d-5e4f-4a3b-9c1d-0e9f8a7b6c5d', type: 'ProtocolRecorded', data: data as unknown as JsonObject }]);
        const report = await verifyAudit(local);
        expect(report.ok).toBe(false);
        expect(report.firstFailure).toMatchObject({ check: 'control-relation', code: 'BALLOTS_FOUND_MISMATCH' });
        expect(report.failures.find((f) => f.check === 'decider')).toMatchObject({ code: 'BALLOTS_FOUND_MISMATCH' });
      } finally {
        await local.close();
      }
    });
  });

  describe('verify, on a store recorded before v2 (no versions, signed under tally-submission-v1)', () => {
    let local: EventStore;
    let v1: SignedElection;
    beforeAll(async () => {
      local = await createPgliteEventStore();
      const definition = generateSyntheticElection({ seed: 7, precincts: 6, lists: 3, singleMemberDistricts: 1 });
      v1 = await recordSignedElection(local, definition, { seed: 3, turnoutReportShare: 1, correctionShare: 0.5, v1: true });
    }, 120_000);
    afterAll(() => local.close());

    it('still verifies: signatures, the decider by the rules of then, and the history checks', async () => {
      const all = await readEverything(local);
      const first = all.find((e) => e.type === 'TurnoutReported')!.data as unknown as TurnoutReported['data'];
      expect(first.version).toBeUndefined();
      expect(first.signature?.scheme).toBeUndefined();
      const report = await verifyAudit(local);
      expect(report.failures).toEqual([]);
      const facts = all.filter((e) => e.type !== 'ElectionDefined' && e.type !== 'SubmissionRefused').length;
      expect(report.checks.replay).toEqual({ status: 'passed', checked: facts, failed: 0 });
      expect(report.checks.signature.checked).toBe(facts);
    });

    it('takes a v1 report replacing its time, then v2 revisions from version 2; a v1 body forced in after them goes back', async () => {
      const first = (await readEverything(local)).find((e) => e.type === 'TurnoutReported')!.data as unknown as TurnoutReported['data'];
      const { precinctId, time, ballotsIssued } = first;
      // Before v2, a second report of a time replaced the first (no version): as the recorder of then.
      expect(await recordDecided(local, v1.definition, signedReport(v1.definition, precinctId, '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c00', time, ballotsIssued + 1), true)).toEqual([
        expect.objectContaining({ type: 'TurnoutReported', data: expect.not.objectContaining({ version: expect.anything() }) }),
      ]);
      // Under v2 the figure is version 1 (read so), and its revision signs 2.
      expect(await recordDecided(local, v1.definition, signedReport(v1.definition, precinctId, '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c10', time, ballotsIssued + 2, 2))).toEqual([
        expect.objectContaining({ type: 'TurnoutReported', data: expect.objectContaining({ version: 2 }) }),
      ]);
      expect((await verifyAudit(local)).failures).toEqual([]);

      const copy = await tamperableCopy(local);
      try {
        const stream = streams.precinct(v1.definition.id, precinctId);
        const records = await copy.store.readStream(stream);
        const replayed = { ...records.find((r) => r.type === 'TurnoutReported')!.data, submissionId: '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c20' };
        const revision = records.at(-1)!.revision + 1n;
        await copy.insertEvent(stream, revision, { id: '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c21', type: 'TurnoutReported', data: replayed }, true);
        const report = await verifyAudit(copy.store);
        expect(report.ok).toBe(false);
        expect(report.checks.signature.status).toBe('passed');
        const where = { check: 'replay', streamName: stream, revision: revision.toString() };
        expect(report.failures).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ ...where, code: 'signature-recorded-twice' }),
            expect.objectContaining({ ...where, code: 'version-backwards', message: expect.stringContaining('a v1-era report') }),
          ]),
        );
      } finally {
        await copy.close();
      }
    });
  });

  describe('explain', () => {
    it('lists the versions behind a figure, with what each correction changed, and they add up', async () => {
      const target = corrected();
      const data = target.data as unknown as { precinctId: string; contestId: string; submissionId: string; supersedes: string; reason: string; version: number };
      const district = recorded.definition.commissions.find((c) => c.id === data.precinctId)!.parent!;
      const result = await explain(store, { electionId: recorded.definition.id, commissionId: district, contestId: data.contestId });
      if (!result.ok) throw new Error(result.error.message);
      const x = result.value;
      expect(x.reconciles).toBe(true);
      expect(x.totals.every((t) => t.figure === t.sumOfCounted)).toBe(true);
      const precinct = x.precincts.find((p) => p.precinctId === data.precinctId)!;
      expect(precinct.counted).toEqual({ version: data.version, submissionId: data.submissionId, position: target.position });
      const original = events.find((e) => (e.data as { submissionId?: string }).submissionId === data.supersedes)!;
      expect(precinct.versions.map((v) => [v.type, v.version, v.position, v.submissionId])).toEqual([
        ['ProtocolRecorded', 1, original.position, data.supersedes],
        ['ProtocolCorrected', data.version, target.position, data.submissionId],
      ]);
      const correction = precinct.versions[1];
      expect(correction).toMatchObject({ reason: data.reason, supersedes: data.supersedes, submittedBy: district, signature: { keyId: `demo-${district}`, verified: true } });
      const changes = diffProtocols((original.data as { protocol: Protocol }).protocol, (target.data as { protocol: Protocol }).protocol);
      expect(correction.changes).toEqual(changes);
      expect(changes.length).toBeGreaterThan(0);
    });

    it("lists each precinct's protocols refused at intake, within the bound, and a record that is not one as unreadable", async () => {
      const own = await createPgliteEventStore();
      try {
        const definition = generateSyntheticElection({ seed: 12, precincts: 8, regions: 2, districtsPerRegion: 1, lists: 3, seats: 5 });
        await recordSignedElection(own, definition, { seed: 6, batch: 50 });
        const index = indexElection(definition);
        const [p, ...others] = index.precinctIds;
        const district = index.parentOf(p)!;
        const elsewhere = others.find((q) => index.parentOf(q) !== district)!;
        const refusal = (precinctId: string, kind: string, code: string) => ({
          receivedAt: '2026-03-15T19:05:00.000Z',
          method: 'POST',
          path: `/v1/elections/${definition.id}/precincts/${precinctId}/${kind === 'turnout' ? 'turnout' : 'protocols'}`,
          kind,
          precinctId,
          status: 422,
          reasons: [{ code, field: 'protocol.ballotsFound', message: 'ballots found must equal valid + invalid' }],
          bodySha256: 'ab'.repeat(32),
          bodyBytes: 512,
          submittedBy: precinctId,
        });
        const stream = streams.intakeRejections(definition.id);
        await own.append(stream, 'no-stream', [eventToAppend(uuidv5('door/1', SPEC_NAMESPACE), { type: 'SubmissionRefusedAtIntake', data: refusal(p, 'protocol', 'BALLOTS_FOUND_MISMATCH') })]);
        const before = (await own.readStream(stream))[0].position;
        await own.append(stream, 0n, [
          eventToAppend(uuidv5('door/2', SPEC_NAMESPACE), { type: 'SubmissionRefusedAtIntake', data: refusal(p, 'turnout', 'TURNOUT_DECREASED') }),
          eventToAppend(uuidv5('door/3', SPEC_NAMESPACE), { type: 'SubmissionRefusedAtIntake', data: refusal(elsewhere, 'protocol', 'BALLOTS_FOUND_MISMATCH') }),
          eventToAppend(uuidv5('door/4', SPEC_NAMESPACE), { type: 'SubmissionRefusedAtIntake', data: { ...refusal(p, 'correction', 'MALFORMED'), precinctId: 7 } }),
          eventToAppend(uuidv5('door/5', SPEC_NAMESPACE), { type: 'SubmissionRefusedAtIntake', data: refusal(p, 'correction', 'REASON_REQUIRED') }),
        ]);

        const x = await explain(own, { electionId: definition.id, commissionId: district, contestId: 'list' });
        if (!x.ok) throw new Error(x.error.message);
        // The protocol and the correction refused at the door, in order; not the turnout report, not another district's precinct.
        const precinct = x.value.precincts.find((e) => e.precinctId === p)!;
        expect(precinct.refusedAtIntake.map((r) => [r.kind, r.codes, r.status, r.submittedBy, r.bodySha256])).toEqual([
          ['protocol', ['BALLOTS_FOUND_MISMATCH'], 422, p, 'ab'.repeat(32)],
          ['correction', ['REASON_REQUIRED'], 422, p, 'ab'.repeat(32)],
        ]);
        expect(precinct.refusedAtIntake[0]).toMatchObject({ streamName: stream, revision: '0', position: before, receivedAt: '2026-03-15T19:05:00.000Z' });
        expect(x.value.precincts.flatMap((e) => e.refusedAtIntake).every((r) => r.precinctId === p)).toBe(true);
        expect(x.value.unreadable).toEqual([expect.objectContaining({ streamName: stream, revision: '3', type: 'SubmissionRefusedAtIntake', reason: expect.stringContaining('precinctId') })]);

        // Up to the first refusal's position: that one only.
        const bounded = await explain(own, { electionId: definition.id, commissionId: district, contestId: 'list', until: { kind: 'position', position: before } });
        if (!bounded.ok) throw new Error(bounded.error.message);
        expect(bounded.value.precincts.find((e) => e.precinctId === p)?.refusedAtIntake.map((r) => r.codes[0])).toEqual(['BALLOTS_FOUND_MISMATCH']);

        // Kept in the same stream: attempts a recorder set aside (this contest's listed, another's
        // not), and records that are not intake's door, which are not unreadable for that.
        const aside = (n: number, contestId: string) => {
          const meta = { submissionId: uuidv5(`aside/${n}`, SPEC_NAMESPACE), electionId: definition.id, precinctId: p, submittedBy: p, receivedAt: '2026-03-15T19:06:00.000Z', signature: null };
          return {
            type: 'SubmissionSetAside',
            data: { ...meta, kind: 'protocol', code: 'MISDATED', reason: 'too old', deadLetter: { topic: 't', partition: 0, offset: String(n), at: '2026-03-15T19:06:01.000Z' }, command: { type: 'SubmitProtocol', meta, protocol: { contestId } } },
          };
        };
        await own.append(stream, 4n, [
          eventToAppend(uuidv5('door/6', SPEC_NAMESPACE), aside(1, 'list') as never),
          eventToAppend(uuidv5('door/7', SPEC_NAMESPACE), aside(2, 'another-contest') as never),
          eventToAppend(uuidv5('door/8', SPEC_NAMESPACE), { type: 'SubmissionRefused', data: { submissionId: 'x', electionId: definition.id, precinctId: 'p-nowhere', reasons: [{ code: 'UNKNOWN_PRECINCT' }] } }),
          eventToAppend(uuidv5('door/9', SPEC_NAMESPACE), { type: 'UnparseableSubmission', data: { raw: 'eA==', key: p, topic: 't', partition: 0, offset: '1', reason: 'not JSON' } }),
        ]);
        const later = await explain(own, { electionId: definition.id, commissionId: district, contestId: 'list' });
        if (!later.ok) throw new Error(later.error.message);
        expect(later.value.precincts.find((e) => e.precinctId === p)?.setAside.map((r) => [r.submissionId, r.code, r.revision])).toEqual([[uuidv5('aside/1', SPEC_NAMESPACE), 'MISDATED', '5']]);
        expect(later.value.unreadable.map((u) => u.revision)).toEqual(['3']);
      } finally {
        await own.close();
      }
    });

    it("explains the running turnout at a reporting time: each precinct's reports, the one counted, and they add up to the figure", async () => {
      // On a copy, a precinct revises its last report (v2: version + 1, 5 ballots more).
      const copy = await tamperableCopy(store);
      const definition = recorded.definition;
      const first = events.filter((e) => e.type === 'TurnoutReported').map((e) => e.data as unknown as TurnoutReported['data']).at(-1)!;
      const revised = await recordDecided(copy.store, definition, signedReport(definition, first.precinctId, uuidv5('turnout-revision', SPEC_NAMESPACE), first.time, first.ballotsIssued + 5, (first.version ?? 1) + 1));
      expect(revised.map((e) => e.type)).toEqual(['TurnoutReported']);
      const time = first.time;
      const all = await readEverything(copy.store);
      const reports = all.filter((e) => e.type === 'TurnoutReported').map((e) => ({ e, data: e.data as unknown as TurnoutReported['data'] }));
      const result = await explain(copy.store, { electionId: definition.id, commissionId: 'central', contestId: 'list', turnoutTime: time });
      await copy.close();
      if (!result.ok) throw new Error(result.error.message);
      const t = result.value.turnout!;
      const figure = result.value.results.turnoutByTime.find((x) => x.time === time)!;
      expect(t.figure).toEqual({ ballotsIssued: figure.ballotsIssued, registeredVoters: figure.registeredVoters, precinctsReported: figure.precinctsReported });
      expect(figure.precinctsReported).toBeGreaterThan(0);
      expect(t.sumOfCounted).toEqual(t.figure);
      expect(t.reconciles).toBe(true);
      const at = reports.filter((r) => r.data.time === time);
      expect(t.precincts.flatMap((p) => p.reports.map((r) => r.position)).sort()).toEqual(at.map((r) => r.e.position).sort());
      // Each precinct counts its last report (a later one replaces an earlier), signed and verified.
      expect(t.precincts.find((p) => p.precinctId === first.precinctId)).toMatchObject({ counted: { ballotsIssued: first.ballotsIssued + 5 }, reports: [{ ballotsIssued: first.ballotsIssued }, { ballotsIssued: first.ballotsIssued + 5 }] });
      for (const p of t.precincts) {
        const last = at.filter((r) => r.data.precinctId === p.precinctId).at(-1)!;
        expect(p.counted?.ballotsIssued).toBe(last.data.ballotsIssued);
        expect(p.reports.every((r) => r.signature?.verified === true && r.submittedBy === p.precinctId)).toBe(true);
      }
      expect(t.notReported + t.precincts.filter((p) => p.counted).length).toBe(recorded.definition.commissions.filter((c) => c.level === 'precinct').length);
      // Without the option, no turnout; an unknown time is named.
      const plain = await explain(store, { electionId: recorded.definition.id, commissionId: 'central', contestId: 'list' });
      expect(plain.ok && plain.value.turnout).toBeUndefined();
      const unknown = await explain(store, { electionId: recorded.definition.id, commissionId: 'central', contestId: 'list', turnoutTime: '15:30' });
      expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TURNOUT_TIME', message: expect.stringContaining('not at 15:30') } });
    });

    it('names an unknown choice', async () => {
      const result = await explain(store, { electionId: recorded.definition.id, commissionId: 'central', contestId: 'list', choices: ['nobody'] });
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHOICE' } });
    });
  });

  describe('export', () => {
    const cdf = cdfValidator();

    it('writes a CDF report the NIST schema accepts, stating the position, byte-identical when repeated', async () => {
      const mid = events[Math.floor(events.length / 2)];
      const until = { kind: 'position', position: mid.position } as const;
      const a = await exportElection(store, { electionId: recorded.definition.id, format: 'cdf', until });
      const b = await exportElection(store, { electionId: recorded.definition.id, format: 'cdf', until });
      if (!a.ok || !b.ok) throw new Error('export failed');
      expect(a.value.body).toBe(b.value.body);
      const doc = JSON.parse(a.value.body);
      const valid = cdf.validate(doc);
      expect(cdf.errors()).toEqual([]);
      expect(valid).toBe(true);
      expect(a.value.position).toBe(mid.position);
      expect(doc.Status).toBe('unofficial-partial');
      expect(doc.GeneratedDate).toBe(mid.recordedAt.toISOString().replace(/\.\d+Z$/, 'Z'));
      expect(doc.ExternalIdentifier[0]).toMatchObject({ OtherType: 'tally-store-position', Value: mid.position });
    });

    it('is complete once every precinct reported, with seats and counts that match the views', async () => {
      const result = await exportElection(store, { electionId: recorded.definition.id, format: 'cdf' });
      if (!result.ok) throw new Error('export failed');
      const doc = JSON.parse(result.value.body);
      expect(cdf.validate(doc)).toBe(true);
      expect(doc.Status).toBe('unofficial-complete');
      const listContest = doc.Election[0].Contest.find((c: { '@type': string }) => c['@type'] === 'ElectionResults.PartyContest');
      const seats = listContest.ContestSelection.flatMap((s: { VoteCounts: { Type: string; Count: number }[] }) => s.VoteCounts.filter((v) => v.Type === 'seats').map((v) => v.Count));
      expect(seats.reduce((a: number, b: number) => a + b, 0)).toBe(10);
      const r = await replay(store);
      const view = r.elections.get(recorded.definition.id)!.view;
      const { contestResults } = await import('@tally/domain');
      const whole = contestResults(view, 'list')!;
      const first = listContest.ContestSelection[0].VoteCounts.find((v: { GpUnitId: string; Type: string }) => v.GpUnitId === 'gpu-central' && v.Type === 'total');
      expect(whole.kind === 'list' && first.Count).toBe(whole.kind === 'list' && whole.lists[0].votes);
    });

    it('writes one CSV row per reported precinct × contest × choice, with the counted version and its position', async () => {
      const result = await exportElection(store, { electionId: recorded.definition.id, format: 'csv' });
      if (!result.ok) throw new Error('export failed');
      const [comment, header, ...rows] = result.value.body.trimEnd().split('\n');
      expect(comment).toContain(`position=${result.value.position}`);
      expect(header).toBe('precinct_id,contest_id,choice_kind,choice_id,votes,version,submission_id,position,recorded_at');
      const c = corrected();
      const d = c.data as unknown as { precinctId: string; contestId: string; version: number; submissionId: string };
      const mine = rows.map((r) => r.split(',')).filter((f) => f[0] === d.precinctId && f[1] === d.contestId);
      expect(mine.length).toBeGreaterThan(2);
      for (const f of mine) expect([f[5], f[6], f[7]]).toEqual([String(d.version), d.submissionId, c.position]);
      const protocols = new Set(protocolEvents().map((e) => `${(e.data as { precinctId: string }).precinctId}/${(e.data as { contestId: string }).contestId}`));
      const rowsExpected = [...protocols].reduce((n, key) => {
        const contest = recorded.definition.contests.find((x) => x.id === key.split('/')[1])!;
        return n + (contest.kind === 'list' ? contest.lists.length : contest.candidates.length) + 2;
      }, 0);
      expect(rows).toHaveLength(rowsExpected);
    });
  });
});

describe("verify: an election's rejections come from someone entitled to send them", () => {
  const definition = generateSyntheticElection({ seed: 13, precincts: 6, lists: 3, seats: 5 });
  const index = indexElection(definition);
  const [p, q] = index.precinctIds;
  const stream = streams.intakeRejections(definition.id);

  /** A turnout report for `precinctId` signed by `signer`'s demo key, as the recorder decides it on an empty state. */
  function decided(precinctId: string, signer: string, n: number, time = '10:00'): PrecinctEvent {
    const key = demoKeyPair(signer);
    const signature = signSubmission({ kind: 'turnout', electionId: definition.id, precinctId, time, ballotsIssued: 10, version: 1 }, key.keyId, key.privateKeyPem);
    const meta = { submissionId: uuidv5(`rejections/${n}`, SPEC_NAMESPACE), electionId: definition.id, precinctId, submittedBy: signer, receivedAt: '2026-03-15T19:00:00.000Z', signature };
    const [event] = decidePrecinct({ type: 'ReportTurnout', meta, time, ballotsIssued: 10, version: 1 }, initialPrecinctState(), { election: index });
    return event;
  }
  const atIntake = (submittedBy: unknown, extra: Record<string, unknown> = {}) => ({
    type: 'SubmissionRefusedAtIntake',
    data: { receivedAt: '2026-03-15T19:05:00.000Z', method: 'POST', path: `/v1/elections/${definition.id}/precincts/${p}/protocols`, kind: 'protocol', precinctId: p, status: 422, reasons: [{ code: 'NOT_A_COUNT', field: 'protocol.invalid', message: 'not a count' }], bodySha256: 'ab'.repeat(32), bodyBytes: 100, submittedBy, ...extra },
  });

  async function verifyWith(records: { type: string; data: unknown }[]) {
    const store = await createPgliteEventStore();
    try {
      await recordSignedElection(store, definition, { seed: 2, batch: 50 });
      if (records.length > 0) await store.append(stream, 'no-stream', records.map((r, i) => eventToAppend(uuidv5(`rejection-record/${i}`, SPEC_NAMESPACE), r as never)));
      return await verifyAudit(store, { published: await publishedAtEnd(store) });
    } finally {
      await store.close();
    }
  }

  it('passes a recorder’s signed refusal of an unknown precinct, intake’s refusals of commissions, and counts raw messages kept before issue 11', async () => {
    const refusal = decided('p-nowhere', p, 1);
    expect(refusal).toMatchObject({ type: 'SubmissionRefused', data: { reasons: [expect.objectContaining({ code: 'UNKNOWN_PRECINCT' })] } });
    const legacy = { type: 'UnparseableSubmission', data: { raw: 'bm90IGpzb24=', key: p, topic: 'tally.submissions', partition: 0, offset: '7', reason: 'not JSON' } };
    const report = await verifyWith([refusal, atIntake(p), atIntake(undefined), legacy]);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.stream.note).toBe("1 message kept unparsed by recorders before issue 11 (raw queue bytes, signed by no one; recorders dead-letter such messages now)");
    // The refusal's signature and decision are checked beside the precincts' own.
    const clean = await verifyWith([]);
    expect(report.checks.signature.checked - clean.checks.signature.checked).toBe(1);
    expect(report.checks.decider.checked - clean.checks.decider.checked).toBe(1);
    expect(report.checks.stream.checked - clean.checks.stream.checked).toBe(4);
  }, 120_000);

  it('fails a forged signature, a stranger named by intake, a malformed refusal, a fact filed there and a known precinct’s refusal', async () => {
    const refusal = decided('p-nowhere', p, 2) as Extract<PrecinctEvent, { type: 'SubmissionRefused' }>;
    const other = decided('p-nowhere', q, 3) as Extract<PrecinctEvent, { type: 'SubmissionRefused' }>;
    // p's claim carried under q's signature value: it does not verify under p's key.
    const forged = { ...refusal, data: { ...refusal.data, signature: { ...refusal.data.signature!, value: other.data.signature!.value } } };
    const known = decided(p, p, 4, '09:00');
    expect(known.type).toBe('SubmissionRefused');
    const fact = decided(q, q, 5);
    expect(fact.type).toBe('TurnoutReported');
    const report = await verifyWith([forged, atIntake('stranger'), atIntake(p, { reasons: 'none' }), fact, known]);
    expect(report.ok).toBe(false);
    expect(report.failures.map((f) => [f.check, f.code, f.streamName, f.revision])).toEqual([
      ['signature', 'invalid-signature', stream, '0'],
      ['stream', 'unknown-submitter', stream, '1'],
      ['stream', 'malformed-event', stream, '2'],
      ['stream', 'unknown-event-type', stream, '3'],
      ['stream', 'misfiled-event', stream, '4'],
    ]);
    expect(report.failures[1].message).toContain('signed by stranger, no commission of');
  }, 120_000);

  it('checks the signature an intake refusal keeps: by its commission’s key, of its election, precinct and kind', async () => {
    const subject = (precinctId: string) => ({ kind: 'turnout' as const, electionId: definition.id, precinctId, time: '14:00', ballotsIssued: 5, version: 2 });
    const signedBy = (signer: string, precinctId = p) => {
      const key = demoKeyPair(signer);
      return { subject: subject(precinctId), signature: signSubmission(subject(precinctId), key.keyId, key.privateKeyPem) };
    };
    const refusal = (signed: unknown) => atIntake(p, { kind: 'turnout', reasons: [{ code: 'TURNOUT_DECREASED', field: 'ballotsIssued', message: 'less than before' }], signed });
    const good = await verifyWith([refusal(signedBy(p))]);
    expect(good.failures).toEqual([]);
    const clean = await verifyWith([]);
    expect(good.checks.signature.checked - clean.checks.signature.checked).toBe(1);

    const genuine = signedBy(p);
    const report = await verifyWith([
      refusal({ ...genuine, subject: { ...genuine.subject, ballotsIssued: 6 } }), // figures other than those signed
      refusal(signedBy(q)), // q's key on p's refusal
      refusal(signedBy(p, q)), // a subject for another precinct
      refusal({ subject: 'none' }),
    ]);
    expect(report.failures.map((f) => [f.check, f.code, f.revision])).toEqual([
      ['signature', 'invalid-signature', '0'],
      ['signature', 'unknown-key', '1'],
      ['stream', 'malformed-event', '2'],
      ['stream', 'malformed-event', '3'],
    ]);
  }, 120_000);

  /** What intake writes when a recorder dead-letters an attempt it acknowledged: the signed command kept. */
  function setAside(n: number, over: { signer?: string; code?: string; command?: (c: PrecinctCommand) => PrecinctCommand; submittedBy?: string; receivedAt?: string } = {}) {
    const signer = over.signer ?? p;
    const key = demoKeyPair(signer);
    const signature = signSubmission({ kind: 'turnout', electionId: definition.id, precinctId: p, time: '12:00', ballotsIssued: 20, version: 1 }, key.keyId, key.privateKeyPem);
    const submittedBy = over.submittedBy ?? p;
    const receivedAt = over.receivedAt ?? '2026-03-15T19:10:00.000Z';
    const meta = { submissionId: uuidv5(`set-aside/${n}`, SPEC_NAMESPACE), electionId: definition.id, precinctId: p, submittedBy, receivedAt, signature };
    const command: PrecinctCommand = { type: 'ReportTurnout', meta, time: '12:00', ballotsIssued: 20, version: 1 };
    return {
      type: 'SubmissionSetAside',
      data: {
        submissionId: meta.submissionId,
        electionId: definition.id,
        precinctId: p,
        submittedBy,
        kind: 'turnout',
        receivedAt,
        code: over.code ?? 'MISDATED',
        reason: 'receivedAt is 1.5 s before the queue took the message',
        deadLetter: { topic: 'tally.submissions', partition: 1, offset: String(n), at: '2026-03-15T19:10:02.000Z' },
        command: over.command ? over.command(command) : command,
      },
    };
  }

  it('checks a submission intake acknowledged and a recorder set aside: its commission, its precinct and the signature it keeps', async () => {
    // One that keeps its command, and one whose command the store could not keep (UNSTORABLE).
    const good = await verifyWith([setAside(1), { ...setAside(2), data: { ...setAside(2).data, command: undefined } }]);
    expect(good.failures).toEqual([]);
    expect(good.checks.stream.note).toBe('2 submissions set aside by recorders after intake acknowledged them (not recorded; tally audit explain lists each with its reason)');
    const clean = await verifyWith([]);
    expect(good.checks.signature.checked - clean.checks.signature.checked).toBe(1);
    expect(good.checks.stream.checked - clean.checks.stream.checked).toBe(2);

    const report = await verifyWith([
      setAside(3, { signer: q }), // q's signature on p's submission
      setAside(4, { submittedBy: 'stranger' }),
      setAside(5, { command: (c) => ({ ...c, ballotsIssued: 21 }) }), // figures other than those signed
      setAside(6, { command: (c) => ({ ...c, meta: { ...c.meta, submissionId: uuidv5('set-aside/other', SPEC_NAMESPACE) } }) }),
    ]);
    expect(report.failures.map((f) => [f.check, f.code, f.revision])).toEqual([
      ['signature', 'not-the-submitter', '0'],
      ['stream', 'unknown-submitter', '1'],
      ['signature', 'invalid-signature', '2'],
      ['stream', 'malformed-event', '3'],
    ]);
  }, 120_000);
});
