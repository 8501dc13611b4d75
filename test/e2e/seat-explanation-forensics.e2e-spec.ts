// The seat explanation and the forensic signals over HTTP (supertest) on the demo election
// (2023 Almaty City Mäslihat, every protocol in): the explanation's seats are the published
// result's, its precinct totals add up to the votes; the forensic report at the city and below;
// problem+json for bad parameters and refusals.
import { ALMATY_2023_LIST_CONTEST, ALMATY_2023_LIST_RESULT, type ElectionIndex } from '@tally/domain';
import type request from 'supertest';
import { ALMATY_CITY_CONTEST, ALMATY_ELECTION, expectProblem, startAlmatyProjector } from './support/almaty-projector';
import type { TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

const E = ALMATY_ELECTION;
const CONTEST = ALMATY_CITY_CONTEST;

describe('seat explanation and forensics API', () => {
  let tally: TallyTestApp;
  let election: ElectionIndex;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    ({ tally, election, http } = await startAlmatyProjector('xf'));
  });

  afterAll(async () => {
    await tally?.close();
  });

  it('GET …/explanation at the city: the Hare quota, each remainder, 21 ranked seats that are the published ones, and precinct totals that add up', async () => {
    const res = await http.get(`${CONTEST}/explanation`).expect(200);
    const votes = ALMATY_2023_LIST_RESULT.votes as Record<string, number>;
    const seats = ALMATY_2023_LIST_RESULT.seats as Record<string, number>;
    expect(res.body).toMatchObject({ electionId: E, commissionId: 'cec', scope: 'allocating', method: 'hare', seats: 21, unavailable: null });
    const e = res.body.explanation;
    expect(e.kind).toBe('largest-remainder');
    const admitted = Object.entries(votes).filter(([id]) => id !== 'auyl').reduce((s, [, v]) => s + v, 0);
    expect(e.quota).toMatchObject({ numerator: admitted, denominator: 21 });
    expect(e.ranking).toHaveLength(21);
    const perList: Record<string, number> = {};
    for (const s of e.ranking as Array<{ list: string }>) perList[s.list] = (perList[s.list] ?? 0) + 1;
    expect(perList).toEqual(Object.fromEntries(Object.entries(seats).filter(([, n]) => n > 0)));
    expect(e.lists.find((l: { id: string }) => l.id === 'auyl')).toMatchObject({ admitted: false, quotaSeats: null, remainder: null, seats: 0 });

    // Every page of precincts, summed, is each list's votes; no signature or submitter anywhere.
    const sums: Record<string, number> = {};
    let offset: number | null = 0;
    let pages = 0;
    while (offset !== null) {
      const page: request.Response = await http.get(`${CONTEST}/explanation`).query({ offset: String(offset), limit: '100' }).expect(200);
      expect(page.body.protocols.total).toBe(320);
      for (const p of page.body.protocols.precincts) for (const [id, n] of Object.entries(p.votes as Record<string, number>)) sums[id] = (sums[id] ?? 0) + n;
      expect(JSON.stringify(page.body.protocols)).not.toMatch(/signature|submittedBy/);
      offset = page.body.protocols.next;
      pages++;
    }
    expect(pages).toBe(4);
    expect(sums).toEqual(votes);
  });

  it('refuses the explanation below the allocating scope (409), for a district contest (404), and bad paging (400 naming the field)', async () => {
    const district = election.definition.commissions.find((c) => c.level === 'district')!.id;
    const below = await http.get(`/v1/elections/${E}/commissions/${district}/contests/${ALMATY_2023_LIST_CONTEST}/explanation`);
    expectProblem(below, 409, 'NOT_ALLOCATING_SCOPE', 'commissionId');
    expect(below.body.operands).toEqual({ allocatingCommissionId: 'cec' });
    const singleMember = election.definition.contests.find((c) => c.kind === 'single-member')!.id;
    expectProblem(await http.get(`/v1/elections/${E}/commissions/cec/contests/${singleMember}/explanation`), 404, 'NOT_FOUND', 'contestId');
    for (const [query, field] of [
      [{ limit: '0' }, 'limit'],
      [{ limit: '10001' }, 'limit'],
      [{ offset: '-1' }, 'offset'],
      [{ offset: 'x' }, 'offset'],
      [{ page: '2' }, 'query'],
    ] as const) {
      const res = await http.get(`${CONTEST}/explanation`).query(query);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('MALFORMED');
      if (field !== 'query') expect(res.body.field).toBe(field);
    }
  });

  it('GET …/forensics at the city: the fingerprint of all 320 precincts and five signals, each with its test, threshold and status', async () => {
    const res = await http.get(`${CONTEST}/forensics`).expect(200);
    expect(res.body).toMatchObject({ electionId: E, commissionId: 'cec', contestId: ALMATY_2023_LIST_CONTEST, leader: 'amanat', precincts: { reported: 320, expected: 320 } });
    expect(res.body.note).toMatch(/not verdicts/);
    expect(res.body.fingerprint.precincts).toBe(320);
    expect((res.body.fingerprint.cells as number[][]).reduce((s, c) => s + c[2], 0)).toBe(320);
    expect(res.body.signals.map((s: { test: string }) => s.test)).toEqual(['integer-turnout', 'integer-leader-share', 'last-digit', 'late-arrival', 'corrections']);
    for (const s of res.body.signals) {
      expect(['flagged', 'clear', 'insufficient-data']).toContain(s.status);
      expect(s.threshold.rule).toEqual(expect.any(String));
      expect(s.precincts.length).toBeLessThanOrEqual(100);
      if (s.status === 'flagged') expect(s.precincts.length).toBeGreaterThan(0);
    }
    // The p-value tests read all 320 precincts; no protocol was corrected.
    expect(res.body.signals[0]).toMatchObject({ sample: 320, threshold: { alpha: 0.001 } });
    expect(res.body.signals[4].details).toMatchObject({ corrected: 0, contestCorrected: 0 });
    // Late arrival reads the store's record times: instants, in RFC 3339 when there is a spread to judge.
    const late = res.body.signals[3];
    expect(late.pValue).toBeNull();
    expect(late.sample).toBe(320);
  });

  it('answers forensics below the allocating scope too (a district’s own precincts), and refuses unknown ids (404) and parameters (400)', async () => {
    const district = election.definition.commissions.find((c) => c.level === 'district')!.id;
    const local = await http.get(`/v1/elections/${E}/commissions/${district}/contests/${ALMATY_2023_LIST_CONTEST}/forensics`).expect(200);
    expect(local.body.precincts.reported).toBe(local.body.precincts.expected);
    expect(local.body.fingerprint.precincts).toBe(local.body.precincts.reported);
    expectProblem(await http.get(`/v1/elections/${E}/commissions/nope/contests/${ALMATY_2023_LIST_CONTEST}/forensics`), 404, 'NOT_FOUND', 'commissionId');
    expectProblem(await http.get(`/v1/elections/${E}/commissions/cec/contests/nope/forensics`), 404, 'NOT_FOUND', 'contestId');
    const bad = await http.get(`${CONTEST}/forensics`).query({ alpha: '0.05' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('MALFORMED');
  });

  it('lists both endpoints in the OpenAPI document with their responses', async () => {
    const doc = (await http.get('/docs/openapi.json').expect(200)).body;
    for (const path of ['explanation', 'forensics']) {
      const op = doc.paths[`/v1/elections/{electionId}/commissions/{commissionId}/contests/{contestId}/${path}`]?.get;
      expect(op).toBeDefined();
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
    }
    expect(doc.components.schemas.ExplanationDtoDoc).toBeDefined();
    expect(doc.components.schemas.ForensicsDtoDoc).toBeDefined();
  });
});
