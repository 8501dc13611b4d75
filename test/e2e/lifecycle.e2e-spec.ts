// A territorial commission's result protocol and the certification of the seats, end to end
// (embedded store, every role in this process, real HTTP, real Ed25519 signatures): the
// precincts' protocols go through intake and the recorder; a district's summary one vote off is
// refused with that line named, the matching one is recorded and its figures say `summarized`;
// the root certifies the seats (the CDF's Status turns `certified`, NIST's word for the official results); a correction is then refused
// RESULTS_CERTIFIED until the root decertifies with a reason; `tally audit verify`'s checks
// decide every act again and pass, and find
// a summary forced into the store past the decider.
import { verifyAudit } from '@tally/audit';
import {
  bodyOutcomes,
  generateProtocols,
  generateSyntheticElection,
  ProtocolShape,
  sumProtocols,
  SYNTHETIC_BODY,
  SYNTHETIC_LIST_CONTEST,
  type ElectionIndex,
  type LifecycleAct,
  type Protocol,
} from '@tally/domain';
import { eventToAppend, streams, type EventStore } from '@tally/event-store';
import { demoKeyPair, signAct, votesDigest, withDemoKeys } from '@tally/signatures';
import request from 'supertest';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { ProjectorService } from '../../apps/tally-server/src/projector/projector.service';
import { cdfValidator } from '../fixtures/nist/cdf-validator';
import { expectProblem } from './support/intake-helpers';
import { signedCorrectionBody, signedProtocolBody } from './support/signing';
import { ADMIN_TOKEN, startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

describe('result protocols and certification', () => {
  let tally: TallyTestApp;
  let http: ReturnType<typeof request>;
  let election: ElectionIndex;
  let E: string;
  const protocols = new Map<string, Protocol>(); // `${precinct}/${contest}`
  let district: string;
  let root: string;
  const acts = new Map<string, number>();

  /** A signed act body, numbered by its commission's count so far. */
  const signed = (signedBy: string, act: LifecycleAct, sequence = (acts.get(signedBy) ?? 0) + 1) => {
    const key = demoKeyPair(signedBy);
    return { sequence, act, signature: signAct({ electionId: E, signedBy, sequence, act }, key.keyId, key.privateKeyPem) };
  };
  const post = async (signedBy: string, act: LifecycleAct) => {
    const body = signed(signedBy, act);
    const res = await http.post(`/v1/elections/${E}/acts`).send(body);
    if (res.status === 201) acts.set(signedBy, body.sequence);
    return res;
  };
  const totalsAt = (commissionId: string, contestId: string) => {
    const voting = new Set(election.precinctsInContest(contestId));
    const under = election.precinctsUnder(commissionId).filter((p) => voting.has(election.precinctIndex(p) as number));
    return sumProtocols(contestId, under.length, under.map((p) => protocols.get(`${p}/${contestId}`) as Protocol));
  };

  beforeAll(async () => {
    tally = await startTallyApp({ mode: 'embedded', env: { TALLY_RATE_LIMIT: '100000' } });
    http = request(tally.server);
    const definition = { ...withDemoKeys(generateSyntheticElection({ seed: 31, precincts: 12, regions: 2, districtsPerRegion: 2, singleMemberDistricts: 2 })), id: 'certified-2026' };
    E = definition.id;
    await http.post('/v1/elections').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(definition).expect(201);
    election = tally.app.get(ElectionRegistry).get(E)!;
    root = election.root.id;
    district = definition.commissions.find((c) => c.level === 'district')!.id;
    for (const s of generateProtocols(definition, 31)) {
      if (s.kind !== 'protocol') continue;
      protocols.set(`${s.precinctId}/${s.contestId}`, ProtocolShape.parse(s.protocol));
      const res = await http.post(`/v1/elections/${E}/precincts/${s.precinctId}/protocols`).send(signedProtocolBody(E, s.precinctId, s.protocol));
      expect(res.status).toBe(202);
      await http.get(`${res.body.statusUrl}?wait=20s`).expect(200);
    }
    const view = tally.app.get(ProjectorService).engine.view(E)!;
    expect(view.cursor.eventsApplied).toBe(protocols.size);
  });

  afterAll(async () => {
    await tally?.close();
  });

  it('a district summary one vote off is refused with that line named; the matching one is recorded and its figures say summarized', async () => {
    const totals = totalsAt(district, SYNTHETIC_LIST_CONTEST);
    const line = Object.keys(totals.lines).find((l) => l.startsWith('votes.'))!;
    const off: LifecycleAct = { kind: 'summary', commissionId: district, contestId: SYNTHETIC_LIST_CONTEST, precincts: totals.reported, lines: { ...totals.lines, [line]: totals.lines[line] + 1 } };
    const refused = expectProblem(await post(district, off), 422, 'SUMMARY_MISMATCH');
    expect(refused.field).toBe(`act.lines.${line}`);
    expect(refused.operands).toEqual({ line, summary: totals.lines[line] + 1, precincts: totals.lines[line] });
    expect(refused.errors).toHaveLength(1);

    // A forged signature (another commission's key) is refused before the content.
    const forged = signed(root, { ...off, lines: totals.lines });
    expectProblem(await http.post(`/v1/elections/${E}/acts`).send({ ...forged, signature: { ...forged.signature, keyId: demoKeyPair(district).keyId } }), 401, 'BAD_SIGNATURE');

    const contestUrl = `/v1/elections/${E}/commissions/${district}/contests/${SYNTHETIC_LIST_CONTEST}`;
    expect((await http.get(contestUrl).expect(200)).body.status).toBe('provisional');
    const ok = await post(district, { ...off, lines: totals.lines });
    expect(ok.status).toBe(201);
    expect((await http.get(contestUrl).expect(200)).body.status).toBe('summarized');
    // The same body again decides nothing.
    const again = await http.post(`/v1/elections/${E}/acts`).send(signed(district, { ...off, lines: totals.lines }, 1));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'unchanged', position: ok.body.position });
  });

  it('the root certifies the seats (outcome and digest of the sums); the CDF turns certified (official); a correction is then refused RESULTS_CERTIFIED until a decertification', async () => {
    const contests = election.definition.contests.filter((c) => c.body === SYNTHETIC_BODY);
    const totals = new Map(contests.map((c) => [c.id, totalsAt(root, c.id)]));
    const outcomes = bodyOutcomes(election.definition, SYNTHETIC_BODY, (k) => totals.get(k)!, () => undefined);
    if (!outcomes.ok) throw new Error(`the synthetic night must allocate: ${outcomes.reason}`);
    const certification: LifecycleAct = { kind: 'certification', bodyId: SYNTHETIC_BODY, outcomes: outcomes.outcomes, votesDigest: votesDigest([...totals.values()]) };
    // A district may not certify: the root signs.
    expectProblem(await http.post(`/v1/elections/${E}/acts`).send({ ...signed(district, certification, 1), sequence: 1 }), 401, 'BAD_SIGNATURE');
    expectProblem(await post(root, { ...certification, votesDigest: '0'.repeat(64) }), 422, 'CERTIFICATION_MISMATCH');
    expect((await post(root, certification)).status).toBe(201);

    const body = await http.get(`/v1/elections/${E}/bodies/${SYNTHETIC_BODY}`).expect(200);
    expect(body.body.status).toBe('certified');
    expect((await http.get(`/v1/elections/${E}/commissions/${district}/contests/${SYNTHETIC_LIST_CONTEST}`).expect(200)).body.status).toBe('certified');
    const listed = await http.get(`/v1/elections/${E}/acts`).expect(200);
    expect(listed.body.certified[SYNTHETIC_BODY]).toMatchObject({ sequence: 1, votesDigest: certification.votesDigest });
    expect(listed.body.next).toMatchObject({ [root]: 2, [district]: 2 });

    const cdf = await http.get(`/v1/elections/${E}/open-data/results.cdf.json`).expect(200);
    expect(cdf.headers['x-tally-results-status']).toBe('certified');
    const validator = cdfValidator();
    expect(validator.validate(cdf.body) ? [] : validator.errors()).toEqual([]);
    expect(cdf.body.Status).toBe('certified');

    // A correction, properly signed by the district, is refused while the seats stand certified.
    const precinct = election.precinctsUnder(district)[0];
    const before = protocols.get(`${precinct}/${SYNTHETIC_LIST_CONTEST}`)!;
    const corrected: Protocol = { ...before, invalid: before.invalid + 1, ballotsFound: before.ballotsFound + 1, ballotsIssued: { ...before.ballotsIssued, atStation: before.ballotsIssued.atStation + 1 }, ballotsCancelled: before.ballotsCancelled - 1 };
    const refusedRes = await http.post(`/v1/elections/${E}/precincts/${precinct}/protocols/${SYNTHETIC_LIST_CONTEST}/corrections`).send(signedCorrectionBody(E, precinct, SYNTHETIC_LIST_CONTEST, corrected, 'recount', district, 2));
    expect(refusedRes.status).toBe(202);
    const refusedStatus = await http.get(`${refusedRes.body.statusUrl}?wait=20s`).expect(200);
    expect(refusedStatus.body).toMatchObject({ state: 'refused', reasons: [expect.objectContaining({ code: 'RESULTS_CERTIFIED', operands: { contestId: SYNTHETIC_LIST_CONTEST, bodyId: SYNTHETIC_BODY } })] });

    expectProblem(await post(root, { kind: 'decertification', bodyId: SYNTHETIC_BODY, reason: ' ' }), 400, 'MALFORMED');
    expect((await post(root, { kind: 'decertification', bodyId: SYNTHETIC_BODY, reason: 'recount ordered at ' + precinct })).status).toBe(201);
    // The old certification, replayed, changes nothing: its sequence is spent.
    const replay = await http.post(`/v1/elections/${E}/acts`).send(signed(root, certification, 1));
    expect(replay.status).toBe(200);
    expect((await http.get(`/v1/elections/${E}/bodies/${SYNTHETIC_BODY}`).expect(200)).body.status).toBe('provisional');

    // A new signed body (new reason, so a new signature) for the correction is recorded now.
    const accepted = await http.post(`/v1/elections/${E}/precincts/${precinct}/protocols/${SYNTHETIC_LIST_CONTEST}/corrections`).send(signedCorrectionBody(E, precinct, SYNTHETIC_LIST_CONTEST, corrected, 'recount, after decertification', district, 2));
    expect((await http.get(`${accepted.body.statusUrl}?wait=20s`).expect(200)).body).toMatchObject({ state: 'recorded', eventType: 'ProtocolCorrected' });
    // The district's summary no longer equals its precincts: its figures are provisional again.
    expect((await http.get(`/v1/elections/${E}/commissions/${district}/contests/${SYNTHETIC_LIST_CONTEST}`).expect(200)).body.status).toBe('provisional');
  });

  it('the auditors’ verify decides every act again (and the refused correction under the certification) and passes; a forced summary fails it', async () => {
    const store = tally.app.get<EventStore>(EVENT_STORE);
    const report = await verifyAudit(store);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);

    // A summary forced into the store past the decider — signed by the district's own key, but
    // one vote off — is found: verify decides it again against the sums recorded before it.
    const stream = streams.election(E);
    const recorded = await store.readStream(stream);
    const totals = totalsAt(district, SYNTHETIC_LIST_CONTEST);
    const line = Object.keys(totals.lines).find((l) => l.startsWith('votes.'))!;
    const forced: LifecycleAct = { kind: 'summary', commissionId: district, contestId: SYNTHETIC_LIST_CONTEST, precincts: totals.reported, lines: { ...totals.lines, [line]: totals.lines[line] - 1 } };
    const body = signed(district, forced, 2);
    const data = { electionId: E, signedBy: district, sequence: 2, act: forced, receivedAt: new Date().toISOString(), signature: body.signature };
    await store.append(stream, recorded[recorded.length - 1].revision, [eventToAppend('5a0c2e7b-1d3f-4b6a-8c9e-0f1a2b3c4d5e', { type: 'ResultsSummarized', data })]);
    const dirty = await verifyAudit(store);
    expect(dirty.ok).toBe(false);
    expect(dirty.failures).toEqual([expect.objectContaining({ check: 'decider', code: 'SUMMARY_MISMATCH', streamName: stream, message: expect.stringContaining(line) })]);
  });
});
