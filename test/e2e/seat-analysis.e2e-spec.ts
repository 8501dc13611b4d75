// The seat analysis over HTTP (supertest) on the demo election (2023 Almaty City Mäslihat, every
// protocol in, so the city's figures are the published result): the sensitivity and the what-if
// at the contest's allocating scope, refusals below it, problem+json for bad parameters.
import { allocate, ALMATY_2023_LIST_CONTEST, ALMATY_2023_LIST_RESULT, ALMATY_2023_SENSITIVITY, type ElectionIndex } from '@tally/domain';
import type request from 'supertest';
import { ALMATY_CITY_CONTEST, ALMATY_ELECTION, expectProblem, startAlmatyProjector } from './support/almaty-projector';
import type { TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

const E = ALMATY_ELECTION;
const CONTEST = ALMATY_CITY_CONTEST;

describe('seat analysis API', () => {
  let tally: TallyTestApp;
  let election: ElectionIndex;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    ({ tally, election, http } = await startAlmatyProjector('sa'));
  });

  afterAll(async () => {
    await tally?.close();
  });

  it('GET …/sensitivity at the city: per list the votes from a seat more or less, the figures `tally allocate --sensitivity` prints', async () => {
    const res = await http.get(`${CONTEST}/sensitivity`).expect(200);
    expect(res.body).toMatchObject({ electionId: E, commissionId: 'cec', contestId: ALMATY_2023_LIST_CONTEST, scope: 'allocating', method: 'hare' });
    expect(res.body.precincts.reported).toBe(res.body.precincts.expected);
    // The fixture's figures (checked by brute force in the domain), on the lists' votes and seats.
    const votes = ALMATY_2023_LIST_RESULT.votes as Record<string, number>;
    const seats = ALMATY_2023_LIST_RESULT.seats as Record<string, number>;
    expect(res.body.sensitivity).toEqual(Object.fromEntries(Object.keys(votes).map((id, i) => [id, { votes: votes[id], seats: seats[id], ...ALMATY_2023_SENSITIVITY[i] }])));
  });

  it('GET …/what-if: the same votes under D\'Hondt at 0%, never official, the official Hare at 5% beside it', async () => {
    const res = await http.get(`${CONTEST}/what-if`).query({ method: 'dhondt', thresholdPercent: '0' }).expect(200);
    const votes = ALMATY_2023_LIST_RESULT.votes as Record<string, number>;
    const expected = allocate({
      seats: 21,
      method: 'dhondt',
      thresholdPercent: 0,
      thresholdBase: 'list-votes-plus-against-all',
      lists: Object.entries(votes).map(([id, v]) => ({ id, votes: v })),
      againstAll: ALMATY_2023_LIST_RESULT.againstAll,
      ballotsCast: 0, // read only under the ballots-cast base
      minimumAdmittedLists: 2,
      tieRule: 'registration-order',
    });
    if (expected.kind !== 'allocated') throw new Error('expected an allocation');
    expect(res.body).toMatchObject({
      official: false,
      scope: 'allocating',
      method: 'dhondt',
      thresholdPercent: 0,
      officialMethod: 'hare',
      officialThresholdPercent: 5,
      officialSeats: { amanat: 12, 'peoples-party': 3, respublica: 3, baytaq: 2, 'aq-jol': 1, auyl: 0 },
      seats: Object.fromEntries(expected.lists.map((l) => [l.id, l.seats])),
    });
    expect(Object.values(res.body.seats as Record<string, number>).reduce((s, n) => s + n, 0)).toBe(21);
    // Auyl takes part at 0%: it is below 5%, not below 0%.
    expect(res.body.allocation.lists.find((l: { id: string }) => l.id === 'auyl')).toMatchObject({ passedThreshold: true });
  });

  it('GET …/what-if without parameters is the official settings, still labelled not official', async () => {
    const res = await http.get(`${CONTEST}/what-if`).expect(200);
    expect(res.body).toMatchObject({ official: false, method: 'hare', thresholdPercent: 5, officialMethod: 'hare' });
    expect(res.body.seats).toEqual(res.body.officialSeats);
  });

  it('GET …/contests/{k} says which figures are whose: the whole contest at the city, local shares and contributions at a district', async () => {
    const city = await http.get(CONTEST).expect(200);
    expect(city.body.scope).toEqual({ kind: 'allocating' });
    expect(city.body.allocation.kind).toBe('allocated');
    expect(city.body.lists.find((l: { id: string }) => l.id === 'auyl')).toMatchObject({ threshold: 'certainly-out', seats: 0, contribution: null });

    const district = election.definition.commissions.find((c) => c.level === 'district')!.id;
    const local = await http.get(`/v1/elections/${E}/commissions/${district}/contests/${ALMATY_2023_LIST_CONTEST}`).expect(200);
    expect(local.body.scope).toEqual({ kind: 'local', allocatingCommissionId: 'cec' });
    expect(local.body.allocation).toBeNull();
    const votes = ALMATY_2023_LIST_RESULT.votes as Record<string, number>;
    for (const l of local.body.lists) {
      expect(l).toMatchObject({ threshold: null, admission: null, seats: null });
      expect(l.contribution).toMatchObject({ numerator: l.votes, denominator: votes[l.id] });
      expect(l.share.denominator).toBe(local.body.base);
    }
  });

  it.each([
    [{ method: 'imperiali' }, 'method'],
    [{ thresholdPercent: '10.5' }, 'thresholdPercent'],
    [{ thresholdPercent: '-1' }, 'thresholdPercent'],
    [{ thresholdPercent: '5.125' }, 'thresholdPercent'],
    [{ thresholdPercent: 'five' }, 'thresholdPercent'],
    [{ seats: '30' }, 'seats'],
  ])('refuses bad what-if parameters %j with 400 problem+json naming the field', async (query, field) => {
    const res = await http.get(`${CONTEST}/what-if`).query(query);
    expectProblem(res, 400, 'MALFORMED', field);
    expect(res.body.message).toMatch(/must|unknown/);
  });

  it('refuses both below the allocating scope (409, naming where seats are decided) and for a district contest (404)', async () => {
    const district = election.definition.commissions.find((c) => c.level === 'district')!.id;
    for (const sub of ['sensitivity', 'what-if']) {
      const res = await http.get(`/v1/elections/${E}/commissions/${district}/contests/${ALMATY_2023_LIST_CONTEST}/${sub}`);
      expectProblem(res, 409, 'NOT_ALLOCATING_SCOPE', 'commissionId');
      expect(res.body.operands).toEqual({ allocatingCommissionId: 'cec' });
    }
    const singleMember = election.definition.contests.find((c) => c.kind === 'single-member')!.id;
    expectProblem(await http.get(`/v1/elections/${E}/commissions/cec/contests/${singleMember}/sensitivity`), 404, 'NOT_FOUND', 'contestId');
    expectProblem(await http.get(`/v1/elections/${E}/commissions/cec/contests/nope/what-if`), 404, 'NOT_FOUND', 'contestId');
    expectProblem(await http.get(`/v1/elections/nope/commissions/cec/contests/${ALMATY_2023_LIST_CONTEST}/sensitivity`), 404, 'UNKNOWN_ELECTION', 'electionId');
  });
});
