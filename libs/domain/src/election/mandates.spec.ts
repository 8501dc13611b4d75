// Given the election stream, when the allocating commission registers the deputies, ends a
// mandate, or fills a district seat after a by-election, then the events decided (or the refusal);
// and who sits in the body on any date, from those events alone.
import { createHash } from 'node:crypto';
import { DeciderSpecification } from '../testing/decider-specification';
import { membersOn } from '../views/members.queries';
import { bodyComposition } from '../views/results.queries';
import { History, parsedOrThrow, protocolOf, SMALL_ELECTION_INPUT } from '../views/results.test-helper';
import { applyEvent, createResultsView } from '../views/results.view';
import { indexElection } from './election-index';
import { commandOfAmendment, type Amendment, type SignedAmendment } from './amendments';
import { allocatingCommissionOf } from './lifecycle';
import { electionDecider, evolve, initialState, registrationAllowed, type DefinedElection, type ElectionContext, type ElectionRefusal } from './election.decider';
import type { DefinitionAmended, ElectionEvent, MandatePassed } from './election.events';
import { CalendarDate, everSeated, filled, holderOn, MandatePassedData, passed, seatHeldBy, seatKey, successorOf, terminated, type BodyMandates, type FillSeatAmendment } from './mandates';

const E = 'small-2026';
const person = (en: string) => ({ kk: en, ru: en, en });
const pk = (n: number) => Buffer.alloc(32, n).toString('base64');
const ROOT = { keyId: 'root-1', publicKey: pk(1) };
const NORTH = { keyId: 'north-1', publicKey: pk(2) };
const CEC = { keyId: 'cec-1', publicKey: pk(3) };

// The small council with ranked lists, and keys: the central commission's is the only root key.
const INPUT = {
  ...SMALL_ELECTION_INPUT,
  commissions: SMALL_ELECTION_INPUT.commissions.map((c) => (c.id === 'cec' ? { ...c, keys: [ROOT, CEC] } : c.id === 'north' ? { ...c, keys: [NORTH] } : c)),
  contests: SMALL_ELECTION_INPUT.contests.map((c) =>
    c.id === 'L'
      ? {
          ...c,
          rankedLists: [
            { list: 'A', candidates: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((id) => ({ id, name: person(id.toUpperCase()) })) },
            { list: 'B', candidates: ['b1', 'b2'].map((id) => ({ id, name: person(id.toUpperCase()) })) },
            { list: 'C', candidates: ['c-1'].map((id) => ({ id, name: person(id.toUpperCase()) })) },
          ],
        }
      : c,
  ),
};
const definition = parsedOrThrow(INPUT);

/** Every precinct in (or only those named): A 1200, B 800, C 400 → 3, 2, 1 seats; c1 wins the north, c5 the south. */
function outcome(only?: readonly string[]) {
  const view = createResultsView(indexElection(definition));
  const h = new History(E);
  const list = { p1: [300, 200, 100], p2: [300, 200, 100], p3: [300, 200, 100], p4: [30, 20, 10], p5: [270, 180, 90] } as const;
  const registeredVoters = { p1: 1000, p2: 800, p3: 1200, p4: 100, p5: 1500 } as const;
  for (const [p, [a, b, c]] of Object.entries(list) as [keyof typeof list, readonly number[]][]) {
    if (only && !only.includes(p)) continue;
    const registered = registeredVoters[p];
    applyEvent(view, h.recorded(p, protocolOf('L', { registered, votes: { A: a, B: b, C: c, D: 0 }, againstAll: 0, invalid: 0 })));
    const district = ['p1', 'p2', 'p3'].includes(p)
      ? protocolOf('SM1', { registered, votes: { c1: a / 2, c2: b / 4, c3: c / 4 }, againstAll: 0, invalid: 0 })
      : protocolOf('SM2', { registered, votes: { c4: a / 3, c5: a }, againstAll: 0, invalid: 0 });
    applyEvent(view, h.recorded(p, district));
  }
  return (bodyId: string) => bodyComposition(view, bodyId);
}

const canon = (v: unknown): string =>
  v === null || typeof v !== 'object'
    ? JSON.stringify(v)
    : Array.isArray(v)
      ? `[${v.map(canon).join(',')}]`
      : `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}`;
const fakeSignature = (u: Omit<SignedAmendment, 'signature'>, publicKey: string) => createHash('sha256').update(`${publicKey}|${u.electionId}|${u.sequence}|${canon(u.amendment)}`).digest('base64');
const verifyAmendment = (signed: SignedAmendment, publicKey: string) => signed.signature.value === fakeSignature(signed, publicKey);
const context = (only?: readonly string[]): ElectionContext => ({ verifyAmendment, bodyOutcome: outcome(only) });
const given = DeciderSpecification.for(electionDecider, context());

const AT = '2026-03-20T09:00:00Z';
const signed = (amendment: Amendment, sequence: number, signer = CEC) => ({ keyId: signer.keyId, value: fakeSignature({ electionId: E, sequence, amendment }, signer.publicKey) });
const command = (amendment: Amendment, sequence: number, signer = CEC) => commandOfAmendment(amendment, { electionId: E, sequence, signature: signed(amendment, sequence, signer), receivedAt: AT });
const recorded = (amendment: Amendment, sequence: number, signer = CEC): DefinitionAmended => ({ type: 'DefinitionAmended', data: { electionId: E, sequence, amendment, receivedAt: AT, signature: signed(amendment, sequence, signer) } });
const defined: ElectionEvent = { type: 'ElectionDefined', data: { definition } };
/** The council's seats certified by the root (lifecycle.ts): deputies are registered on certified seats only. */
const certifiedCouncil: ElectionEvent = {
  type: 'ResultsCertified',
  data: { electionId: E, signedBy: 'cec', sequence: 1, act: { kind: 'certification', bodyId: 'council', outcomes: [{ kind: 'list', contestId: 'L', seats: {} }], votesDigest: 'ab'.repeat(32) }, receivedAt: AT, signature: { keyId: 'cec-1', value: 'x' } },
};

const DEPUTIES = [
  { seat: { kind: 'list', list: 'A', number: 1 }, candidateId: 'a1' },
  { seat: { kind: 'list', list: 'A', number: 2 }, candidateId: 'a2' },
  { seat: { kind: 'list', list: 'A', number: 3 }, candidateId: 'a3' },
  { seat: { kind: 'list', list: 'B', number: 1 }, candidateId: 'b1' },
  { seat: { kind: 'list', list: 'B', number: 2 }, candidateId: 'b2' },
  { seat: { kind: 'list', list: 'C', number: 1 }, candidateId: 'c-1' },
  { seat: { kind: 'district', contestId: 'SM1' }, candidateId: 'c1' },
  { seat: { kind: 'district', contestId: 'SM2' }, candidateId: 'c5' },
] as const;
const register: Amendment = { kind: 'register-deputies', bodyId: 'council', on: '2026-03-25', deputies: DEPUTIES.map((d) => ({ ...d, seat: { ...d.seat } })) };
const terminate = (candidateId: string, on = '2026-06-01', ground: 'resignation' | 'death' | 'body-terminated' = 'resignation'): Amendment => ({ kind: 'terminate-mandate', bodyId: 'council', candidateId, ground, on });
/** A by-election's winner, z9 of party B, takes the district's seat on `on`. */
const fill = (contestId: string, on: string, bodyId = 'council'): FillSeatAmendment => ({ kind: 'fill-seat', bodyId, contestId, on, candidate: { id: 'z9', name: person('Zed Nine'), party: 'B' } });
const passedTo = (sequence: number, seat: MandatePassed['data']['seat'], from: string, to: string | null, rule: MandatePassed['data']['rule'], skipped: MandatePassed['data']['skipped'] = [], on = '2026-06-01'): MandatePassed => ({
  type: 'MandatePassed',
  data: { electionId: E, bodyId: 'council', sequence, seat, from, to, on, rule, skipped },
});

const stateOf = (events: readonly ElectionEvent[]): DefinedElection => {
  const s = events.reduce(evolve, initialState());
  if (s.status !== 'defined') throw new Error('not defined');
  return s;
};

describe('registration of deputies', () => {
  it('is signed by the commission that allocates the seats: the lowest whose precincts are all the body’s', () => {
    expect(allocatingCommissionOf(definition, 'council')).toBe('cec');
    given([defined, certifiedCouncil]).when(command(register, 1)).then(recorded(register, 1));
  });

  it('is refused on seats not certified, even with every protocol in', () => {
    given(defined)
      .when(command(register, 1))
      .thenRefused([{ code: 'REGISTRATION_NOT_ALLOWED', field: 'amendment.bodyId', message: expect.stringContaining('not certified'), operands: { bodyId: 'council', reported: 10, expected: 10, certified: 'no' } }]);
  });

  it('is refused until every precinct of the body is recorded (registrationAllowed: the one gate)', () => {
    const partial = outcome(['p1', 'p2', 'p3', 'p4'])('council')!;
    expect(registrationAllowed(stateOf([defined, certifiedCouncil]), 'council', partial)).toEqual({ allowed: false, reported: 8, expected: 10, certified: true });
    DeciderSpecification.for(electionDecider, context(['p1', 'p2', 'p3', 'p4']))([defined, certifiedCouncil])
      .when(command(register, 1))
      .thenRefused([{ code: 'REGISTRATION_NOT_ALLOWED', field: 'amendment.bodyId', message: expect.any(String), operands: { bodyId: 'council', reported: 8, expected: 10, certified: 'yes' } }]);
  });

  it('names exactly the seats the count gives, skipping a withdrawn candidate', () => {
    const swapped = { ...register, deputies: [DEPUTIES[1], DEPUTIES[0], ...DEPUTIES.slice(2)] } as Amendment;
    given([defined, certifiedCouncil])
      .when(command(swapped, 1))
      .thenRefused([{ code: 'REGISTRATION_DIFFERS', field: 'amendment.deputies.0', message: expect.any(String), operands: { expectedDeputies: 8, expectedCandidateId: 'a1' } }]);
    const withdrawal: Amendment = { kind: 'withdraw-candidate', contestId: 'L', candidateId: 'a2', reason: 'statement' };
    const early: DefinitionAmended = { type: 'DefinitionAmended', data: { ...recorded(withdrawal, 1, ROOT).data, receivedAt: '2026-03-01T09:00:00Z' } };
    const skipping = { ...register, deputies: register.kind === 'register-deputies' ? register.deputies.map((d) => (d.candidateId === 'a2' ? { ...d, candidateId: 'a3' } : d.candidateId === 'a3' ? { ...d, candidateId: 'a4' } : d)) : [] } as Amendment;
    given([defined, certifiedCouncil, early]).when(command(skipping, 2)).then(recorded(skipping, 2));
  });

  it('is refused signed by another commission, twice, or for an unknown body', () => {
    given([defined, certifiedCouncil]).when(command({ ...register, bodyId: 'senate' } as Amendment, 1)).thenRefused([expect.objectContaining({ message: 'election small-2026 has no body senate' })]);
    given([defined, certifiedCouncil, recorded(register, 1)]).when(command(register, 2)).thenRefused([expect.objectContaining({ message: 'the deputies of council were registered on 2026-03-25' })]);
    given([defined, certifiedCouncil]).when(command(terminate('a1'), 1)).thenRefused([expect.objectContaining({ message: 'the deputies of council are not registered yet' })]);
    given([defined, certifiedCouncil]).when(command(fill('SM1', '2026-09-01'), 1)).thenRefused([{ code: 'NOT_REGISTERED', field: 'amendment.bodyId', message: 'the deputies of council are not registered yet', operands: { bodyId: 'council' } }]);
    given([defined, certifiedCouncil])
      .when(command(register, 1, NORTH))
      .thenRefused([{ code: 'BAD_SIGNATURE', field: 'signature.keyId', message: expect.any(String), operands: { keyId: 'north-1', problem: 'unknown-key', commissionId: 'cec' } }]);
    given([defined, certifiedCouncil, recorded(register, 1)])
      .when(command(register, 2))
      .thenRefused([{ code: 'ALREADY_REGISTERED', field: 'amendment.bodyId', message: expect.any(String), operands: { bodyId: 'council', registeredOn: '2026-03-25' } }]);
    given([defined, certifiedCouncil])
      .when(command({ ...register, bodyId: 'senate' } as Amendment, 1))
      .thenRefused([{ code: 'UNKNOWN_BODY', field: 'amendment.bodyId', message: expect.any(String), operands: { bodyId: 'senate' } }]);
  });
});

describe('early termination and succession', () => {
  const registeredBody = [defined, recorded(register, 1)];

  it('a terminated list deputy is succeeded by the next candidate of the same list, the rule recorded', () => {
    given(registeredBody)
      .when(command(terminate('a1'), 2))
      .then([recorded(terminate('a1'), 2), passedTo(2, { kind: 'list', list: 'A', number: 1 }, 'a1', 'a4', 'next-on-list', [
        { candidateId: 'a1', reason: 'held-a-seat' },
        { candidateId: 'a2', reason: 'held-a-seat' },
        { candidateId: 'a3', reason: 'held-a-seat' },
      ])]);
  });

  it('skips a candidate withdrawn before polling day', () => {
    const withdrawal: Amendment = { kind: 'withdraw-candidate', contestId: 'L', candidateId: 'a4', reason: 'statement' };
    const early: DefinitionAmended = { type: 'DefinitionAmended', data: { ...recorded(withdrawal, 2, ROOT).data, receivedAt: '2026-03-01T09:00:00Z' } };
    const [, succession] = given([...registeredBody, early]).when(command(terminate('a2'), 3)).events();
    expect(succession).toMatchObject({ type: 'MandatePassed', data: { to: 'a5', rule: 'next-on-list', skipped: expect.arrayContaining([{ candidateId: 'a4', reason: 'withdrawn' }]) } });
  });

  it('leaves a list seat vacant when the list is exhausted, a district seat until a by-election, and the body’s own end without successor', () => {
    given(registeredBody).when(command(terminate('b1', '2026-06-01', 'death'), 2)).then([
      recorded(terminate('b1', '2026-06-01', 'death'), 2),
      passedTo(2, { kind: 'list', list: 'B', number: 1 }, 'b1', null, 'list-exhausted', [{ candidateId: 'b1', reason: 'held-a-seat' }, { candidateId: 'b2', reason: 'held-a-seat' }]),
    ]);
    given(registeredBody).when(command(terminate('c1'), 2)).then([recorded(terminate('c1'), 2), passedTo(2, { kind: 'district', contestId: 'SM1' }, 'c1', null, 'district-by-election')]);
    given(registeredBody).when(command(terminate('a1', '2026-06-01', 'body-terminated'), 2)).then([recorded(terminate('a1', '2026-06-01', 'body-terminated'), 2), passedTo(2, { kind: 'list', list: 'A', number: 1 }, 'a1', null, 'body-terminated')]);
  });

  it('refuses someone who holds no seat, a date not after the mandate began, an unregistered body, and an unknown ground', () => {
    given(registeredBody).when(command(terminate('a5'), 2)).thenRefused([{ code: 'NOT_A_DEPUTY', field: 'amendment.candidateId', message: expect.any(String), operands: { candidateId: 'a5' } }]);
    given(registeredBody)
      .when(command(terminate('a1', '2026-03-25'), 2))
      .thenRefused([{ code: 'DATE_BEFORE_MANDATE', field: 'amendment.on', message: expect.any(String), operands: { candidateId: 'a1', since: '2026-03-25', on: '2026-03-25' } }]);
    given([defined, certifiedCouncil]).when(command(terminate('a1'), 1)).thenRefused([{ code: 'NOT_REGISTERED', field: 'amendment.bodyId', message: expect.any(String), operands: { bodyId: 'council' } }]);
    given(registeredBody).when(command({ ...terminate('a1'), ground: 'boredom' } as unknown as Amendment, 2)).thenRefused([{ code: 'MALFORMED', field: 'amendment.ground', message: expect.any(String) }]);
  });

  it('fills a vacant district seat with the by-election’s winner, not a held one', () => {
    const byElection = fill('SM1', '2026-09-01');
    const vacated = [...registeredBody, recorded(terminate('c1'), 2), passedTo(2, { kind: 'district', contestId: 'SM1' }, 'c1', null, 'district-by-election')];
    given(vacated).when(command(byElection, 3)).then(recorded(byElection, 3));
    given(registeredBody).when(command(byElection, 2)).thenRefused([{ code: 'SEAT_NOT_VACANT', field: 'amendment.contestId', message: expect.any(String), operands: { contestId: 'SM1', candidateId: 'c1' } }]);
    given(vacated).when(command({ ...byElection, contestId: 'L' } as Amendment, 3)).thenRefused([{ code: 'NOT_A_DISTRICT_SEAT', field: 'amendment.contestId', message: expect.any(String), operands: { contestId: 'L', bodyId: 'council' } }]);
  });
});

describe('registration: the date, the seats named, the gate’s words', () => {
  const certified = [defined, certifiedCouncil];
  const deputies = register.kind === 'register-deputies' ? register.deputies : [];
  const registering = (list: typeof deputies, on = '2026-03-25') => ({ ...register, on, deputies: list }) as Amendment;
  const differs = (i: number, message: string, expectedCandidateId?: string): ElectionRefusal => ({
    code: 'REGISTRATION_DIFFERS',
    field: `amendment.deputies.${i}`,
    message,
    operands: { expectedDeputies: 8, ...(expectedCandidateId ? { expectedCandidateId } : {}) },
  });

  it('is dated on polling day at the earliest', () => {
    given(certified)
      .when(command(registering(deputies, '2026-03-14'), 1))
      .thenRefused([{ code: 'DATE_BEFORE_MANDATE', field: 'amendment.on', message: 'a registration is not dated before polling day (2026-03-15)', operands: { on: '2026-03-14', pollingDay: '2026-03-15' } }]);
    given(certified).when(command(registering(deputies, '2026-03-15'), 1)).then(recorded(registering(deputies, '2026-03-15'), 1));
  });

  it('names each deputy on the seat the count gives, no one missing and no one more', () => {
    given(certified).when(command(registering(deputies.map((d, i) => (i === 0 ? { ...d, candidateId: 'a5' } : d))), 1)).thenRefused([differs(0, 'the count names a1 for seat list:A:1 here', 'a1')]);
    given(certified).when(command(registering(deputies.slice(0, 7)), 1)).thenRefused([differs(7, 'the count names c5 for seat district:SM2 here', 'c5')]);
    given(certified)
      .when(command(registering([...deputies, { seat: { kind: 'district', contestId: 'SM2' }, candidateId: 'c4' }]), 1))
      .thenRefused([differs(8, 'the count names 8 deputies, not 9')]);
    // The right candidate on another seat of the same list.
    const moved = deputies.map((d, i) => (i === 0 ? { ...d, seat: { kind: 'list' as const, list: 'A', number: 4 } } : d));
    given(certified).when(command(registering(moved), 1)).thenRefused([differs(0, 'the count names a1 for seat list:A:1 here', 'a1')]);
  });

  it('leaves out a seat no eligible candidate can take: it is vacant from the start', () => {
    const withdrawal: Amendment = { kind: 'withdraw-candidate', contestId: 'L', candidateId: 'c-1', reason: 'statement' };
    const early: DefinitionAmended = { type: 'DefinitionAmended', data: { ...recorded(withdrawal, 1, ROOT).data, receivedAt: '2026-03-01T09:00:00Z' } };
    const withoutC = deputies.filter((d) => d.candidateId !== 'c-1');
    given([...certified, early]).when(command(registering(withoutC), 2)).then(recorded(registering(withoutC), 2));
    given([...certified, early]).when(command(registering(deputies), 2)).thenRefused([{ ...differs(5, 'the count names c1 for seat district:SM1 here', 'c1'), operands: { expectedDeputies: 7, expectedCandidateId: 'c1' } }]);
  });

  it('waits for every protocol of the body, saying how many are in; a body with none waits too', () => {
    const contextWith = (bodyOutcome: ElectionContext['bodyOutcome']) => DeciderSpecification.for(electionDecider, { verifyAmendment, bodyOutcome })(certified).when(command(register, 1));
    expect(() => contextWith(undefined).events()).toThrow('a registration is decided with the body outcome in the context (bodyOutcome)');
    expect(() => contextWith(() => undefined).events()).toThrow('the context has no outcome for body council');
    DeciderSpecification.for(electionDecider, context(['p1', 'p2', 'p3', 'p4']))(certified)
      .when(command(register, 1))
      .thenRefused([
        {
          code: 'REGISTRATION_NOT_ALLOWED',
          field: 'amendment.bodyId',
          message: '8 of 10 protocols of body council are recorded; deputies are registered once all are and the seats are certified',
          operands: { bodyId: 'council', reported: 8, expected: 10, certified: 'yes' },
        },
      ]);
    const empty = { bodyId: 'council', list: null, districts: [] } as unknown as NonNullable<ReturnType<ReturnType<typeof outcome>>>;
    expect(registrationAllowed(stateOf(certified), 'council', empty)).toEqual({ allowed: false, reported: 0, expected: 0, certified: true });
    DeciderSpecification.for(electionDecider, { verifyAmendment, bodyOutcome: () => empty })(certified)
      .when(command(register, 1))
      .thenRefused([expect.objectContaining({ message: '0 of 0 protocols of body council are recorded; deputies are registered once all are and the seats are certified' })]);
    given(defined)
      .when(command(register, 1))
      .thenRefused([expect.objectContaining({ message: 'the seats of body council are not certified; deputies are registered on certified seats' })]);
  });
});

describe('a body whose seats a commission below the root allocates', () => {
  // A board elected the same day at p4 and p5 (under south), party A with a ranked list of its own there.
  const SOUTH = { keyId: 'south-1', publicKey: pk(4) };
  const boardList = { kind: 'list', id: 'B1', name: person('Board, party lists'), body: 'board', seats: 3, thresholdPercent: 5, thresholdBase: 'list-votes-plus-against-all', method: 'hare', lists: ['A', 'B'] };
  const withBoard = parsedOrThrow({
    ...INPUT,
    bodies: [...INPUT.bodies, { id: 'board', name: person('Board') }],
    candidates: [...INPUT.candidates, { id: 'd1', name: person('D1'), party: null }],
    // The board's district comes before its list contest: the ranked list is found by kind and body.
    contests: [
      ...INPUT.contests,
      { kind: 'single-member', id: 'SMB', name: person('Board, South district'), body: 'board', district: 'board-south', candidates: ['d1'] },
      { ...boardList, rankedLists: [{ list: 'A', candidates: [{ id: 'x1', name: person('X1') }, { id: 'x2', name: person('X2') }] }] },
    ],
    commissions: INPUT.commissions.map((c) => {
      const commission = c as { id: string; contests?: string[] };
      if (commission.id === 'south') return { ...c, keys: [SOUTH] };
      return commission.contests && ['p4', 'p5'].includes(commission.id) ? { ...c, contests: [...commission.contests, 'SMB', 'B1'] } : c;
    }),
  });
  const boardSeat = { kind: 'list', list: 'A', number: 1 } as const;
  const registerBoard: Amendment = { kind: 'register-deputies', bodyId: 'board', on: '2026-03-25', deputies: [{ seat: boardSeat, candidateId: 'x1' }] };
  const board = [{ type: 'ElectionDefined', data: { definition: withBoard } } as ElectionEvent, recorded(registerBoard, 1, SOUTH)];
  const quits: Amendment = { kind: 'terminate-mandate', bodyId: 'board', candidateId: 'x1', ground: 'resignation', on: '2026-06-01' };

  it('its deputies’ changes are signed by that commission, not the root', () => {
    expect(allocatingCommissionOf(withBoard, 'board')).toBe('south');
    given(board.slice(0, 1))
      .when(command(registerBoard, 1, CEC))
      .thenRefused([expect.objectContaining({ code: 'BAD_SIGNATURE', operands: { keyId: 'cec-1', problem: 'unknown-key', commissionId: 'south' } })]);
    given(board)
      .when(command(quits, 2, CEC))
      .thenRefused([{ code: 'BAD_SIGNATURE', field: 'signature.keyId', message: 'this amendment is signed by a key of commission south, which has no key cec-1', operands: { keyId: 'cec-1', problem: 'unknown-key', commissionId: 'south' } }]);
  });

  it('a list seat passes to the next of the party’s list for this body, not of its list for another', () => {
    const [, succession] = given(board).when(command(quits, 2, SOUTH)).events();
    expect(succession).toEqual({
      type: 'MandatePassed',
      data: { electionId: E, bodyId: 'board', sequence: 2, seat: boardSeat, from: 'x1', to: 'x2', on: '2026-06-01', rule: 'next-on-list', skipped: [{ candidateId: 'x1', reason: 'held-a-seat' }] },
    });
  });

  it('a by-election fills a district of this body only', () => {
    given(board)
      .when(command(fill('SM1', '2026-09-01', 'board'), 2, SOUTH))
      .thenRefused([{ code: 'NOT_A_DISTRICT_SEAT', field: 'amendment.contestId', message: 'SM1 is no district of body board', operands: { contestId: 'SM1', bodyId: 'board' } }]);
  });
});

describe('membership on a date, from the events', () => {
  const history: ElectionEvent[] = [
    defined,
    recorded(register, 1),
    recorded(terminate('a1'), 2),
    passedTo(2, { kind: 'list', list: 'A', number: 1 }, 'a1', 'a4', 'next-on-list'),
    recorded(terminate('c1', '2026-07-01'), 3),
    passedTo(3, { kind: 'district', contestId: 'SM1' }, 'c1', null, 'district-by-election', [], '2026-07-01'),
    recorded(fill('SM1', '2026-09-01'), 4),
  ];
  const mandates = stateOf(history).mandates.get('council')!;
  const seatOf = (on: string, seat: string) => membersOn(definition, 'council', mandates, on)?.members.find((m) => (m.seat.kind === 'list' ? `${m.seat.list}${m.seat.number}` : m.seat.contestId) === seat);

  it('before the termination still shows the first deputy; from its date, the successor', () => {
    expect(seatOf('2026-05-31', 'A1')).toMatchObject({ candidate: { id: 'a1', rank: 1 }, since: '2026-03-25' });
    expect(seatOf('2026-06-01', 'A1')).toMatchObject({ candidate: { id: 'a4', rank: 4 }, since: '2026-06-01' });
  });

  it('a district seat is vacant between the termination and the by-election, then its winner sits', () => {
    const summer = membersOn(definition, 'council', mandates, '2026-08-01')!;
    expect(summer.members).toHaveLength(7);
    expect(summer.vacancies).toEqual([{ seat: { kind: 'district', contestId: 'SM1', district: 'north' }, party: null, since: '2026-07-01', ground: 'resignation' }]);
    expect(seatOf('2026-09-01', 'SM1')).toMatchObject({ party: 'B', candidate: { id: 'z9', name: person('Zed Nine') } });
    expect(summer.majority).toEqual({ seats: 5, of: 8, largest: { party: 'A', seats: 3 }, heldBy: null, lacking: 2 });
  });

  it('says nothing before the registration', () => {
    expect(membersOn(definition, 'council', mandates, '2026-03-24')).toBeUndefined();
  });
});

describe('the mandate rules, one by one', () => {
  const A1 = { kind: 'list', list: 'A', number: 1 } as const;
  const SM1 = { kind: 'district', contestId: 'SM1' } as const;
  const body: BodyMandates = {
    registeredOn: '2026-03-25',
    seats: [
      { seat: A1, tenures: [{ candidateId: 'a1', from: '2026-03-25', until: '2026-06-01', ground: 'resignation' }, { candidateId: 'a4', from: '2026-06-01' }] },
      { seat: SM1, tenures: [{ candidateId: 'c1', from: '2026-03-25', until: '2026-07-01', ground: 'death' }] },
    ],
  };

  it('names a seat by its list and number, or its district', () => {
    expect([seatKey(A1), seatKey({ ...A1, number: 2 }), seatKey(SM1), seatKey({ kind: 'district', contestId: 'SM2' })]).toEqual(['list:A:1', 'list:A:2', 'district:SM1', 'district:SM2']);
  });

  it('a seat is held by the one whose tenure runs, not by those who left it', () => {
    expect(seatHeldBy(body, 'a4')?.seat).toEqual(A1);
    expect(seatHeldBy(body, 'a1')).toBeUndefined();
    expect(seatHeldBy(body, 'c1')).toBeUndefined();
    expect(seatHeldBy({ registeredOn: '2026-03-25', seats: [{ seat: SM1, tenures: [] }] }, 'c1')).toBeUndefined();
    expect([...everSeated(body)]).toEqual(['a1', 'a4', 'c1']);
  });

  it('who sits on a date: from the first day, until the day before the termination', () => {
    const [a] = body.seats;
    expect(holderOn(a, '2026-03-24')).toBeUndefined();
    expect(holderOn(a, '2026-03-25')?.candidateId).toBe('a1');
    expect(holderOn(a, '2026-05-31')?.candidateId).toBe('a1');
    expect(holderOn(a, '2026-06-01')?.candidateId).toBe('a4');
  });

  it('a termination, a succession or a by-election changes only the seat it names, and nothing it cannot apply to', () => {
    expect(terminated(body, { kind: 'terminate-mandate', bodyId: 'council', candidateId: 'a1', ground: 'death', on: '2026-08-01' })).toBe(body);
    const vacant = { electionId: E, bodyId: 'council', sequence: 3, seat: SM1, from: 'c1', on: '2026-07-01', rule: 'district-by-election', skipped: [] } as const;
    expect(passed(body, { ...vacant, to: null })).toBe(body);
    expect(passed(body, { ...vacant, seat: { kind: 'district', contestId: 'SM2' }, to: 'c4' })).toBe(body);
    expect(passed(body, { ...vacant, to: 'c2' }).seats[1].tenures.at(-1)).toEqual({ candidateId: 'c2', from: '2026-07-01' });
    const byElection = filled(body, fill('SM1', '2026-09-01'));
    expect(byElection.seats[0]).toBe(body.seats[0]);
    expect(byElection.seats[1].tenures).toEqual([...body.seats[1].tenures, { candidateId: 'z9', candidate: { name: person('Zed Nine'), party: 'B' }, from: '2026-09-01' }]);
  });

  it('a by-election fills a district seat no one was registered on (vacant from the start) as a seat of its own', () => {
    const after = filled(body, fill('SM2', '2026-09-01'));
    expect(after.seats.slice(0, 2)).toEqual(body.seats);
    expect(after.seats[2]).toEqual({ seat: { kind: 'district', contestId: 'SM2' }, tenures: [{ candidateId: 'z9', candidate: { name: person('Zed Nine'), party: 'B' }, from: '2026-09-01' }] });
  });

  it('refuses a by-election dated before the vacancy, and takes one dated on its first day', () => {
    const registeredWithoutSM2 = [defined, recorded({ ...register, deputies: DEPUTIES.filter((d) => d.seat.kind === 'list' || d.seat.contestId !== 'SM2') } as Amendment, 1)];
    given(registeredWithoutSM2).when(command(fill('SM2', '2026-09-01'), 2)).then(recorded(fill('SM2', '2026-09-01'), 2));
    given(registeredWithoutSM2)
      .when(command(fill('X', '2026-09-01'), 2))
      .thenRefused([{ code: 'NOT_A_DISTRICT_SEAT', field: 'amendment.contestId', message: 'X is no district of body council', operands: { contestId: 'X', bodyId: 'council' } }]);
    given([defined, recorded(register, 1)]).when(command(terminate('a5'), 2)).thenRefused([expect.objectContaining({ message: 'a5 holds no seat of council' })]);
    given([defined, recorded(register, 1)]).when(command(terminate('a1', '2026-03-20'), 2)).thenRefused([expect.objectContaining({ message: 'a1 sits from 2026-03-25; a termination is dated after it' })]);
    const vacated = [defined, recorded(register, 1), recorded(terminate('c1', '2026-07-01'), 2), passedTo(2, SM1, 'c1', null, 'district-by-election', [], '2026-07-01')];
    given(vacated)
      .when(command(fill('SM1', '2026-06-30'), 3))
      .thenRefused([{ code: 'SEAT_NOT_VACANT', field: 'amendment.contestId', message: 'the seat of district SM1 is held by c1 until 2026-07-01', operands: { contestId: 'SM1', candidateId: 'c1' } }]);
    given(vacated).when(command(fill('SM1', '2026-07-01'), 3)).then(recorded(fill('SM1', '2026-07-01'), 3));
    given([defined, recorded(register, 1)])
      .when(command(fill('SM1', '2026-09-01'), 2))
      .thenRefused([{ code: 'SEAT_NOT_VACANT', field: 'amendment.contestId', message: 'the seat of district SM1 is held by c1', operands: { contestId: 'SM1', candidateId: 'c1' } }]);
  });

  it('a termination or by-election recorded for a body not registered changes nothing; only a withdrawal withdraws', () => {
    expect(stateOf([defined, recorded(terminate('a1'), 1), recorded(fill('SM1', '2026-09-01'), 2)]).mandates.size).toBe(0);
    expect(stateOf([defined, recorded(register, 1), recorded(terminate('a1'), 2)]).withdrawn.size).toBe(0);
  });

  it('a succession recorded before the definition, or for a body not registered, changes nothing', () => {
    expect(successorOf(parsedOrThrow(SMALL_ELECTION_INPUT), 'council', body, A1, 'resignation', new Set())).toEqual({ to: null, rule: 'list-exhausted', skipped: [] });
    const succession = passedTo(2, A1, 'a1', 'a4', 'next-on-list');
    expect(evolve(initialState(), succession)).toEqual({ status: 'not-defined' });
    const state = stateOf([defined]);
    expect(evolve(state, succession)).toBe(state);
  });

  it('reads a date as YYYY-MM-DD, a calendar day, nothing around it', () => {
    expect(CalendarDate.safeParse('2028-02-29').success).toBe(true);
    const problems = (d: string) => {
      const r = CalendarDate.safeParse(d);
      return r.success ? [] : r.error.issues.map((i) => i.message);
    };
    expect(problems('2027-02-29')).toEqual(['a calendar date']);
    for (const bad of ['x2026-03-25', '2026-03-25x', '2026-3-25']) expect(problems(bad)).toContain('a date is YYYY-MM-DD');
  });

  it('reads a recorded succession: its rule and each skipped reason from their lists, no other field', () => {
    const data = passedTo(2, A1, 'a1', 'a4', 'next-on-list', [{ candidateId: 'a2', reason: 'withdrawn' }, { candidateId: 'a3', reason: 'held-a-seat' }]).data;
    expect(MandatePassedData.parse(data)).toEqual(data);
    for (const rule of ['list-exhausted', 'district-by-election', 'body-terminated']) expect(MandatePassedData.safeParse({ ...data, rule }).success).toBe(true);
    const fails = (d: unknown) => {
      const r = MandatePassedData.safeParse(d);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`);
    };
    expect(fails({ ...data, rule: 'by-lot' })).toEqual(['rule: invalid_value']);
    expect(fails({ ...data, skipped: [{ candidateId: 'a2', reason: 'moved' }] })).toEqual(['skipped.0.reason: invalid_value']);
    expect(fails({ ...data, skipped: [{ candidateId: 'a2', reason: 'withdrawn', note: 'x' }] })).toEqual(['skipped.0: unrecognized_keys']);
    expect(fails({ ...data, note: 'x' })).toEqual([': unrecognized_keys']);
  });
});
