// `tally act` against a running server (embedded store, real HTTP on a port, real Ed25519): a
// commission asks the server for the draft of its summary — refused while a precinct is out —
// signs it with its key and posts it; the allocating commission signs the drafted certification;
// a decertification written to a file is signed by the signer the server's definition names.
// The server decides every posted act again, so a draft is a convenience, never trusted.
import { generateProtocols, generateSyntheticElection, SYNTHETIC_BODY, SYNTHETIC_LIST_CONTEST, type ElectionDefinition } from '@tally/domain';
import { withDemoKeys } from '@tally/signatures';
import request from 'supertest';
import { runAct, type ActOptions } from '../../apps/tally-cli/src/commands/act.command';
import { fetchJson } from '../../apps/tally-cli/src/fetch-json';
import { memoryIo } from '../../apps/tally-cli/src/memory-io.test-helper';
import { expectProblem } from './support/intake-helpers';
import { signedProtocolBody } from './support/signing';
import { ADMIN_TOKEN, startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

describe('tally act against a running server', () => {
  let tally: TallyTestApp;
  let http: ReturnType<typeof request>;
  let definition: ElectionDefinition;
  let E: string;
  let district: string;

  const act = async (options: Omit<ActOptions, 'election'>, files?: Record<string, string>) => {
    const m = memoryIo(files);
    const code = await runAct({ election: E, server: tally.baseUrl, ...options }, m.io, fetchJson, {});
    return { code, body: code === 0 ? (JSON.parse(m.out()) as unknown) : undefined, err: m.err() };
  };

  beforeAll(async () => {
    tally = await startTallyApp({ mode: 'embedded', listen: true, env: { TALLY_RATE_LIMIT: '100000' } });
    http = request(tally.server);
    definition = { ...withDemoKeys(generateSyntheticElection({ seed: 53, precincts: 8, regions: 2, districtsPerRegion: 2, singleMemberDistricts: 2 })), id: 'act-cli-2026' };
    E = definition.id;
    district = definition.commissions.find((c) => c.level === 'district')!.id;
    await http.post('/v1/elections').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(definition).expect(201);
  });

  afterAll(async () => {
    await tally?.close();
  });

  const submitAll = async () => {
    for (const s of generateProtocols(definition, 53)) {
      if (s.kind !== 'protocol') continue;
      const res = await http.post(`/v1/elections/${E}/precincts/${s.precinctId}/protocols`).send(signedProtocolBody(E, s.precinctId, s.protocol));
      expect(res.status).toBe(202);
      expect((await http.get(`${res.body.statusUrl}?wait=20s`).expect(200)).body).toMatchObject({ state: 'recorded' });
    }
  };

  it('a draft needs an admin or auditor token, and is refused while a precinct is out, naming why', async () => {
    const noToken = await act({ draft: 'summary', commission: district, contest: SYNTHETIC_LIST_CONTEST, demoKey: district });
    expect(noToken.code).toBe(2);
    expect(noToken.err).toContain('--token');
    expectProblem(await http.get(`/v1/elections/${E}/acts/draft?kind=summary&commission=${district}&contest=${SYNTHETIC_LIST_CONTEST}`), 401);
    expectProblem(await http.get(`/v1/elections/${E}/acts/draft?kind=summary&commission=${district}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`), 400, 'MALFORMED');

    const early = await act({ draft: 'summary', commission: district, contest: SYNTHETIC_LIST_CONTEST, token: ADMIN_TOKEN, demoKey: district });
    expect(early.code).toBe(1);
    expect(early.err).toMatch(/409 .*have no protocol recorded yet/);
  });

  it('a district signs its drafted summary and the server records it; the allocating commission signs the drafted certification', async () => {
    await submitAll();
    const summary = await act({ draft: 'summary', commission: district, contest: SYNTHETIC_LIST_CONTEST, token: ADMIN_TOKEN, demoKey: district });
    expect(summary.code).toBe(0);
    expect(summary.err).toContain(`signed as ${district}`);
    expect(summary.body).toMatchObject({ sequence: 1, act: { kind: 'summary', commissionId: district, contestId: SYNTHETIC_LIST_CONTEST } });
    expect((await http.post(`/v1/elections/${E}/acts`).send(summary.body as object)).status).toBe(201);
    expect((await http.get(`/v1/elections/${E}/commissions/${district}/contests/${SYNTHETIC_LIST_CONTEST}`).expect(200)).body.status).toBe('summarized');

    const draft = await http.get(`/v1/elections/${E}/acts/draft?kind=certification&body=${SYNTHETIC_BODY}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    const signer = draft.body.signedBy as string;
    // Signed with another commission's key, the drafted certification is refused by the server.
    const wrongKey = await act({ draft: 'certification', body: SYNTHETIC_BODY, token: ADMIN_TOKEN, demoKey: district });
    expect(wrongKey.code).toBe(0);
    expectProblem(await http.post(`/v1/elections/${E}/acts`).send(wrongKey.body as object), 401, 'BAD_SIGNATURE');
    const certification = await act({ draft: 'certification', body: SYNTHETIC_BODY, token: ADMIN_TOKEN, demoKey: signer });
    expect(certification.code).toBe(0);
    expect((await http.post(`/v1/elections/${E}/acts`).send(certification.body as object)).status).toBe(201);
    expect((await http.get(`/v1/elections/${E}/bodies/${SYNTHETIC_BODY}`).expect(200)).body.status).toBe('certified');
  });

  it('an act from a file is signed as the commission the definition names, with its next sequence number', async () => {
    const signer = (await http.get(`/v1/elections/${E}/acts/draft?kind=certification&body=${SYNTHETIC_BODY}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200)).body.signedBy as string;
    const files = { 'decertify.json': JSON.stringify({ kind: 'decertification', bodyId: SYNTHETIC_BODY, reason: 'a recount is ordered' }), 'bad.json': JSON.stringify({ kind: 'decertification', bodyId: SYNTHETIC_BODY }) };
    const bad = await act({ act: 'bad.json', demoKey: signer }, files);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('reason');
    const decertification = await act({ act: 'decertify.json', demoKey: signer }, files);
    expect(decertification.code).toBe(0);
    expect(decertification.body).toMatchObject({ sequence: 2, act: { kind: 'decertification' } });
    expect((await http.post(`/v1/elections/${E}/acts`).send(decertification.body as object)).status).toBe(201);
    expect((await http.get(`/v1/elections/${E}/bodies/${SYNTHETIC_BODY}`).expect(200)).body.status).toBe('provisional');
  });
});
