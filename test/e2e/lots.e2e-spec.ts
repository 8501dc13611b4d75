// Lots over HTTP, embedded mode: a small election whose list contest settles ties by lot and
// whose district is a dead heat. The query API reports both ties (blocking); the admin records a
// lot per contest (POST .../contests/{id}/lots, LotDrawn in `election-<id>`); the seats follow
// the order drawn. An auditor's replay of the store reaches the live view's exact digest.
import { replay } from '@tally/audit';
import { viewDigest } from '@tally/projection';
import { parseElectionDefinition, type Protocol } from '@tally/domain';
import { streams, type EventStore } from '@tally/event-store';
import { withDemoKeys } from '@tally/signatures';
import request from 'supertest';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { ProjectorService } from '../../apps/tally-server/src/projector/projector.service';
import { expectProblem } from './support/intake-helpers';
import { signedProtocolBody } from './support/signing';
import { ADMIN_TOKEN, startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(60_000);

const E = 'lots-2026';
const name = (en: string) => ({ kk: en, ru: en, en });
const INPUT = {
  id: E,
  name: name('Lots council election'),
  date: '2026-03-15',
  timeZone: 'Asia/Almaty',
  turnoutTimes: ['10:00', '14:00', '18:00'],
  bodies: [{ id: 'council', name: name('Council') }],
  lists: ['A', 'B', 'C', 'D'].map((id, i) => ({ id, name: name(`Party ${id}`), colour: '#336699', registrationOrder: i + 1 })),
  candidates: [
    { id: 'c1', name: name('Candidate One'), party: 'A' },
    { id: 'c2', name: name('Candidate Two'), party: 'B' },
  ],
  contests: [
    { kind: 'list', id: 'L', name: name('Council, lists'), body: 'council', seats: 6, thresholdPercent: 7, thresholdBase: 'list-votes-plus-against-all', method: 'hare', tieRule: 'lot', lists: ['A', 'B', 'C', 'D'] },
    { kind: 'single-member', id: 'SM1', name: name('Council, North district'), body: 'council', district: 'north', candidates: ['c1', 'c2'] },
  ],
  commissions: [
    { id: 'cec', level: 'central', parent: null, name: name('Central') },
    { id: 'north', level: 'district', parent: 'cec', name: name('North') },
    { id: 'p1', level: 'precinct', parent: 'north', name: name('P1'), registeredVoters: 1000, contests: ['L', 'SM1'] },
  ],
};

/** A protocol that satisfies the control relations (found = votes + against all + invalid). */
function protocolOf(contestId: string, votes: Record<string, number>): Protocol {
  const found = Object.values(votes).reduce((s, v) => s + v, 0) + 5;
  return {
    contestId,
    registeredVoters: 1000,
    addedSameDay: 0,
    ballotsReceived: 1000,
    ballotsIssued: { atStation: found, early: 0, mobile: 0 },
    ballotsCancelled: 1000 - found,
    ballotsLost: 0,
    ballotsFound: found,
    invalid: 5,
    votes,
    againstAll: 0,
  };
}

describe('lots over HTTP (embedded)', () => {
  let t: TallyTestApp;
  const http = () => request(t.server);
  const lotsPath = (contestId: string) => `/v1/elections/${E}/contests/${contestId}/lots`;
  const contestAt = (contestId: string) => http().get(`/v1/elections/${E}/commissions/cec/contests/${contestId}`);
  const admin = (req: request.Test) => req.set('Authorization', `Bearer ${ADMIN_TOKEN}`);

  /** The projector has taken in everything up to the position. */
  const projected = (position: string) => t.app.get(ProjectorService).engine.waitForPosition(position);

  beforeAll(async () => {
    t = await startTallyApp({ env: { TALLY_RATE_LIMIT: '100000', LOG_LEVEL: 'silent' } });
    const parsed = parseElectionDefinition(INPUT);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    const defined = await admin(http().post('/v1/elections')).send(withDemoKeys(parsed.value));
    expect(defined.status).toBe(201);

    // One precinct: four lists with 20 votes each (6 seats: 1 each, 2 by equal remainders); c1 and c2 300 each.
    for (const protocol of [protocolOf('L', { A: 20, B: 20, C: 20, D: 20 }), protocolOf('SM1', { c1: 300, c2: 300 })]) {
      const res = await http().post(`/v1/elections/${E}/precincts/p1/protocols`).send(signedProtocolBody(E, 'p1', protocol));
      expect(res.status).toBe(202);
      const status = await http().get(`${res.body.statusUrl}?wait=20s`);
      expect(status.body).toMatchObject({ state: 'recorded' });
    }
    const [last] = (await t.app.get<EventStore>(EVENT_STORE).readStream(streams.precinct(E, 'p1'))).slice(-1);
    await projected(last.position);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('the query API reports both ties, blocking the seats', async () => {
    const list = await contestAt('L').expect(200);
    expect(list.body.allocation).toMatchObject({ kind: 'tie' });
    expect(list.body.lists.map((l: { seats: number | null }) => l.seats)).toEqual([null, null, null, null]);
    const district = await contestAt('SM1').expect(200);
    expect(district.body.outcome).toEqual({ kind: 'tie', tiedCandidates: ['c1', 'c2'], places: 1 });
  });

  it('refuses without the admin token (401), an id not on the ballot or drawn twice (422), an unknown contest (404), a malformed body (400)', async () => {
    const body = { order: ['c2', 'c1'], drawnBy: 'CEC secretary', reason: 'equal votes' };
    expectProblem(await http().post(lotsPath('SM1')).send(body), 401, 'TOKEN_REQUIRED');
    expectProblem(await http().post(lotsPath('SM1')).set('Authorization', 'Bearer not-the-admin-token-at-all').send(body), 401, 'BAD_TOKEN');
    const notOnBallot = expectProblem(await admin(http().post(lotsPath('SM1'))).send({ ...body, order: ['c2', 'A'] }), 422, 'UNKNOWN_CHOICE');
    expect(notOnBallot.field).toBe('order.1');
    expectProblem(await admin(http().post(lotsPath('SM1'))).send({ ...body, order: ['c2', 'c2'] }), 422, 'INVALID_LOT');
    expectProblem(await admin(http().post(lotsPath('NOPE'))).send(body), 404, 'NOT_FOUND');
    expectProblem(await admin(http().post(`/v1/elections/nope/contests/SM1/lots`)).send(body), 404, 'UNKNOWN_ELECTION');
    expectProblem(await admin(http().post(lotsPath('SM1'))).send({ order: ['c2', 'c1'] }), 400, 'MALFORMED');
    // Nothing of that reached the election's stream.
    const recorded = await t.app.get<EventStore>(EVENT_STORE).readStream(streams.election(E));
    expect(recorded.map((e) => e.type)).toEqual(['ElectionDefined']);
  });

  it('records the lots (201 {position}, idempotent) and the seats follow the order drawn', async () => {
    const district = { order: ['c2', 'c1'], drawnBy: 'CEC secretary, in public', reason: 'c1 and c2 have 300 votes each' };
    const first = await admin(http().post(lotsPath('SM1'))).send(district);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ position: expect.stringMatching(/^\d+:\d+$/) });
    // The same request again (a client's retry) records nothing new.
    const again = await admin(http().post(lotsPath('SM1'))).send(district);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);

    const list = await admin(http().post(lotsPath('L'))).send({ order: ['D', 'B', 'A', 'C'], drawnBy: 'CEC secretary, in public', reason: 'equal remainders' });
    expect(list.status).toBe(201);
    await projected(list.body.position);

    const recorded = await t.app.get<EventStore>(EVENT_STORE).readStream(streams.election(E));
    expect(recorded.map((e) => [e.type, e.data.contestId ?? null])).toEqual([
      ['ElectionDefined', null],
      ['LotDrawn', 'SM1'],
      ['LotDrawn', 'L'],
    ]);
    expect(recorded[1].data).toEqual({ electionId: E, contestId: 'SM1', ...district });

    const settledDistrict = await contestAt('SM1').expect(200);
    expect(settledDistrict.body.outcome).toMatchObject({ kind: 'winner', winner: 'c2', votes: 300, tieBroken: { by: 'lot', winners: ['c2'] } });
    const settledList = await contestAt('L').expect(200);
    expect(settledList.body.allocation.kind).toBe('allocated');
    expect(settledList.body.lists.map((l: { id: string; seats: number }) => [l.id, l.seats])).toEqual([
      ['A', 1],
      ['B', 2],
      ['C', 1],
      ['D', 2],
    ]);
  });

  it("an auditor's replay of the store reaches the live view's digest, lots included", async () => {
    const store = t.app.get<EventStore>(EVENT_STORE);
    const engine = t.app.get(ProjectorService).engine;
    const replayed = await replay(store, { electionId: E });
    const view = replayed.elections.get(E)!.view;
    expect(viewDigest(view)).toBe(engine.digest(E));
    const rebuild = await engine.rebuild();
    expect(rebuild.elections.find((e) => e.electionId === E)).toMatchObject({ identical: true });
  });
});
