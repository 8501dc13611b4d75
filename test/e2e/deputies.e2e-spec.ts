// Issue 17 over HTTP (embedded, every role): a candidate withdrawn before polling day, signed by
// the root commission; every protocol in, signed; the deputies registered by the commission that
// allocates the seats (the city's, not the root's); a list deputy's mandate ended, the next
// eligible candidate of the list (the withdrawn one skipped) recorded as successor with the rule;
// membership on a date before the termination still shows the first deputy; a district seat left
// vacant; the auditors' verify re-decides every one of these and finds nothing wrong, and their
// replay folds the same membership.
import { replay, verifyAudit } from '@tally/audit';
import { bodyOutcomes, membersOn, parseElectionDefinition, ProtocolShape, sumProtocols, type Amendment, type LifecycleAct, type Protocol } from '@tally/domain';
import { eventToAppend, type EventStore } from '@tally/event-store';
import { demoKeyPair, signAct, signAmendment, votesDigest, withDemoKeys } from '@tally/signatures';
import request from 'supertest';
import { EVENT_STORE } from '../../apps/tally-server/src/infrastructure/tokens';
import { protocolOf } from '../../libs/domain/src/views/results.test-helper';
import { expectProblem } from './support/intake-helpers';
import { signedProtocolBody } from './support/signing';
import { ADMIN_TOKEN, startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

const E = 'deputies-2099';
const name = (en: string) => ({ kk: `${en} (kk)`, ru: `${en} (ru)`, en });
// Polling day far ahead of the service's clock, so a withdrawal now is "before polling day".
const INPUT = withDemoKeys(
  (() => {
    const parsed = parseElectionDefinition({
      id: E,
      name: name('Deputies council election'),
      date: '2099-03-15',
      timeZone: 'Asia/Almaty',
      // Results public now (the default embargo would last until polls close in 2099).
      resultsNotBefore: '2020-01-01T00:00:00Z',
      bodies: [{ id: 'council', name: name('Council') }],
      lists: ['A', 'B'].map((id, i) => ({ id, name: name(`Party ${id}`), colour: '#336699', registrationOrder: i + 1 })),
      candidates: [
        { id: 'n1', name: name('North One'), party: 'A' },
        { id: 'n2', name: name('North Two'), party: 'B' },
      ],
      contests: [
        {
          kind: 'list',
          id: 'L',
          name: name('Council, lists'),
          body: 'council',
          seats: 3,
          thresholdPercent: 5,
          thresholdBase: 'list-votes-plus-against-all',
          method: 'hare',
          lists: ['A', 'B'],
          rankedLists: [
            { list: 'A', candidates: ['a1', 'a2', 'a3', 'a4'].map((id) => ({ id, name: name(id.toUpperCase()) })) },
            { list: 'B', candidates: ['b1', 'b2'].map((id) => ({ id, name: name(id.toUpperCase()) })) },
          ],
        },
        { kind: 'single-member', id: 'N', name: name('Council, North'), body: 'council', district: 'north', candidates: ['n1', 'n2'] },
      ],
      commissions: [
        { id: 'cec', level: 'central', parent: null, name: name('Central') },
        { id: 'city', level: 'regional', parent: 'cec', name: name('City') },
        { id: 'p1', level: 'precinct', parent: 'city', name: name('P1'), registeredVoters: 1000, contests: ['L', 'N'] },
        { id: 'p2', level: 'precinct', parent: 'city', name: name('P2'), registeredVoters: 1000, contests: ['L', 'N'] },
      ],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    return parsed.value;
  })(),
);

const PROTOCOLS: [string, Protocol][] = [
  ['p1', protocolOf('L', { registered: 1000, votes: { A: 400, B: 200 }, againstAll: 0, invalid: 0 })],
  ['p2', protocolOf('L', { registered: 1000, votes: { A: 400, B: 200 }, againstAll: 0, invalid: 0 })],
  ['p1', protocolOf('N', { registered: 1000, votes: { n1: 350, n2: 250 }, againstAll: 0, invalid: 0 })],
  ['p2', protocolOf('N', { registered: 1000, votes: { n1: 350, n2: 250 }, againstAll: 0, invalid: 0 })],
];

describe('deputies: withdrawal, registration, early termination, membership on a date (HTTP)', () => {
  let t: TallyTestApp;
  let store: EventStore;
  let sequence = 0;
  const http = () => request(t.server);
  const amend = (amendment: Amendment, signer: string) => {
    sequence++;
    const key = demoKeyPair(signer);
    const body = { sequence, amendment, signature: signAmendment({ electionId: E, sequence, amendment }, key.keyId, key.privateKeyPem) };
    return http().post(`/v1/elections/${E}/amendments`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(body);
  };
  const members = (on?: string) => http().get(`/v1/elections/${E}/bodies/council/members`).query(on === undefined ? {} : { on });

  beforeAll(async () => {
    t = await startTallyApp({ env: { TALLY_RATE_LIMIT: '100000' } });
    store = t.app.get<EventStore>(EVENT_STORE);
    expect((await http().post('/v1/elections').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(INPUT)).status).toBe(201);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('withdraws a candidate before polling day, signed by the root commission', async () => {
    const res = await amend({ kind: 'withdraw-candidate', contestId: 'L', candidateId: 'a2', reason: 'own statement' }, 'cec');
    expect(res.status).toBe(201);
    expect(expectProblem(await amend({ kind: 'withdraw-candidate', contestId: 'L', candidateId: 'a2', reason: 'again' }, 'cec'), 409, 'ALREADY_WITHDRAWN').field).toBe('amendment.candidateId');
    sequence--; // refused: the number is still free
  });

  it('refuses a registration before every protocol is in, then names the provisional members (the withdrawn one skipped)', async () => {
    const early = expectProblem(await amend({ kind: 'register-deputies', bodyId: 'council', on: '2099-03-20', deputies: [{ seat: { kind: 'list', list: 'A', number: 1 }, candidateId: 'a1' }] }, 'city'), 409, 'REGISTRATION_NOT_ALLOWED');
    expect(early.operands).toEqual({ bodyId: 'council', reported: 0, expected: 4, certified: 'no' });
    sequence--;
    for (const [precinct, protocol] of PROTOCOLS) {
      const res = await http().post(`/v1/elections/${E}/precincts/${precinct}/protocols`).send(signedProtocolBody(E, precinct, protocol));
      expect(res.status).toBe(202);
      expect((await http().get(`${res.body.statusUrl}?wait=20s`)).body).toMatchObject({ state: 'recorded' });
    }
    // A 2, B 1 (Hare on 800 : 400); a2 withdrawn, so a1 and a3.
    await waitFor(async () => (await members()).body.members?.length === 4);
    const provisional = await members();
    expect(provisional.body).toMatchObject({ basis: 'provisional', seatsTotal: 4, majority: { seats: 3, heldBy: 'A', lacking: 0 } });
    expect(provisional.body.members.map((m: { candidate: { id: string } }) => m.candidate.id)).toEqual(['a1', 'a3', 'b1', 'n1']);
  });

  it('registers the deputies, signed by the allocating commission; ends a list mandate and passes the seat on; leaves a district seat vacant', async () => {
    const deputies = [
      { seat: { kind: 'list' as const, list: 'A', number: 1 }, candidateId: 'a1' },
      { seat: { kind: 'list' as const, list: 'A', number: 2 }, candidateId: 'a3' },
      { seat: { kind: 'list' as const, list: 'B', number: 1 }, candidateId: 'b1' },
      { seat: { kind: 'district' as const, contestId: 'N' }, candidateId: 'n1' },
    ];
    // Deputies are registered on certified seats: first refused, then the city certifies (lifecycle.ts).
    expect(expectProblem(await amend({ kind: 'register-deputies', bodyId: 'council', on: '2099-03-20', deputies }, 'city'), 409, 'REGISTRATION_NOT_ALLOWED').operands).toMatchObject({ certified: 'no' });
    sequence--;
    const totals = ['L', 'N'].map((k) => sumProtocols(k, 2, PROTOCOLS.filter(([, p]) => p.contestId === k).map(([, p]) => ProtocolShape.parse(p))));
    const outcomes = bodyOutcomes(INPUT, 'council', (k) => totals.find((t) => t.contestId === k)!, () => undefined);
    if (!outcomes.ok) throw new Error(outcomes.reason);
    const certification: LifecycleAct = { kind: 'certification', bodyId: 'council', outcomes: outcomes.outcomes, votesDigest: votesDigest(totals) };
    const city = demoKeyPair('city');
    const certified = await http()
      .post(`/v1/elections/${E}/acts`)
      .send({ sequence: 1, act: certification, signature: signAct({ electionId: E, signedBy: 'city', sequence: 1, act: certification }, city.keyId, city.privateKeyPem) });
    expect(certified.status).toBe(201);
    const byRoot = expectProblem(await amend({ kind: 'register-deputies', bodyId: 'council', on: '2099-03-20', deputies }, 'cec'), 401, 'BAD_SIGNATURE');
    expect(byRoot.operands).toMatchObject({ commissionId: 'city' });
    sequence--;
    expect((await amend({ kind: 'register-deputies', bodyId: 'council', on: '2099-03-20', deputies }, 'city')).status).toBe(201);
    expect((await amend({ kind: 'terminate-mandate', bodyId: 'council', candidateId: 'a1', ground: 'another-office', on: '2099-06-01' }, 'city')).status).toBe(201);
    expect((await amend({ kind: 'terminate-mandate', bodyId: 'council', candidateId: 'n1', ground: 'moving-away', on: '2099-07-01' }, 'city')).status).toBe(201);

    const seatA1 = (body: { members: { seat: { kind: string; list?: string; number?: number }; candidate: { id: string } }[] }) =>
      body.members.find((m) => m.seat.kind === 'list' && m.seat.list === 'A' && m.seat.number === 1)?.candidate.id;
    const before = await members('2099-05-31');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ basis: 'registered', registeredOn: '2099-03-20', on: '2099-05-31' });
    expect(seatA1(before.body)).toBe('a1');
    // a2 withdrawn and a3 seated: a4 succeeds.
    const after = await members('2099-06-15');
    expect(seatA1(after.body)).toBe('a4');
    const summer = await members('2099-07-02');
    expect(summer.body.vacancies).toEqual([{ seat: { kind: 'district', contestId: 'N', district: 'north' }, party: null, since: '2099-07-01', ground: 'moving-away' }]);
    expect(summer.body.majority).toMatchObject({ seats: 3, largest: { party: 'A', seats: 2 }, heldBy: null, lacking: 1 });
    expect(expectProblem(await members('2099-03-19'), 409, 'NOT_REGISTERED').field).toBe('on');
    expect(expectProblem(await members('2099-02-30'), 400, 'MALFORMED').field).toBe('on');

    const passed = (await store.readStream(`election-${E}`)).filter((e) => e.type === 'MandatePassed').map((e) => e.data);
    expect(passed).toEqual([
      expect.objectContaining({ from: 'a1', to: 'a4', rule: 'next-on-list', skipped: [{ candidateId: 'a1', reason: 'held-a-seat' }, { candidateId: 'a2', reason: 'withdrawn' }, { candidateId: 'a3', reason: 'held-a-seat' }] }),
      expect.objectContaining({ from: 'n1', to: null, rule: 'district-by-election' }),
    ]);
  });

  it('the auditors re-decide every one of them and find nothing wrong; their replay folds the same membership', async () => {
    const audit = await verifyAudit(store);
    expect(audit.firstFailure).toBeNull();
    expect(audit.ok).toBe(true);
    const replayed = (await replay(store, { electionId: E })).elections.get(E)!;
    const state = replayed.election;
    if (state.status !== 'defined') throw new Error('not defined');
    const fromReplay = membersOn(state.definition, 'council', state.mandates.get('council')!, '2099-05-31');
    expect({ ...fromReplay, name: (await members('2099-05-31')).body.name, basis: 'registered' }).toEqual((await members('2099-05-31')).body);
  });

  it('fails a succession no termination decided: a seat handed on by a forged record', async () => {
    const stream = `election-${E}`;
    const recorded = await store.readStream(stream);
    const forged = { type: 'MandatePassed', data: { electionId: E, bodyId: 'council', sequence: 3, seat: { kind: 'list', list: 'B', number: 1 }, from: 'b1', to: 'b2', on: '2099-08-01', rule: 'next-on-list', skipped: [] } };
    await store.append(stream, recorded[recorded.length - 1].revision, [eventToAppend('0b8f6a52-1c7e-4d2a-9f3b-6e5d4c3b2a19', forged)]);
    const audit = await verifyAudit(store);
    expect(audit.ok).toBe(false);
    expect(audit.failures).toEqual([expect.objectContaining({ check: 'decider', code: 'succession-not-decided', streamName: stream })]);
  });
});

/** Polls the API until the projector has folded what was recorded (a failure bound, not a timing assertion). */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the projector never caught up');
}
