// The query API over HTTP (supertest), on the demo election (2023 Almaty City Mäslihat) whose
// protocols add up to the published city result: every endpoint, its figures against the
// published numbers or the protocols themselves, and 404 problem+json for unknown ids.
import {
  ALMATY_2023_BODY,
  ALMATY_2023_LIST_CONTEST,
  ALMATY_2023_LIST_RESULT,
  ALMATY_2023_PRECINCTS,
  almatyCity2023Protocols,
  type ElectionIndex,
  type PrecinctCommand,
} from '@tally/domain';
import type { EventStore } from '@tally/event-store';
import request from 'supertest';
import { createApp, type TallyApp } from '../../apps/tally-server/src/bootstrap';
import { loadAppConfig } from '../../apps/tally-server/src/config/app.config';
import { ElectionRegistry } from '../../apps/tally-server/src/elections/election-registry.service';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { ProjectorService } from '../../apps/tally-server/src/projector/projector.service';
import { appendAll, decidedAppends, demoMeta, type PrecinctStates } from '../../apps/tally-server/src/projector/testing/synthetic-history';

jest.setTimeout(60_000);

const E = 'almaty-city-2023';
const OUTSTANDING_DISTRICT = 'nauryzbay';

describe('query API', () => {
  let app: TallyApp;
  let election: ElectionIndex;
  let http: ReturnType<typeof request>;
  const protocols = almatyCity2023Protocols();
  let n = 0;
  const states: PrecinctStates = new Map();

  async function record(commands: PrecinctCommand[]): Promise<void> {
    const { position } = await appendAll(app.get<EventStore>(EVENT_STORE), decidedAppends(election, commands, states));
    await app.get(ProjectorService).engine.waitForPosition(position as string);
  }
  const submit = (p: (typeof protocols)[number]): PrecinctCommand => ({ type: 'SubmitProtocol', meta: demoMeta(E, `q-${n}`, n++, p.precinctId), protocol: p.protocol, version: 1 });

  beforeAll(async () => {
    // The projector role alone, in memory, with the demo election.
    const config = { ...loadAppConfig({ TALLY_ROLES: 'projector', TALLY_DEMO: 'true', LOG_LEVEL: 'silent' }), eventStore: { kind: 'embedded' as const } };
    app = await createApp(config, { logger: false });
    http = request(app.getHttpServer());
    election = app.get(ElectionRegistry).get(E)!;
    const outstanding = new Set(election.precinctsUnder(OUTSTANDING_DISTRICT));
    await record(protocols.filter((p) => !outstanding.has(p.precinctId)).map(submit));
  });

  afterAll(async () => {
    await app.close();
  });

  const expectProblem = (res: request.Response, status: number, code: string, field: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code, field });
  };

  it('GET /v1/elections lists the election with its names and progress', async () => {
    const res = await http.get('/v1/elections').expect(200);
    const outstanding = election.precinctsUnder(OUTSTANDING_DISTRICT).length;
    expect(res.body).toEqual([
      expect.objectContaining({
        id: E,
        name: election.definition.name,
        date: '2023-03-19',
        rootCommissionId: 'cec',
        demo: true, // the demo election's keys are derived from public seeds
        precincts: ALMATY_2023_PRECINCTS,
        progress: {
          precincts: { reported: ALMATY_2023_PRECINCTS - outstanding, expected: ALMATY_2023_PRECINCTS },
          protocols: { reported: 2 * (ALMATY_2023_PRECINCTS - outstanding), expected: 2 * ALMATY_2023_PRECINCTS },
        },
      }),
    ]);
    expect(res.body[0].position).toMatch(/^\d+:\d+$/);
  });

  it('GET /v1/elections/{id} gives lists with colours, contests, candidates and the summary', async () => {
    const res = await http.get(`/v1/elections/${E}`).expect(200);
    expect(res.body.lists.map((l: { id: string; colour: string }) => [l.id, l.colour])).toEqual(election.definition.lists.map((l) => [l.id, l.colour]));
    expect(res.body.lists[0].name).toEqual({ kk: '«AMANAT» партиясы', ru: 'Партия «AMANAT»', en: 'Amanat Party' });
    expect(res.body.contests).toHaveLength(22);
    expect(res.body.contests[0]).toMatchObject({ kind: 'list', id: ALMATY_2023_LIST_CONTEST, seats: 21, thresholdPercent: 5, method: 'hare' });
    expect(res.body.bodies).toEqual([expect.objectContaining({ id: ALMATY_2023_BODY, contestIds: election.definition.contests.map((c) => c.id) })]);
    expect(res.body.candidates.length).toBe(election.definition.candidates.length);
    expect(res.body.turnoutTimes).toEqual(['10:00', '12:00', '14:00', '16:00', '18:00', '20:00']);
    expect(res.body.summary).toMatchObject({ electionId: E, eventsIgnored: 0, refusals: { total: 0, byCode: {}, byKind: {} } });
  });

  it('GET …/tree gives the commission tree with progress, to a depth, from a subtree, with precincts on request', async () => {
    const full = await http.get(`/v1/elections/${E}/tree`).expect(200);
    expect(full.body.id).toBe('cec');
    expect(full.body.children[0].id).toBe('almaty');
    const districts = full.body.children[0].children as { id: string; precincts: { reported: number; expected: number }; children: unknown[] }[];
    expect(districts.map((d) => d.id)).toEqual(election.children('almaty'));
    const naur = districts.find((d) => d.id === OUTSTANDING_DISTRICT)!;
    expect(naur.precincts).toEqual({ reported: 0, expected: election.precinctsUnder(OUTSTANDING_DISTRICT).length });
    expect(naur.children).toEqual([]); // precinct nodes only on request

    const shallow = await http.get(`/v1/elections/${E}/tree?depth=1`).expect(200);
    expect(shallow.body.children[0].children).toBeUndefined();
    const sub = await http.get(`/v1/elections/${E}/tree?from=medeu&precincts=true`).expect(200);
    expect(sub.body.children.map((c: { id: string }) => c.id)).toEqual(election.children('medeu'));
    expect(sub.body.children[0]).toMatchObject({ level: 'precinct', precincts: { reported: 1, expected: 1 }, protocols: { reported: 2, expected: 2 } });

    expectProblem(await http.get(`/v1/elections/${E}/tree?depth=-1`), 400, 'MALFORMED', 'depth');
    expectProblem(await http.get(`/v1/elections/${E}/tree?from=nowhere`), 404, 'NOT_FOUND', 'from');
  });

  it('GET …/commissions/{cid}/contests/{contest} at a precinct is its protocol, with exact ratios and rounded percentages', async () => {
    const p = protocols[0];
    const res = await http.get(`/v1/elections/${E}/commissions/${p.precinctId}/contests/${p.contestId}`).expect(200);
    const issued = p.protocol.ballotsIssued.atStation + p.protocol.ballotsIssued.early + p.protocol.ballotsIssued.mobile;
    const listVotes = Object.values(p.protocol.votes).reduce((a, b) => a + b, 0);
    const base = listVotes + p.protocol.againstAll;
    expect(res.body).toMatchObject({
      kind: 'list',
      commissionId: p.precinctId,
      contestId: p.contestId,
      name: election.contest(p.contestId)!.name,
      precincts: { reported: 1, expected: 1 },
      ballotsIssued: { total: issued },
      ballotsFound: p.protocol.ballotsFound,
      invalid: p.protocol.invalid,
      againstAll: p.protocol.againstAll,
      base,
      turnout: { numerator: issued, denominator: p.protocol.registeredVoters },
    });
    const amanat = res.body.lists[0];
    expect(amanat.votes).toBe(p.protocol.votes.amanat);
    expect(amanat.share.numerator).toBe(p.protocol.votes.amanat);
    expect(amanat.share.denominator).toBe(base);
    expect(amanat.share.percent).toBe(Math.round((p.protocol.votes.amanat * 10000) / base) / 100);
  });

  it('GET …/commissions/{cid} while a district is outstanding: progress, children, certainty, then the published result once it is in', async () => {
    const partial = await http.get(`/v1/elections/${E}/commissions/almaty`).expect(200);
    expect(partial.body.commission).toMatchObject({ id: 'almaty', level: 'regional', parentId: 'cec', path: [{ id: 'cec', level: 'central' }] });
    expect(partial.body.children.map((c: { id: string }) => c.id)).toEqual(election.children('almaty'));
    expect(partial.body.contests).toHaveLength(22);
    const list = partial.body.contests.find((c: { contestId: string }) => c.contestId === ALMATY_2023_LIST_CONTEST);
    expect(list.outstandingVoters).toBe(election.precinctsUnder(OUTSTANDING_DISTRICT).reduce((s, id) => s + election.precinct(id)!.registeredVoters, 0));
    expect(list.lists.find((l: { id: string }) => l.id === 'amanat').threshold).toBe('certainly-in');
    expect(partial.body.bodies).toHaveLength(1);
    expect(partial.body.position).toBe(app.get(ProjectorService).engine.view(E)!.cursor.position);

    const outstanding = new Set(election.precinctsUnder(OUTSTANDING_DISTRICT));
    await record(protocols.filter((p) => outstanding.has(p.precinctId)).map(submit));
    const res = await http.get(`/v1/elections/${E}/commissions/cec/contests/${ALMATY_2023_LIST_CONTEST}`).expect(200);
    const votes = Object.fromEntries(res.body.lists.map((l: { id: string; votes: number }) => [l.id, l.votes]));
    const seats = Object.fromEntries(res.body.lists.map((l: { id: string; seats: number }) => [l.id, l.seats]));
    expect(votes).toEqual(ALMATY_2023_LIST_RESULT.votes);
    expect(seats).toEqual(ALMATY_2023_LIST_RESULT.seats);
    expect(res.body.base).toBe(291_756);
    expect(res.body.outstandingVoters).toBe(0);
    expect(res.body.lists[0].share).toEqual({ numerator: 151_531, denominator: 291_756, percent: 51.94 });
    expect(res.body.againstAllShare).toEqual({ numerator: 16_490, denominator: 291_756, percent: 5.65 });
    expect(res.body.lists.map((l: { threshold: string }) => l.threshold)).toEqual(['certainly-in', 'certainly-in', 'certainly-in', 'certainly-in', 'certainly-in', 'certainly-out']);
  });

  it('turnout by reporting time, a correction and a refusal show in the figures', async () => {
    const p = protocols.find((x) => x.contestId === ALMATY_2023_LIST_CONTEST)!;
    const corrected = { ...p.protocol, votes: { ...p.protocol.votes, amanat: p.protocol.votes.amanat - 10, auyl: p.protocol.votes.auyl + 10 } };
    const broken = { ...p.protocol, ballotsFound: p.protocol.ballotsFound + 1 };
    await record([
      { type: 'ReportTurnout', meta: demoMeta(E, 't1', n++, p.precinctId), time: '10:00', ballotsIssued: 100, version: 1 },
      { type: 'ReportTurnout', meta: demoMeta(E, 't2', n++, p.precinctId), time: '12:00', ballotsIssued: 250, version: 1 },
      { type: 'CorrectProtocol', meta: demoMeta(E, 'c1', n++, p.precinctId, election.parentOf(p.precinctId)), protocol: corrected, reason: 'recount', version: 2 },
      { type: 'CorrectProtocol', meta: demoMeta(E, 'c2', n++, p.precinctId, election.parentOf(p.precinctId)), protocol: broken, reason: 'typo', version: 3 },
    ]);
    const res = await http.get(`/v1/elections/${E}/commissions/${p.precinctId}/contests/${ALMATY_2023_LIST_CONTEST}`).expect(200);
    expect(res.body.turnoutByTime.slice(0, 3)).toEqual([
      { time: '10:00', ballotsIssued: 100, registeredVoters: p.protocol.registeredVoters, precinctsReported: 1, turnout: { numerator: 100, denominator: p.protocol.registeredVoters, percent: expect.any(Number) } },
      { time: '12:00', ballotsIssued: 250, registeredVoters: p.protocol.registeredVoters, precinctsReported: 1, turnout: { numerator: 250, denominator: p.protocol.registeredVoters, percent: expect.any(Number) } },
      { time: '14:00', ballotsIssued: 0, registeredVoters: 0, precinctsReported: 0, turnout: { numerator: 0, denominator: 0, percent: null } },
    ]);
    expect(res.body.lists[0].votes).toBe(p.protocol.votes.amanat - 10);
    const city = await http.get(`/v1/elections/${E}/commissions/cec/contests/${ALMATY_2023_LIST_CONTEST}`).expect(200);
    expect(city.body.lists[0].votes).toBe(ALMATY_2023_LIST_RESULT.votes.amanat - 10);
    const summary = (await http.get(`/v1/elections/${E}`).expect(200)).body.summary;
    // One more ballot found than issued breaks two relations; the submission counts once in total.
    expect(summary.refusals).toEqual({ total: 1, byCode: { BALLOTS_FOUND_MISMATCH: 1, FOUND_EXCEEDS_ISSUED: 1 }, byKind: { correction: 1 } });
  });

  it('GET …/bodies/{bodyId} gives the provisional composition of the mixed body', async () => {
    const res = await http.get(`/v1/elections/${E}/bodies/${ALMATY_2023_BODY}`).expect(200);
    expect(res.body).toMatchObject({ bodyId: ALMATY_2023_BODY, seatsTotal: 42, list: { contestId: ALMATY_2023_LIST_CONTEST } });
    expect(res.body.districts).toHaveLength(21);
    expect(res.body.composition.seats).toBe(42);
    expect(res.body.composition.pending).toEqual([]);
    const listSeats = Object.fromEntries(res.body.composition.parties.map((p: { party: string; listSeats: number }) => [p.party, p.listSeats]));
    // A party without seats has no entry (Auyl: 0 list seats, no district).
    expect(listSeats).toEqual(Object.fromEntries(Object.entries(ALMATY_2023_LIST_RESULT.seats).filter(([, s]) => s > 0)));
  });

  it('answers 404 problem+json for an unknown election, commission, contest or body', async () => {
    expectProblem(await http.get('/v1/elections/nope'), 404, 'UNKNOWN_ELECTION', 'electionId');
    expectProblem(await http.get('/v1/elections/nope/tree'), 404, 'UNKNOWN_ELECTION', 'electionId');
    expectProblem(await http.get('/v1/elections/nope/commissions/cec'), 404, 'UNKNOWN_ELECTION', 'electionId');
    expectProblem(await http.get(`/v1/elections/${E}/commissions/nope`), 404, 'NOT_FOUND', 'commissionId');
    expectProblem(await http.get(`/v1/elections/${E}/commissions/nope/contests/${ALMATY_2023_LIST_CONTEST}`), 404, 'NOT_FOUND', 'commissionId');
    expectProblem(await http.get(`/v1/elections/${E}/commissions/cec/contests/nope`), 404, 'NOT_FOUND', 'contestId');
    // A district contest is not voted in at a precinct of another district.
    const p = protocols.find((x) => x.contestId === 'almaty-city-d01')!;
    const other = protocols.find((x) => x.contestId !== ALMATY_2023_LIST_CONTEST && x.contestId !== 'almaty-city-d01')!;
    expectProblem(await http.get(`/v1/elections/${E}/commissions/${other.precinctId}/contests/${p.contestId}`), 404, 'NOT_FOUND', 'contestId');
    expectProblem(await http.get(`/v1/elections/${E}/bodies/nope`), 404, 'NOT_FOUND', 'bodyId');
  });
});
