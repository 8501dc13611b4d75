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
import { electionDecider, evolve, initialState, registrationAllowed, type DefinedElection, type ElectionContext } from './election.decider';
import type { DefinitionAmended, ElectionEvent, MandatePassed } from './election.events';

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
    const byElection: Amendment = { kind: 'fill-seat', bodyId: 'council', contestId: 'SM1', on: '2026-09-01', candidate: { id: 'z9', name: person('Zed Nine'), party: 'B' } };
    const vacated = [...registeredBody, recorded(terminate('c1'), 2), passedTo(2, { kind: 'district', contestId: 'SM1' }, 'c1', null, 'district-by-election')];
    given(vacated).when(command(byElection, 3)).then(recorded(byElection, 3));
    given(registeredBody).when(command(byElection, 2)).thenRefused([{ code: 'SEAT_NOT_VACANT', field: 'amendment.contestId', message: expect.any(String), operands: { contestId: 'SM1', candidateId: 'c1' } }]);
    given(vacated).when(command({ ...byElection, contestId: 'L' } as Amendment, 3)).thenRefused([{ code: 'NOT_A_DISTRICT_SEAT', field: 'amendment.contestId', message: expect.any(String), operands: { contestId: 'L', bodyId: 'council' } }]);
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
    recorded({ kind: 'fill-seat', bodyId: 'council', contestId: 'SM1', on: '2026-09-01', candidate: { id: 'z9', name: person('Zed Nine'), party: 'B' } }, 4),
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
