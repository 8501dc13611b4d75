// Test mode end to end (embedded store, every role in this process, real HTTP, real Ed25519
// signatures): an election defined in test mode takes a test night of 50 precincts through the
// same intake and recorder; commissions post signed zero reports; the root commission signs the
// switch to live, after which the count provably starts at zero: the live night is all the live
// views and exports hold, a test body sent again is not counted, `tally audit verify` passes, and
// a test fact re-recorded as live fails it.
import { explain, verifyAudit } from '@tally/audit';
import { allocatingCommissionOf, generateProtocols, generateSyntheticElection, SYNTHETIC_LIST_CONTEST, type ElectionDefinition, type LifecycleAct } from '@tally/domain';
import { eventToAppend, streams, type EventStore } from '@tally/event-store';
import { demoKeyPair, signAct, withDemoKeys } from '@tally/signatures';
import request from 'supertest';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import type { CommissionPayload } from '../../apps/tally-server/src/results/results.presenter';
import { cdfValidator } from '../fixtures/nist/cdf-validator';
import { expectProblem } from './support/intake-helpers';
import { signedProtocolBody } from './support/signing';
import { ADMIN_TOKEN, startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(180_000);

const TEST_SEED = 5;
const validator = cdfValidator();
const LIVE_SEED = 6;

describe('test mode, the switch to live, a live night', () => {
  let tally: TallyTestApp;
  let http: ReturnType<typeof request>;
  let definition: ElectionDefinition;
  let E: string;
  let root: string;
  const testSubmissions: string[] = [];
  const liveSubmissions: string[] = [];
  const testBodies: { precinctId: string; body: Record<string, unknown> }[] = [];

  /** Submits every protocol of the seeded night through intake; returns the submission ids, each recorded. */
  const night = async (seed: number, into: string[], bodies?: typeof testBodies) => {
    for (const s of generateProtocols(definition, seed)) {
      if (s.kind !== 'protocol') continue;
      const body = signedProtocolBody(E, s.precinctId, s.protocol);
      bodies?.push({ precinctId: s.precinctId, body });
      const res = await http.post(`/v1/elections/${E}/precincts/${s.precinctId}/protocols`).send(body);
      expect(res.status).toBe(202);
      const status = await http.get(`${res.body.statusUrl}?wait=20s`).expect(200);
      expect(status.body).toMatchObject({ state: 'recorded' });
      into.push(res.body.submissionId);
    }
  };
  const act = (signedBy: string, a: LifecycleAct, sequence = 1) => {
    const key = demoKeyPair(signedBy);
    return http.post(`/v1/elections/${E}/acts`).send({ sequence, act: a, signature: signAct({ electionId: E, signedBy, sequence, act: a }, key.keyId, key.privateKeyPem) });
  };
  const rootPayload = async () => (await http.get(`/v1/elections/${E}/commissions/${root}`).expect(200)).body as CommissionPayload;
  const listVotes = (p: CommissionPayload) => {
    const c = p.contests.find((x) => x.contestId === SYNTHETIC_LIST_CONTEST);
    return c && 'lists' in c ? Object.fromEntries(c.lists.map((l) => [l.id, l.votes])) : undefined;
  };
  const expectedVotes = (seed: number) => {
    const sums: Record<string, number> = {};
    for (const s of generateProtocols(definition, seed)) if (s.kind === 'protocol' && s.contestId === SYNTHETIC_LIST_CONTEST) for (const [id, v] of Object.entries(s.protocol.votes)) sums[id] = (sums[id] ?? 0) + v;
    return sums;
  };

  beforeAll(async () => {
    tally = await startTallyApp({ mode: 'embedded', env: { TALLY_RATE_LIMIT: '100000' } });
    http = request(tally.server);
    definition = { ...withDemoKeys(generateSyntheticElection({ seed: TEST_SEED, precincts: 50, singleMemberDistricts: 5 })), id: 'lat-2026', mode: 'test' };
    E = definition.id;
    root = definition.commissions.find((c) => c.parent === null)!.id;
    await http.post('/v1/elections').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(definition).expect(201);
  });

  afterAll(async () => {
    await tally?.close();
  });

  it('a test night of 50 precincts goes through the same path, shown as test figures', async () => {
    await night(TEST_SEED, testSubmissions, testBodies);
    expect((await http.get(`/v1/elections/${E}`).expect(200)).body).toMatchObject({ test: true });
    const payload = await rootPayload();
    expect(payload.test).toBe(true);
    expect(payload.progress.precincts).toEqual({ reported: 50, expected: 50 });
    expect(listVotes(payload)).toEqual(expectedVotes(TEST_SEED));
    const cdf = await http.get(`/v1/elections/${E}/open-data/results.cdf.json`).expect(200);
    expect(cdf.body.Status).toBe('pre-election');
    expect(validator.validate(cdf.body) ? [] : validator.errors()).toEqual([]);
  });

  it('commissions post signed zero reports; the root switches to live; the count starts at zero', async () => {
    const precinct = definition.commissions.find((c) => c.level === 'precinct')!.id;
    expect((await act(precinct, { kind: 'zero-report', commissionId: precinct })).status).toBe(201);
    // Only the root may switch.
    expectProblem(await act(precinct, { kind: 'go-live' }), 401, 'BAD_SIGNATURE');
    // Certification is signed by the body's allocating commission; in test mode it is refused.
    expectProblem(await act(allocatingCommissionOf(definition, 'assembly')!, { kind: 'certification', bodyId: 'assembly', outcomes: [{ kind: 'list', contestId: SYNTHETIC_LIST_CONTEST, seats: {} }], votesDigest: '0'.repeat(64) }), 409, 'NOT_LIVE');
    expect((await act(root, { kind: 'go-live' })).status).toBe(201);
    expectProblem(await act(root, { kind: 'go-live' }, 2), 409, 'ALREADY_LIVE');
    expectProblem(await act(precinct, { kind: 'zero-report', commissionId: precinct }, 2), 409, 'ALREADY_LIVE');

    const payload = await rootPayload();
    expect(payload.test).toBe(false);
    expect(payload.progress.precincts).toEqual({ reported: 0, expected: 50 });
    expect(Object.values(listVotes(payload) ?? {}).every((v) => v === 0)).toBe(true);
    // An auditor's explanation agrees: the test protocols are listed, none of them counted.
    const explained = await explain(tally.app.get<EventStore>(EVENT_STORE), { electionId: E, commissionId: definition.commissions[0].id, contestId: 'list' });
    if (!explained.ok) throw new Error(explained.error.message);
    expect(explained.value.reconciles).toBe(true);
    expect(explained.value.precincts.length).toBeGreaterThan(0);
    expect(explained.value.precincts.every((p) => p.counted === null && p.versions.length > 0)).toBe(true);
    const cdf = await http.get(`/v1/elections/${E}/open-data/results.cdf.json`).expect(200);
    expect(cdf.body.Status).toBe('unofficial-partial');
    expect(validator.validate(cdf.body) ? [] : validator.errors()).toEqual([]);
  });

  it('the live night is all the live views and exports hold; a test body sent again is not counted', async () => {
    await night(LIVE_SEED, liveSubmissions);
    const replayed = testBodies[0];
    const again = await http.post(`/v1/elections/${E}/precincts/${replayed.precinctId}/protocols`).send(replayed.body);
    expect([200, 202]).toContain(again.status);

    const payload = await rootPayload();
    expect(payload.progress.precincts).toEqual({ reported: 50, expected: 50 });
    expect(listVotes(payload)).toEqual(expectedVotes(LIVE_SEED));
    expect(expectedVotes(LIVE_SEED)).not.toEqual(expectedVotes(TEST_SEED));

    const csv = await http.get(`/v1/elections/${E}/open-data/results.csv`).expect(200);
    const header = csv.text.split('\n').find((l) => l.startsWith('precinct_id'))!.split(',');
    const ids = new Set(csv.text.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('precinct_id')).map((l) => l.split(',')[header.indexOf('submission_id')]));
    for (const id of testSubmissions) expect(ids.has(id)).toBe(false);
    for (const id of liveSubmissions) expect(ids.has(id)).toBe(true);
    const cdf = await http.get(`/v1/elections/${E}/open-data/results.cdf.json`).expect(200);
    expect(cdf.body.Status).toBe('unofficial-complete');
    expect(validator.validate(cdf.body) ? [] : validator.errors()).toEqual([]);
  });

  it('verify passes with every epoch checked; a test fact re-recorded as live fails it', async () => {
    const store = tally.app.get<EventStore>(EVENT_STORE);
    const clean = await verifyAudit(store);
    expect(clean.failures).toEqual([]);
    expect(clean.checks.epoch.checked).toBeGreaterThanOrEqual(200);

    // Take a recorded test protocol, drop its test mark, record it again as a live fact.
    const precinctId = testBodies[0].precinctId;
    const stream = streams.precinct(E, precinctId);
    const records = await store.readStream(stream);
    const testFact = records.find((r) => r.type === 'ProtocolRecorded' && (r.data as { test?: boolean }).test === true)!;
    const { test: _mark, ...live } = JSON.parse(JSON.stringify(testFact.data)) as Record<string, unknown>;
    await store.append(stream, records[records.length - 1].revision, [eventToAppend('9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a', { type: 'ProtocolRecorded', data: { ...live, submissionId: '9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1b' } } as never)]);
    const dirty = await verifyAudit(store);
    expect(dirty.ok).toBe(false);
    expect(dirty.failures).toEqual(expect.arrayContaining([expect.objectContaining({ streamName: stream, check: expect.stringMatching(/^(decider|replay)$/) })]));
  });
});
