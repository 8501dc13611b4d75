// Issue 5 acceptance, shared by the embedded and the Kafka + PostgreSQL suites: every commission
// endpoint over HTTP, every bad-input case answered with problem+json and nothing published,
// outcomes recorded with the signature an auditor can verify, the admin and operations endpoints.
import { createHash } from 'node:crypto';
import request from 'supertest';
import { stringify as toYaml } from 'yaml';
import {
  ALMATY_2023_LIST_CONTEST,
  almatyCity2023Definition,
  almatyCity2023Protocols,
  decodePrecinctEvent,
  generateSyntheticElection,
  type Protocol,
} from '@tally/domain';
import { readIntakeRefusal } from '@tally/audit';
import { streams, type EventStore } from '@tally/event-store';
import type { SubmissionQueue } from '@tally/intake-queue';
import { demoKeyPair, signedSubjectOfEvent, verifySubmissionSignature, withDemoKeys } from '@tally/signatures';
import { EVENT_STORE, SUBMISSION_QUEUE } from '../../../apps/tally-server/src/infrastructure/tokens';
import { IntakeRejectionLog } from '../../../apps/tally-server/src/intake/intake-rejection-log.service';
import { ADMIN_TOKEN, startTallyApp, type TallyTestApp } from './tally-app';
import { countPublished, expectProblem, intakeRejections } from './intake-helpers';
import { signedCorrectionBody, signedProtocolBody, signedTurnoutBody } from './signing';


const definition = withDemoKeys(almatyCity2023Definition());
const E = definition.id;
const protocols = almatyCity2023Protocols(almatyCity2023Definition());
const listProtocol = (precinctId: string): Protocol => protocols.find((p) => p.precinctId === precinctId && p.contestId === ALMATY_2023_LIST_CONTEST)!.protocol;
const districtOf = (precinctId: string): string => definition.commissions.find((c) => c.id === precinctId)!.parent!;
const protocolsPath = (precinct: string, election = E) => `/v1/elections/${election}/precincts/${precinct}/protocols`;

export function describeIntakeSuite(mode: 'embedded' | 'kafka-postgres'): void {
describe(`intake over HTTP, ${mode}`, () => {
  let t: TallyTestApp;
  let store: EventStore;
  let published: ReturnType<typeof countPublished>;
  const http = () => request(t.server);

  beforeAll(async () => {
    t = await startTallyApp({ mode, env: { TALLY_RATE_LIMIT: '100000' } });
    store = t.app.get(EVENT_STORE);
    published = countPublished(t.app.get<SubmissionQueue>(SUBMISSION_QUEUE));
  }, 120_000);

  afterAll(async () => {
    published?.restore();
    await t?.close();
  });

  /** Runs a request that must be refused, and checks nothing reached the queue. */
  async function refused(send: () => Promise<request.Response>, status: number, code: string) {
    const before = published.count();
    const res = await send();
    const problem = expectProblem(res, status, code);
    expect(published.count()).toBe(before);
    return problem;
  }

  describe('admin: loading and listing elections', () => {
    it('refuses without the admin token, or with a wrong one', async () => {
      const none = await refused(() => http().post('/v1/elections').send(definition), 401, 'TOKEN_REQUIRED');
      expect(none.field).toBe('Authorization');
      await refused(() => http().post('/v1/elections').set('Authorization', 'Bearer not-the-admin-token-at-all').send({ id: 'x' }), 401, 'BAD_TOKEN');
    });

    it('loads a definition as JSON (larger than 64 KB), and the same one again is unchanged', async () => {
      expect(Buffer.byteLength(JSON.stringify(definition))).toBeGreaterThan(64 * 1024);
      const res = await http().post('/v1/elections').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(definition);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ electionId: E, outcome: 'defined' });
      expect(res.headers.location).toBe(`/v1/elections/${E}`);
      const again = await http().post('/v1/elections').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(definition);
      expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: { electionId: E, outcome: 'unchanged' } });
    });

    it('loads a definition as YAML', async () => {
      const small = generateSyntheticElection({ seed: 5, precincts: 3 });
      const res = await http().post('/v1/elections').set('Authorization', `Bearer ${ADMIN_TOKEN}`).set('Content-Type', 'application/yaml').send(toYaml(small));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ electionId: small.id, outcome: 'defined' });
    });

    it('refuses a different definition under a known id (409) and an invalid one (422, every problem)', async () => {
      const changed = { ...definition, name: { ...definition.name, en: 'Something else' } };
      await refused(() => http().post('/v1/elections').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(changed), 409, 'DEFINITION_CONFLICT');
      const invalid = await refused(
        () => http().post('/v1/elections').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ ...definition, id: 'new-one', date: 'soon', extra: 1 }),
        422,
        'INVALID_DEFINITION',
      );
      expect(invalid.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['date', 'extra']));
    });

    it('lists the elections', async () => {
      const res = await http().get('/v1/elections');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expect.arrayContaining([expect.objectContaining({ id: E, precincts: 320, contests: 22, date: '2023-03-19' })]));
    });
  });

  describe('the commission endpoints', () => {
    it('accepts a signed protocol (202, Location), and its status ends recorded with the signature an auditor can verify', async () => {
      const body = signedProtocolBody(E, 'almaty-p001', listProtocol('almaty-p001'));
      const res = await http().post(protocolsPath('almaty-p001')).send(body);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        submissionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        state: 'queued',
        duplicate: false,
        submittedBy: 'almaty-p001',
        statusUrl: `/v1/submissions/${res.body.submissionId}`,
        waitUrl: `/v1/submissions/${res.body.submissionId}?wait=30s`,
      });
      expect(res.headers.location).toBe(res.body.statusUrl);
      // The controller writes this answer itself (not through Express's res.json): the type as
      // before, and the rate limiter's headers, set by its guard, still on it.
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['x-ratelimit-limit']).toMatch(/^\d+$/);

      const status = await http().get(`${res.body.statusUrl}?wait=20s`);
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({ submissionId: res.body.submissionId, state: 'recorded', eventType: 'ProtocolRecorded', stream: streams.precinct(E, 'almaty-p001') });

      const [event] = (await store.readStream(streams.precinct(E, 'almaty-p001'))).filter((e) => e.type === 'ProtocolRecorded');
      const decoded = decodePrecinctEvent(event);
      if (!decoded.ok) throw new Error(`the recorded event does not decode: ${JSON.stringify(decoded.error)}`);
      const recorded = decoded.value;
      expect(recorded.data.signature).toEqual(body.signature);
      expect(verifySubmissionSignature(signedSubjectOfEvent(recorded)!, recorded.data.signature!, demoKeyPair('almaty-p001').publicKey)).toBe(true);
    });

    it('accepts a correction by the territorial commission above the precinct, with its reason', async () => {
      // One more invalid ballot found, issued at the station instead of cancelled: every relation still holds.
      const before = listProtocol('almaty-p001');
      const corrected: Protocol = {
        ...before,
        invalid: before.invalid + 1,
        ballotsFound: before.ballotsFound + 1,
        ballotsIssued: { ...before.ballotsIssued, atStation: before.ballotsIssued.atStation + 1 },
        ballotsCancelled: before.ballotsCancelled - 1,
      };
      const district = districtOf('almaty-p001');
      const body = signedCorrectionBody(E, 'almaty-p001', ALMATY_2023_LIST_CONTEST, corrected, 'recount of invalid ballots', district, 2);
      const res = await http().post(`${protocolsPath('almaty-p001')}/${ALMATY_2023_LIST_CONTEST}/corrections`).send(body);
      expect(res.status).toBe(202);
      expect(res.body.submittedBy).toBe(district);
      const status = await http().get(`${res.body.statusUrl}?wait=20s`);
      expect(status.body).toMatchObject({ state: 'recorded', eventType: 'ProtocolCorrected' });
      const events = await store.readStream(streams.precinct(E, 'almaty-p001'));
      expect(events.at(-1)).toMatchObject({ type: 'ProtocolCorrected', data: { reason: 'recount of invalid ballots', submittedBy: district, version: 2 } });
    });

    it('answers a retry of a recorded body with the first submission id and its state, and adds no event', async () => {
      const body = signedProtocolBody(E, 'almaty-p001', listProtocol('almaty-p001'));
      const before = await store.readStream(streams.precinct(E, 'almaty-p001'));
      const first = before.find((e) => e.type === 'ProtocolRecorded')!.data as { submissionId: string };
      const again = await http().post(protocolsPath('almaty-p001')).send(body);
      expect({ status: again.status, body: again.body }).toEqual({
        status: 200,
        body: expect.objectContaining({ submissionId: first.submissionId, state: 'recorded', duplicate: true, submittedBy: 'almaty-p001' }),
      });
      expect(again.headers.location).toBe(`/v1/submissions/${first.submissionId}`);
      expect(await store.readStream(streams.precinct(E, 'almaty-p001'))).toHaveLength(before.length);
    });

    it('takes an Idempotency-Key: the same key is the same submission, the same key with another body a 422, a bad key a 400', async () => {
      const path = `/v1/elections/${E}/precincts/almaty-p003/turnout`;
      const key = `turnout-10-00-${Date.now()}`;
      const a = await http().post(path).set('Idempotency-Key', key).send(signedTurnoutBody(E, 'almaty-p003', '10:00', 40));
      const b = await http().post(path).set('Idempotency-Key', key).send(signedTurnoutBody(E, 'almaty-p003', '10:00', 40));
      expect(a.status).toBe(202);
      expect([200, 202]).toContain(b.status);
      expect(b.body).toMatchObject({ submissionId: a.body.submissionId, duplicate: true });
      expect((await http().get(`${a.body.statusUrl}?wait=20s`)).body).toMatchObject({ state: 'recorded', eventType: 'TurnoutReported' });
      const other = await refused(() => http().post(path).set('Idempotency-Key', key).send(signedTurnoutBody(E, 'almaty-p003', '10:00', 41)), 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(other).toMatchObject({ field: 'Idempotency-Key', operands: { submissionId: a.body.submissionId } });
      const bad = await refused(() => http().post(path).set('Idempotency-Key', 'two words').send(signedTurnoutBody(E, 'almaty-p003', '10:00', 40)), 400, 'MALFORMED');
      expect(bad.field).toBe('Idempotency-Key');
      const events = (await store.readStream(streams.precinct(E, 'almaty-p003'))).filter((e) => e.type === 'TurnoutReported');
      expect(events.map((e) => (e.data as { ballotsIssued: number }).ballotsIssued)).toEqual([40]);
    });

    it('accepts running turnout at a reporting time', async () => {
      const res = await http().post(`/v1/elections/${E}/precincts/almaty-p002/turnout`).send(signedTurnoutBody(E, 'almaty-p002', '10:00', 120));
      expect(res.status).toBe(202);
      const status = await http().get(`${res.body.statusUrl}?wait=20s`);
      expect(status.body).toMatchObject({ state: 'recorded', eventType: 'TurnoutReported' });
    });

    it("reports the decider's refusal in the status (a second protocol without a correction)", async () => {
      // Other figures, so another signed body: the same body again would be a replay, not a second protocol.
      const before = listProtocol('almaty-p001');
      const other: Protocol = { ...before, invalid: before.invalid + 2, ballotsFound: before.ballotsFound + 2, ballotsIssued: { ...before.ballotsIssued, atStation: before.ballotsIssued.atStation + 2 }, ballotsCancelled: before.ballotsCancelled - 2 };
      const res = await http().post(protocolsPath('almaty-p001')).send(signedProtocolBody(E, 'almaty-p001', other));
      expect(res.status).toBe(202);
      const status = await http().get(`${res.body.statusUrl}?wait=20s`);
      expect(status.body).toMatchObject({ state: 'refused', reasons: [expect.objectContaining({ code: 'ALREADY_RECORDED' })] });
    });
  });

  describe('bad input: problem+json naming the field and the rule, nothing published', () => {
    const p = 'almaty-p010';
    const good = () => listProtocol(p);
    const post = (body: unknown, path = protocolsPath(p)) => () => http().post(path).send(body as object);

    it('malformed JSON', async () => {
      const problem = await refused(() => http().post(protocolsPath(p)).set('Content-Type', 'application/json').send('{"protocol": {'), 400, 'MALFORMED');
      expect(problem.message).toMatch(/not JSON/);
    });

    it('wrong types', async () => {
      const problem = await refused(post(signedProtocolBody(E, p, { ...good(), ballotsFound: '12' as unknown as number })), 400, 'MALFORMED');
      expect(problem.field).toBe('protocol.ballotsFound');
    });

    it('unknown fields, at the top and inside the protocol', async () => {
      const top = await refused(post({ ...signedProtocolBody(E, p, good()), extra: true }), 400, 'MALFORMED');
      expect(top.field).toBe('extra');
      const inner = await refused(post(signedProtocolBody(E, p, { ...good(), spoiled: 3 } as Protocol)), 400, 'MALFORMED');
      expect(inner.field).toBe('protocol.spoiled');
    });

    it('a missing protocol', async () => {
      const problem = await refused(post({ signature: { keyId: 'k', value: 'v' } }), 400, 'MALFORMED');
      expect(problem.field).toBe('protocol');
    });

    it('negative and fractional counts', async () => {
      const negative = await refused(post(signedProtocolBody(E, p, { ...good(), invalid: -1 })), 422, 'NOT_A_COUNT');
      expect(negative).toMatchObject({ field: 'protocol.invalid', operands: { value: -1 } });
      const fractional = await refused(post(signedProtocolBody(E, p, { ...good(), ballotsLost: 0.5 })), 422, 'NOT_A_COUNT');
      expect(fractional.field).toBe('protocol.ballotsLost');
    });

    it('broken control relations, every one listed with its operands', async () => {
      const broken = { ...good(), ballotsFound: good().ballotsFound + 5, ballotsReceived: good().ballotsReceived + 1 };
      const problem = await refused(post(signedProtocolBody(E, p, broken)), 422, 'BALLOTS_RECEIVED_MISMATCH');
      expect(problem.errors.map((e) => e.code)).toEqual(expect.arrayContaining(['BALLOTS_RECEIVED_MISMATCH', 'BALLOTS_FOUND_MISMATCH']));
      const found = problem.errors.find((e) => e.code === 'BALLOTS_FOUND_MISMATCH')!;
      expect(found).toMatchObject({ field: 'protocol.ballotsFound', operands: { ballotsFound: broken.ballotsFound, invalid: broken.invalid } });
    });

    it('unknown election, precinct, contest and list', async () => {
      await refused(post(signedProtocolBody('nowhere', p, good()), protocolsPath(p, 'nowhere')), 404, 'UNKNOWN_ELECTION');
      const precinct = await refused(post(signedProtocolBody(E, 'almaty-p999', good()), protocolsPath('almaty-p999')), 404, 'UNKNOWN_PRECINCT');
      expect(precinct.operands).toEqual({ electionId: E, precinctId: 'almaty-p999' });
      const contest = await refused(post(signedProtocolBody(E, p, { ...good(), contestId: 'no-such-contest' })), 422, 'UNKNOWN_CONTEST');
      expect(contest.field).toBe('protocol.contestId');
      const list = await refused(post(signedProtocolBody(E, p, { ...good(), votes: { ...good().votes, 'pirate-party': 0 } })), 422, 'UNKNOWN_CHOICE');
      expect(list.field).toBe('protocol.votes.pirate-party');
    });

    it('a missing, a wrong, and an unknown-key signature', async () => {
      const { signature: _none, ...unsigned } = signedProtocolBody(E, p, good());
      const missing = await http().post(protocolsPath(p)).send(unsigned);
      expect(expectProblem(missing, 401, 'BAD_SIGNATURE').field).toBe('signature');
      expect(missing.headers['www-authenticate']).toMatch(/ed25519/);
      const signedOther = signedProtocolBody(E, p, { ...good(), invalid: good().invalid });
      const tampered = { ...signedOther, protocol: { ...good(), againstAll: good().againstAll + 1, ballotsFound: good().ballotsFound + 1 } };
      expect((await refused(post(tampered), 401, 'BAD_SIGNATURE')).field).toBe('signature.value');
      const body = signedProtocolBody(E, p, good());
      const unknown = await refused(post({ ...body, signature: { ...(body.signature as object), keyId: 'stolen-laptop' } }), 401, 'BAD_SIGNATURE');
      expect(unknown).toMatchObject({ field: 'signature.keyId', operands: { keyId: 'stolen-laptop', problem: 'unknown-key' } });
    });

    it('a commission out of scope: another precinct, a precinct correcting, a district outside its subtree', async () => {
      const other = await refused(post(signedProtocolBody(E, p, good(), 'almaty-p011')), 403, 'OUT_OF_SCOPE');
      expect(other.operands).toEqual({ submittedBy: 'almaty-p011', precinctId: p });
      const correctionPath = `${protocolsPath('almaty-p001')}/${ALMATY_2023_LIST_CONTEST}/corrections`;
      await refused(post(signedCorrectionBody(E, 'almaty-p001', ALMATY_2023_LIST_CONTEST, listProtocol('almaty-p001'), 'typo', 'almaty-p001', 2), correctionPath), 403, 'OUT_OF_SCOPE');
      const foreignDistrict = definition.commissions.find((c) => c.level === 'district' && c.id !== districtOf('almaty-p001'))!.id;
      await refused(post(signedCorrectionBody(E, 'almaty-p001', ALMATY_2023_LIST_CONTEST, listProtocol('almaty-p001'), 'typo', foreignDistrict, 2), correctionPath), 403, 'OUT_OF_SCOPE');
    });

    it('a correction without a reason', async () => {
      const correctionPath = `${protocolsPath('almaty-p001')}/${ALMATY_2023_LIST_CONTEST}/corrections`;
      const district = districtOf('almaty-p001');
      await refused(post(signedCorrectionBody(E, 'almaty-p001', ALMATY_2023_LIST_CONTEST, listProtocol('almaty-p001'), '  ', district, 2), correctionPath), 422, 'REASON_REQUIRED');
      const { reason: _r, ...noReason } = signedCorrectionBody(E, 'almaty-p001', ALMATY_2023_LIST_CONTEST, listProtocol('almaty-p001'), 'x', district, 2);
      expect((await refused(post(noReason, correctionPath), 400, 'MALFORMED')).field).toBe('reason');
    });

    it('turnout at an unknown time, or more than the voter list', async () => {
      const path = `/v1/elections/${E}/precincts/${p}/turnout`;
      await refused(post(signedTurnoutBody(E, p, '11:00', 10), path), 422, 'UNKNOWN_TURNOUT_TIME');
      await refused(post(signedTurnoutBody(E, p, '12:00', 1_000_000), path), 422, 'ISSUED_EXCEEDS_REGISTERED');
    });

    it('a body over 64 KB (413)', async () => {
      const big = { ...signedProtocolBody(E, p, good()), padding: 'x'.repeat(70 * 1024) };
      const problem = await refused(post(big), 413, 'PAYLOAD_TOO_LARGE');
      expect(problem.operands).toEqual({ limit: 65536 });
    });

    it('a wrong content type (415)', async () => {
      const problem = await refused(() => http().post(protocolsPath(p)).set('Content-Type', 'text/plain').send(JSON.stringify(signedProtocolBody(E, p, good()))), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(problem).toMatchObject({ field: 'Content-Type', operands: { contentType: 'text/plain' } });
    });

    it('keeps a signed refusal in the election history with the body hash and the signer; an unsigned one only in memory; counts both', async () => {
      // Signed by a commission's valid key, outside its scope: an entitled sender's act, kept.
      const signed = JSON.stringify(signedProtocolBody(E, p, good(), 'almaty-p002'));
      await refused(() => http().post(protocolsPath(p)).set('Content-Type', 'application/json').send(signed), 403, 'OUT_OF_SCOPE');
      // Signed, but the counts are wrong: kept too.
      const wrong = JSON.stringify(signedProtocolBody(E, p, { ...good(), invalid: -7 }));
      await refused(() => http().post(protocolsPath(p)).set('Content-Type', 'application/json').send(wrong), 422, 'NOT_A_COUNT');
      // A signature that does not verify: a stranger's bytes, never history.
      const forged = { ...signedProtocolBody(E, p, good()), signature: (signedProtocolBody(E, p, { ...good(), invalid: 99 }) as { signature: unknown }).signature };
      const unsigned = JSON.stringify(forged);
      await refused(() => http().post(protocolsPath(p)).set('Content-Type', 'application/json').send(unsigned), 401, 'BAD_SIGNATURE');
      await t.app.get(IntakeRejectionLog).flush();
      const sha = (raw: string) => createHash('sha256').update(raw).digest('hex');
      const records = await intakeRejections(store);
      const kept = (raw: string) => records.find((r) => (r.data as { bodySha256?: string }).bodySha256 === sha(raw));
      expect(kept(signed)).toMatchObject({
        streamName: streams.intakeRejections(E),
        type: 'SubmissionRefusedAtIntake',
        data: { kind: 'protocol', precinctId: p, status: 403, submittedBy: 'almaty-p002', reasons: [expect.objectContaining({ code: 'OUT_OF_SCOPE' })] },
      });
      expect(kept(wrong)).toMatchObject({ data: { status: 422, submittedBy: p, reasons: [expect.objectContaining({ code: 'NOT_A_COUNT', field: 'protocol.invalid' })] } });
      expect(kept(unsigned)).toBeUndefined();
      // What the service writes, the audit reads back (tally audit explain's refusedAtIntake), with
      // what the key signed: the signature verifies under the signer's key, so no one could pin a
      // refusal on a commission that did not sign the request.
      const read = readIntakeRefusal(kept(wrong)!);
      expect(read).toEqual({
        ok: true,
        value: expect.objectContaining({ precinctId: p, kind: 'protocol', status: 422, codes: ['NOT_A_COUNT'], submittedBy: p, bodySha256: sha(wrong), contestId: ALMATY_2023_LIST_CONTEST }),
      });
      for (const [raw, signer] of [[wrong, p], [signed, 'almaty-p002']]) {
        const evidence = readIntakeRefusal(kept(raw)!);
        if (!evidence.ok || !evidence.value.signed) throw new Error(`no signed subject kept for ${signer}'s refusal`);
        expect(evidence.value.signed.subject).toMatchObject({ kind: 'protocol', electionId: E, precinctId: p, contestId: ALMATY_2023_LIST_CONTEST, version: 1 });
        expect(verifySubmissionSignature(evidence.value.signed.subject, evidence.value.signed.signature, demoKeyPair(signer).publicKey)).toBe(true);
      }

      const recent = await http().get('/v1/admin/intake-refusals?limit=3').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
      expect(recent.status).toBe(200);
      expect(recent.body.refusals).toEqual([
        expect.objectContaining({ bodySha256: sha(unsigned), signedBy: null, electionId: E, precinctId: p, status: 401, reasons: [expect.objectContaining({ code: 'BAD_SIGNATURE' })] }),
        expect.objectContaining({ bodySha256: sha(wrong), signedBy: p, status: 422 }),
        expect.objectContaining({ bodySha256: sha(signed), signedBy: 'almaty-p002', status: 403 }),
      ]);
      const metrics = await http().get('/metrics');
      expect(metrics.text).toMatch(/tally_intake_refusals_total\{code="NOT_A_COUNT"\} [1-9]/);
      expect(metrics.text).toMatch(/tally_intake_refusals_total\{code="BAD_SIGNATURE"\} [1-9]/);
    });
  });

  describe('status, routing and operations', () => {
    it('an unknown submission is a 404 problem, a bad wait a 400', async () => {
      await refused(() => http().get('/v1/submissions/8d3f0a54-5bb3-4a7d-9f44-4c1f1b1e0c55'), 404, 'UNKNOWN_SUBMISSION');
      expect((await refused(() => http().get('/v1/submissions/x?wait=forever'), 400, 'MALFORMED')).field).toBe('wait');
    });

    it('an unknown route is a 404 problem', async () => {
      await refused(() => http().get('/v1/nothing-here'), 404, 'NOT_FOUND');
    });

    it('answers liveness and readiness (the queue, the store, and each role of the process)', async () => {
      expect((await http().get('/health/live')).body).toEqual({ status: 'up' });
      const ready = await http().get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'up',
        checks: {
          store: { status: 'up' },
          queue: { status: 'up' },
          registry: { status: 'up', attempt: 0, lastError: null },
          projector: { status: 'up', attempt: 0, lastError: null },
          recorder: { status: 'up', consuming: true, failures: 0 },
          recorders: { status: 'up' },
        },
      });
      expect(ready.body.checks.recorders.members).toBeGreaterThanOrEqual(1);
      expect(['running', 'catching-up']).toContain(ready.body.checks.projector.state);
    });

    it('exposes Prometheus metrics: submissions by outcome, in flight, latency', async () => {
      const res = await http().get('/metrics');
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/tally_submissions_total\{kind="protocol",outcome="accepted"\} [1-9]/);
      expect(res.text).toMatch(/tally_submissions_total\{kind="protocol",outcome="recorded"\} [1-9]/);
      expect(res.text).toMatch(/tally_submissions_total\{kind="protocol",outcome="refused"\} [1-9]/);
      expect(res.text).toMatch(/tally_submission_latency_seconds_count\{outcome="recorded"\} [1-9]/);
      expect(res.text).toMatch(/tally_submissions_in_flight \d/);
      expect(res.text).toMatch(/tally_queue_lag_messages\{group="[^"]+"\} \d+/);
    });

    it('serves the OpenAPI document at /docs', async () => {
      const ui = await http().get('/docs');
      expect(ui.status).toBe(200);
      const doc = await http().get('/docs/openapi.json');
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/v1/elections/{electionId}/precincts/{precinctId}/protocols',
          '/v1/elections/{electionId}/precincts/{precinctId}/protocols/{contestId}/corrections',
          '/v1/elections/{electionId}/precincts/{precinctId}/turnout',
          '/v1/submissions/{submissionId}',
          '/v1/elections',
        ]),
      );
    });
  });
});
}
