// verify and the key ring: each recorded signature judged by the keys valid when it was received,
// after the election's key amendments (each decided again, its own signature by a root key).
import { generateSyntheticElection, type DefinitionAmended, type KeyAmendment } from '@tally/domain';
import { createPgliteEventStore, eventToAppend, START_POSITION, streams, type EventStore, type RecordedEvent } from '@tally/event-store';
import { demoKeyPair, signAmendment } from '@tally/signatures';
import { loadElections, verifyAudit } from './index';
import { recordSignedElection } from './testing/audit-fixture';

jest.setTimeout(60_000);

describe('verify with key amendments', () => {
  let store: EventStore;
  let electionId: string;
  let rootId: string;
  let precinctEvents: RecordedEvent[];

  const amendment = (sequence: number, body: KeyAmendment, signer: string, receivedAt = '2026-03-15T16:00:00.000Z'): DefinitionAmended => {
    const key = demoKeyPair(signer);
    return { type: 'DefinitionAmended', data: { electionId, sequence, amendment: body, receivedAt, signature: signAmendment({ electionId, sequence, amendment: body }, key.keyId, key.privateKeyPem) } };
  };
  const record = async (...events: DefinitionAmended[]) => {
    const stream = await store.readStream(streams.election(electionId));
    await store.append(
      streams.election(electionId),
      stream[stream.length - 1].revision,
      events.map((e, i) => eventToAppend(`00000000-0000-4000-8000-${String(stream.length + i).padStart(12, '0')}`, e)),
    );
  };

  beforeAll(async () => {
    store = await createPgliteEventStore();
    const recorded = await recordSignedElection(store, generateSyntheticElection({ seed: 4, precincts: 3, lists: 3, singleMemberDistricts: 1 }), { seed: 1, turnoutReportShare: 1, limit: 12 });
    electionId = recorded.definition.id;
    rootId = recorded.definition.commissions.find((c) => c.parent === null)!.id;
    const all: RecordedEvent[] = [];
    for (let from = START_POSITION; ; ) {
      const page = await store.readAll({ from, batchSize: 1000 });
      all.push(...page.events);
      from = page.checkpoint;
      if (page.isEnd) break;
    }
    precinctEvents = all.filter((e) => e.streamName.startsWith('precinct-'));
  }, 120_000);
  afterAll(async () => {
    await store.close();
  });

  it('a revocation whose instant lies in the past fails exactly what its key signed from then on', async () => {
    const before = await verifyAudit(store);
    expect(before.ok).toBe(true);
    // A commission that signed more than once: its key is revoked from its second submission's receipt on.
    const by = (e: RecordedEvent) => e.data as { submittedBy: string; receivedAt: string };
    const submitter = precinctEvents.map((e) => by(e).submittedBy).find((id, i, all) => all.indexOf(id) !== i)!;
    const its = precinctEvents.filter((e) => by(e).submittedBy === submitter);
    const from = by(its[1]).receivedAt;
    await record(amendment(1, { kind: 'revoke-key', commissionId: submitter, keyId: `demo-${submitter}`, from }, rootId));

    // Exactly at `from` and after: revoked; the first one, received before, still verifies.
    const expected = its.slice(1);
    expect(Date.parse(by(its[0]).receivedAt)).toBeLessThan(Date.parse(from));
    const report = await verifyAudit(store);
    expect(report.failures.map((f) => [f.check, f.code, f.eventId])).toEqual(expected.map((e) => ['signature', 'revoked-key', e.id]));
    expect(report.checks.signature.checked).toBe(before.checks.signature.checked + 1);
  });

  it('decides every amendment again: one signed by no root key, and one recorded twice, are findings', async () => {
    const loadedBefore = await loadElections(store);
    const precinct = (precinctEvents[0].data as { submittedBy: string }).submittedBy;
    const first = (await store.readStream(streams.election(electionId)))[1];
    await record(amendment(2, { kind: 'revoke-key', commissionId: rootId, keyId: `demo-${rootId}`, from: '2026-03-15T00:00:00Z' }, precinct), { type: 'DefinitionAmended', data: JSON.parse(JSON.stringify(first.data)) as DefinitionAmended['data'] });
    const loaded = await loadElections(store);
    expect(loaded.amendmentsChecked).toBe(loadedBefore.amendmentsChecked + 2);
    expect(loaded.amendmentTroubles.map((t) => [t.check, t.code])).toEqual([
      ['signature', 'unknown-key'],
      ['decider', 'duplicate-amendment'],
    ]);
    const report = await verifyAudit(store, { elections: loaded });
    expect(report.ok).toBe(false);
    expect(report.failures.filter((f) => f.streamName === streams.election(electionId)).map((f) => f.code)).toEqual(['unknown-key', 'duplicate-amendment']);
  });

  it('a recorded definition in which two commissions share a public key is a finding, where it is', async () => {
    // Written past the decider, which refuses it (DUPLICATE_KEY): what a store from before the rule, or from elsewhere, may hold.
    const other = await createPgliteEventStore();
    try {
      const definition = generateSyntheticElection({ seed: 5, precincts: 2, lists: 2, singleMemberDistricts: 0 });
      const precincts = definition.commissions.flatMap((c, i) => (c.level === 'precinct' ? [i] : []));
      const { publicKey } = demoKeyPair('shared');
      const shared = { ...definition, commissions: definition.commissions.map((c, i) => (precincts.includes(i) ? { ...c, keys: [{ keyId: `${c.id}-k`, publicKey }] } : c)) };
      await other.append(streams.election(shared.id), 'no-stream', [eventToAppend('00000000-0000-4000-8000-000000000001', { type: 'ElectionDefined', data: { definition: shared } })]);
      const loaded = await loadElections(other);
      // It still reads: the election is known, its record as it was.
      expect(loaded.elections.size).toBe(1);
      const report = await verifyAudit(other, { elections: loaded, signatureWorkers: 0 });
      expect(report.ok).toBe(false);
      expect(report.failures.map((f) => [f.check, f.code, f.streamName])).toEqual([['definitions', 'definition-duplicate-key', streams.election(shared.id)]]);
      expect(report.failures[0].message).toBe(
        `the definition of ${shared.id}, at commissions[${precincts[1]}].keys[0].publicKey: this public key is already held by commission "${shared.commissions[precincts[0]].id}" (commissions[${precincts[0]}].keys[0]): each commission signs with keys of its own`,
      );
    } finally {
      await other.close();
    }
  });

  it('a recorded definition naming a key no signature could be verified under is a finding, where it is', async () => {
    // Written past the decider, which refuses it (UNUSABLE_KEY): what a store from elsewhere may hold.
    const other = await createPgliteEventStore();
    try {
      const definition = generateSyntheticElection({ seed: 5, precincts: 2, lists: 2, singleMemberDistricts: 0 });
      const identity = Buffer.concat([Buffer.from([1]), Buffer.alloc(31)]).toString('base64');
      const at = definition.commissions.findIndex((c) => c.parent !== null);
      const weak = { ...definition, commissions: definition.commissions.map((c, i) => (i === at ? { ...c, keys: [{ keyId: 'weak', publicKey: identity }] } : c)) };
      await other.append(streams.election(weak.id), 'no-stream', [eventToAppend('00000000-0000-4000-8000-000000000001', { type: 'ElectionDefined', data: { definition: weak } })]);
      const loaded = await loadElections(other);
      expect(loaded.elections.size).toBe(1);
      expect(loaded.amendmentTroubles).toEqual([]);
      // Judged on the workers, and inline without them: the same finding.
      for (const signatureWorkers of [2, 0]) {
        const report = await verifyAudit(other, { elections: loaded, signatureWorkers });
        expect(report.ok).toBe(false);
        expect(report.failures.map((f) => [f.check, f.code, f.streamName])).toEqual([['definitions', 'definition-unusable-key', streams.election(weak.id)]]);
        expect(report.failures[0].message).toContain(`at commissions[${at}].keys[0] (${weak.commissions[at].id}, key weak), a key not a usable Ed25519 public key`);
      }
    } finally {
      await other.close();
    }
  });
});
