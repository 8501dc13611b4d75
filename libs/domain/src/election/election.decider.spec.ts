// Given the election stream's events, when an administrator's command, then the events decided or
// the refusal, with the codes, fields and operands the HTTP API answers.
import { createHash } from 'node:crypto';
import { DeciderSpecification } from '../testing/decider-specification';
import { parsedOrThrow, SMALL_ELECTION_INPUT } from '../views/results.test-helper';
import { commandOfAmendment, type Amendment, type KeyAmendment, type SignedAmendment } from './amendments';
import type { DefineElection, DrawLot, ElectionCommand } from './election.commands';
import { decide, electionDecider, evolve, initialState, repeatedLot, type ElectionRefusal } from './election.decider';
import type { DefinitionAmended, ElectionDefined, ElectionEvent, LotDrawn } from './election.events';
import { lotOrderProblems, lotProblems } from './lot-rules';

const E = 'small-2026';
const given = DeciderSpecification.for(electionDecider, undefined);

/** The fixture with the list contest's tie rule set: `lot`, or the default when omitted. */
const inputWith = (tieRule?: string) => ({
  ...SMALL_ELECTION_INPUT,
  contests: SMALL_ELECTION_INPUT.contests.map((c) => (c.id === 'L' && tieRule !== undefined ? { ...c, tieRule } : c)),
});
const defined = (input: unknown = SMALL_ELECTION_INPUT): ElectionDefined => ({ type: 'ElectionDefined', data: { definition: parsedOrThrow(input) } });
const define = (input: unknown = SMALL_ELECTION_INPUT, electionId = E): DefineElection => ({ type: 'DefineElection', electionId, input });

const lot = (over: Partial<DrawLot> = {}): DrawLot => ({ type: 'DrawLot', electionId: E, contestId: 'SM1', order: ['c2', 'c1'], drawnBy: 'CEC secretary', reason: 'equal votes', ...over });
const drawn = (over: Partial<LotDrawn['data']> = {}): LotDrawn => ({
  type: 'LotDrawn',
  data: { electionId: E, contestId: 'SM1', order: ['c2', 'c1'], drawnBy: 'CEC secretary', reason: 'equal votes', ...over },
});

describe('election decider: DefineElection', () => {
  it('records a valid definition as parsed (defaults filled in)', () => {
    given([]).when(define()).then(defined());
    const [event] = given([]).when(define()).events();
    expect(event.type === 'ElectionDefined' && event.data.definition.contests[0]).toMatchObject({ tieRule: 'registration-order', minimumAdmittedLists: 2 });
  });

  it('the same definition again decides nothing, however its keys are ordered', () => {
    given(defined()).when(define()).thenNothingHappened();
    const reordered = Object.fromEntries(Object.entries(SMALL_ELECTION_INPUT).reverse());
    given(defined()).when(define(reordered)).thenNothingHappened();
    // The defaults written out are the same definition too.
    given(defined()).when(define(parsedOrThrow(SMALL_ELECTION_INPUT))).thenNothingHappened();
  });

  it('refuses a different definition under a defined id: a definition is never replaced', () => {
    given(defined())
      .when(define(inputWith('lot')))
      .thenRefused([{ code: 'DEFINITION_CONFLICT', field: 'id', message: expect.any(String), operands: { electionId: E } }]);
  });

  it('refuses an invalid definition with every problem, path and rule', () => {
    const broken = { ...SMALL_ELECTION_INPUT, date: '15.03.2026', colour: 'red' };
    given([])
      .when(define(broken))
      .thenRefused([
        { code: 'INVALID_DEFINITION', field: 'date', message: expect.any(String), operands: { rule: 'INVALID_FORMAT' } },
        { code: 'INVALID_DEFINITION', field: 'colour', message: expect.any(String), operands: { rule: 'UNKNOWN_FIELD' } },
      ]);
    // Invalid is answered before conflict, as before.
    expect(given(defined()).when(define(broken)).events).toThrow(/refused/);
  });

  it('refuses a definition naming a public key no signature could be verified under, where it is', () => {
    // A stand-in for libsodium's judgement (@tally/signatures' publicKeyProblem, tested there and end to end).
    const weak = Buffer.alloc(32, 9).toString('base64');
    const judged = DeciderSpecification.for(electionDecider, { publicKeyProblem: (key: string) => (key === weak ? 'of small order' : undefined) });
    const good = Buffer.alloc(32, 1).toString('base64');
    const input = {
      ...SMALL_ELECTION_INPUT,
      commissions: SMALL_ELECTION_INPUT.commissions.map((c) => (c.id === 'p1' ? { ...c, keys: [{ keyId: 'p1-a', publicKey: good }, { keyId: 'p1-b', publicKey: weak }] } : c)),
    };
    const at = SMALL_ELECTION_INPUT.commissions.findIndex((c) => c.id === 'p1');
    judged([])
      .when(define(input))
      .thenRefused([
        { code: 'INVALID_DEFINITION', field: `commissions[${at}].keys[1].publicKey`, message: 'key p1-b: of small order', operands: { rule: 'UNUSABLE_KEY', commissionId: 'p1', keyId: 'p1-b', publicKey: weak } },
      ]);
    // Without the judgement in the context, keys are judged by their form only.
    given([]).when(define(input)).then(defined(input));
  });

  it('refuses a definition in which two commissions share a public key (it would sign for both); its retry, once recorded, decides nothing', () => {
    const shared = Buffer.alloc(32, 1).toString('base64');
    const input = {
      ...SMALL_ELECTION_INPUT,
      commissions: SMALL_ELECTION_INPUT.commissions.map((c) => (c.id === 'p1' || c.id === 'p2' ? { ...c, keys: [{ keyId: `${c.id}-a`, publicKey: shared }] } : c)),
    };
    const at = SMALL_ELECTION_INPUT.commissions.findIndex((c) => c.id === 'p2');
    const first = SMALL_ELECTION_INPUT.commissions.findIndex((c) => c.id === 'p1');
    given([])
      .when(define(input))
      .thenRefused([
        {
          code: 'INVALID_DEFINITION',
          field: `commissions[${at}].keys[0].publicKey`,
          message: `this public key is already held by commission "p1" (commissions[${first}].keys[0]): each commission signs with keys of its own`,
          operands: { rule: 'DUPLICATE_KEY' },
        },
      ]);
    // One recorded before the rule reads, and is answered, as it was.
    given(defined(input)).when(define(input)).thenNothingHappened();
  });

  it('refuses a definition sent to another election stream', () => {
    given([])
      .when(define(SMALL_ELECTION_INPUT, 'other-2026'))
      .thenRefused([{ code: 'INVALID_DEFINITION', field: 'id', message: expect.any(String), operands: { rule: 'INVALID_VALUE', electionId: 'other-2026' } }]);
  });

  it('says which election a misdirected or conflicting definition names', () => {
    given([]).when(define(SMALL_ELECTION_INPUT, 'other-2026')).thenRefused([expect.objectContaining({ message: 'the definition is of election small-2026, not other-2026' })]);
    given(defined()).when(define(inputWith('lot'))).thenRefused([expect.objectContaining({ message: 'election small-2026 is already defined differently; a definition is never replaced' })]);
  });
});

describe('election decider: DrawLot', () => {
  it('records a lot for a district, its free text trimmed', () => {
    given(defined())
      .when(lot({ drawnBy: '  CEC secretary ', reason: '\tequal votes\n' }))
      .then(drawn());
  });

  it('records a lot for a list contest whose ties are settled by lot', () => {
    given(defined(inputWith('lot')))
      .when(lot({ contestId: 'L', order: ['D', 'B', 'A', 'C'] }))
      .then(drawn({ contestId: 'L', order: ['D', 'B', 'A', 'C'] }));
  });

  it('refuses a list contest whose ties are settled otherwise', () => {
    given(defined())
      .when(lot({ contestId: 'L', order: ['D', 'B'] }))
      .thenRefused([{ code: 'INVALID_LOT', field: 'contestId', message: 'contest L settles ties by registration-order, not by lot', operands: { tieRule: 'registration-order' } }]);
  });

  it('refuses an unknown election (404 UNKNOWN_ELECTION) and an unknown contest (404 NOT_FOUND)', () => {
    given([])
      .when(lot())
      .thenRefused([{ code: 'UNKNOWN_ELECTION', field: 'electionId', message: `no election ${E} is defined`, operands: { electionId: E } }]);
    // A lot before the definition (another writer's) changes nothing.
    given([drawn()])
      .when(lot())
      .thenRefused([{ code: 'UNKNOWN_ELECTION', field: 'electionId', message: `no election ${E} is defined`, operands: { electionId: E } }]);
    given(defined())
      .when(lot({ contestId: 'NOPE' }))
      .thenRefused([{ code: 'NOT_FOUND', field: 'contestId', message: `election ${E} has no contest NOPE`, operands: { electionId: E, contestId: 'NOPE' } }]);
  });

  it('refuses ids not on the ballot and ids drawn twice, all at once, each at its place in the order', () => {
    given(defined())
      .when(lot({ order: ['c2', 'A', 'c2', 'c9'] }))
      .thenRefused([
        { code: 'UNKNOWN_CHOICE', field: 'order.1', message: 'A is not on the ballot of contest SM1', operands: { id: 'A' } },
        { code: 'INVALID_LOT', field: 'order.2', message: 'c2 is drawn more than once', operands: { id: 'c2' } },
        { code: 'UNKNOWN_CHOICE', field: 'order.3', message: 'c9 is not on the ballot of contest SM1', operands: { id: 'c9' } },
      ]);
  });

  it('refuses malformed fields (400 MALFORMED) before judging the ballot', () => {
    const malformed = (field: string) => ({ code: 'MALFORMED' as const, field, message: expect.any(String) });
    given(defined()).when(lot({ order: [] })).thenRefused([malformed('order')]);
    given(defined()).when(lot({ order: ['c2', ''] })).thenRefused([malformed('order.1')]);
    given(defined()).when(lot({ drawnBy: '   ', order: ['c9'] })).thenRefused([malformed('drawnBy')]);
    given(defined()).when(lot({ drawnBy: 'x'.repeat(501) })).thenRefused([malformed('drawnBy')]);
    given(defined()).when(lot({ reason: 'x'.repeat(2001), drawnBy: '' })).thenRefused([malformed('drawnBy'), malformed('reason')]);
    given(defined()).when(lot({ drawnBy: 'x'.repeat(500), reason: 'y'.repeat(2000) })).then(drawn({ drawnBy: 'x'.repeat(500), reason: 'y'.repeat(2000) }));
  });

  it('the same lot again decides nothing (a retry), even after another lot; a different lot is recorded', () => {
    given([defined(), drawn()]).when(lot({ drawnBy: ' CEC secretary' })).thenNothingHappened();
    given([defined(), drawn(), drawn({ order: ['c1', 'c2'] })]).when(lot()).thenNothingHappened();
    given([defined(), drawn()]).when(lot({ order: ['c1', 'c2', 'c3'] })).then(drawn({ order: ['c1', 'c2', 'c3'] }));
    given([defined(), drawn()]).when(lot({ reason: 'drawn again in public' })).then(drawn({ reason: 'drawn again in public' }));
    // Same order, drawn for another contest: another lot.
    given([defined(), drawn({ contestId: 'SM2', order: ['c4', 'c5'] })]).when(lot({ contestId: 'SM2', order: ['c4', 'c5'], reason: 'tie' })).then(drawn({ contestId: 'SM2', order: ['c4', 'c5'], reason: 'tie' }));
  });

  it('a lot is the same only drawn by the same person, for the same reason, in the same whole order', () => {
    given([defined(), drawn()]).when(lot({ drawnBy: 'the chair' })).then(drawn({ drawnBy: 'the chair' }));
    given([defined(), drawn({ order: ['c2', 'c1', 'c3'] })]).when(lot({ order: ['c2', 'c3', 'c1'] })).then(drawn({ order: ['c2', 'c3', 'c1'] }));
    given([defined(), drawn({ order: ['c2', 'c1', 'c3'] })]).when(lot({ order: ['c2', 'c1'] })).then(drawn());
    given([defined(), drawn()]).when(lot({ order: ['c2', 'c1', 'c3'] })).then(drawn({ order: ['c2', 'c1', 'c3'] }));
  });
});

describe('election decider: repeatedLot', () => {
  it('names the recorded lot a DrawLot repeats, the one that makes it decide nothing', () => {
    const state = [defined(), drawn(), drawn({ order: ['c1', 'c2'] })].reduce(evolve, initialState());
    expect(repeatedLot(lot({ reason: ' equal votes ' }), state)).toEqual(drawn().data);
    expect(repeatedLot(lot({ order: ['c3'] }), state)).toBeUndefined();
    expect(repeatedLot(lot({ drawnBy: '' }), state)).toBeUndefined();
    expect(repeatedLot(lot(), initialState())).toBeUndefined();
  });
});

describe('election decider: evolve', () => {
  it('keeps the first definition and every lot per contest, in order', () => {
    const state = [defined(), defined(inputWith('lot')), drawn(), drawn({ order: ['c1', 'c2'] })].reduce(evolve, initialState());
    if (state.status !== 'defined') throw new Error('not defined');
    expect(state.definition).toEqual(parsedOrThrow(SMALL_ELECTION_INPUT));
    expect(state.defined).toBe(state.definition);
    expect(state.lots.get('SM1')?.map((l) => l.order)).toEqual([
      ['c2', 'c1'],
      ['c1', 'c2'],
    ]);
  });
});

describe('lot rules', () => {
  const definition = parsedOrThrow(inputWith('lot'));
  const contest = (id: string) => definition.contests.find((c) => c.id === id)!;

  it('an order is valid when it draws distinct ids of the ballot, at least one', () => {
    expect(lotOrderProblems(contest('SM1'), ['c3'])).toEqual([]);
    expect(lotOrderProblems(contest('L'), ['D', 'C', 'B', 'A'])).toEqual([]);
    expect(lotOrderProblems(contest('SM1'), []).map((p) => p.code)).toEqual(['INVALID_LOT']);
    expect(lotOrderProblems(contest('SM1'), [])[0].message).toBe('a lot draws at least one id of the ballot');
    expect(lotOrderProblems(contest('SM1'), 'c1').map((p) => p.field)).toEqual(['order']);
    expect(lotOrderProblems(contest('SM1'), ['c1', 7]).map((p) => [p.code, p.field])).toEqual([['UNKNOWN_CHOICE', 'order.1']]);
  });

  it('a new draw also needs a list contest that settles ties by lot', () => {
    const registrationOrder = parsedOrThrow(SMALL_ELECTION_INPUT).contests.find((c) => c.id === 'L')!;
    expect(lotProblems(contest('L'), ['A'])).toEqual([]);
    expect(lotProblems(registrationOrder, ['A']).map((p) => [p.code, p.field])).toEqual([['INVALID_LOT', 'contestId']]);
    // The recorded-lot rule does not look at the tie rule (a view ignores only what the ballot cannot hold).
    expect(lotOrderProblems(registrationOrder, ['A'])).toEqual([]);
  });
});

describe('election decider: key amendments', () => {
  // A stand-in for Ed25519 (the domain is handed the check; @tally/signatures' real one is
  // tested there and end to end): a "signature" is a hash of the public key and what is signed.
  const pk = (n: number): string => Buffer.alloc(32, n).toString('base64');
  const canon = (v: unknown): string =>
    v === null || typeof v !== 'object'
      ? JSON.stringify(v)
      : Array.isArray(v)
        ? `[${v.map(canon).join(',')}]`
        : `{${Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}`;
  const fakeSignature = (u: Omit<SignedAmendment, 'signature'>, publicKey: string): string =>
    createHash('sha256').update(`${publicKey}|${u.electionId}|${u.sequence}|${canon(u.amendment)}`).digest('base64');
  const verifyAmendment = (signed: SignedAmendment, publicKey: string): boolean => signed.signature.value === fakeSignature(signed, publicKey);
  const amendGiven = DeciderSpecification.for(electionDecider, { verifyAmendment });

  type Signer = { keyId: string; publicKey: string };
  const ROOT: Signer = { keyId: 'root-1', publicKey: pk(1) };
  const ROOT_2: Signer = { keyId: 'root-2', publicKey: pk(11) };
  const P1: Signer = { keyId: 'p1-a', publicKey: pk(2) };
  const AT = '2026-03-15T15:00:00.000Z';
  const FROM = '2026-03-15T14:00:00.000Z';
  const withKeys = {
    ...SMALL_ELECTION_INPUT,
    commissions: SMALL_ELECTION_INPUT.commissions.map((c) => (c.id === 'cec' ? { ...c, keys: [ROOT] } : c.id === 'p1' ? { ...c, keys: [P1] } : c)),
  };
  const keyed = defined(withKeys);

  interface Options {
    readonly sequence?: number;
    readonly signer?: Signer;
    readonly receivedAt?: string;
    /** Sign this sequence number, whatever the command says. */
    readonly signedSequence?: number;
  }
  const signatureOf = (amendment: Amendment, o: Options) => {
    const signer = o.signer ?? ROOT;
    return { keyId: signer.keyId, value: fakeSignature({ electionId: E, sequence: o.signedSequence ?? o.sequence ?? 1, amendment }, signer.publicKey) };
  };
  const command = (amendment: Amendment, o: Options = {}) =>
    commandOfAmendment(amendment, { electionId: E, sequence: o.sequence ?? 1, signature: signatureOf(amendment, o), receivedAt: o.receivedAt ?? AT });
  const recorded = (amendment: Amendment, o: Options = {}): DefinitionAmended => ({
    type: 'DefinitionAmended',
    data: { electionId: E, sequence: o.sequence ?? 1, amendment, receivedAt: o.receivedAt ?? AT, signature: signatureOf(amendment, o) },
  });

  const addKey: KeyAmendment = { kind: 'add-key', commissionId: 'p1', key: { keyId: 'p1-b', publicKey: pk(3) } };
  const revokeKey: KeyAmendment = { kind: 'revoke-key', commissionId: 'p1', keyId: 'p1-a', from: FROM };
  const replaceKeys: KeyAmendment = { kind: 'replace-keys', commissionId: 'p1', keys: [{ keyId: 'p1-c', publicKey: pk(4) }], from: FROM };
  const replaceRoot: KeyAmendment = { kind: 'replace-keys', commissionId: 'cec', keys: [ROOT_2], from: FROM };
  const badSignature = (field: string, operands: Record<string, string>): ElectionRefusal[] => [{ code: 'BAD_SIGNATURE', field, message: expect.any(String), operands: { commissionId: 'cec', ...operands } }];

  it('records each kind, signed by a root key valid when received: the amendment, when, and the signature', () => {
    amendGiven(keyed).when(command(addKey)).then(recorded(addKey));
    amendGiven(keyed).when(command(revokeKey)).then(recorded(revokeKey));
    amendGiven(keyed).when(command(replaceKeys)).then(recorded(replaceKeys));
    const validFrom = { ...addKey, validFrom: '2026-03-15T19:00:00+05:00' } as KeyAmendment;
    amendGiven(keyed).when(command(validFrom)).then(recorded(validFrom));
    amendGiven([keyed, recorded(addKey)]).when(command(revokeKey, { sequence: 2 })).then(recorded(revokeKey, { sequence: 2 }));
  });

  it('the very amendment again decides nothing (a retry), whenever it arrives', () => {
    amendGiven([keyed, recorded(addKey), recorded(revokeKey, { sequence: 2 })]).when(command(addKey, { receivedAt: '2026-03-16T09:00:00Z' })).thenNothingHappened();
    amendGiven([keyed, recorded(addKey)]).when(command(addKey)).thenNothingHappened();
  });

  it('refuses anything else under a used sequence number (STALE_AMENDMENT) and a number past the next (SEQUENCE_GAP)', () => {
    const stale: ElectionRefusal[] = [{ code: 'STALE_AMENDMENT', field: 'sequence', message: expect.any(String), operands: { sequence: 1, next: 3 } }];
    const history = [keyed, recorded(addKey), recorded(revokeKey, { sequence: 2 })];
    amendGiven(history).when(command(replaceKeys)).thenRefused(stale);
    // The same amendment signed again (by another root key) under the used number is a replay too.
    amendGiven([...history, recorded(replaceRoot, { sequence: 3, receivedAt: '2026-03-15T13:00:00Z' })])
      .when(command(addKey, { signer: ROOT_2 }))
      .thenRefused([{ ...stale[0], operands: { sequence: 1, next: 4 } }]);
    amendGiven(keyed)
      .when(command(addKey, { sequence: 2 }))
      .thenRefused([{ code: 'SEQUENCE_GAP', field: 'sequence', message: expect.any(String), operands: { sequence: 2, next: 1 } }]);
  });

  it('refuses a signature by no root key: a commission cannot amend keys, its own included', () => {
    amendGiven(keyed).when(command(addKey, { signer: P1 })).thenRefused(badSignature('signature.keyId', { keyId: 'p1-a', problem: 'unknown-key' }));
    // The root's key id, the precinct's private key.
    amendGiven(keyed).when(command(addKey, { signer: { keyId: 'root-1', publicKey: P1.publicKey } })).thenRefused(badSignature('signature.value', { keyId: 'root-1', problem: 'invalid-signature' }));
  });

  it('refuses a signature over another sequence number or election: a signed amendment cannot be moved', () => {
    amendGiven([keyed, recorded(addKey)]).when(command(revokeKey, { sequence: 2, signedSequence: 1 })).thenRefused(badSignature('signature.value', { keyId: 'root-1', problem: 'invalid-signature' }));
    const foreign = { ...command(addKey), signature: { keyId: 'root-1', value: fakeSignature({ electionId: 'other-2026', sequence: 1, amendment: addKey }, ROOT.publicKey) } };
    amendGiven(keyed).when(foreign).thenRefused(badSignature('signature.value', { keyId: 'root-1', problem: 'invalid-signature' }));
  });

  it('judges the root key at the instant the amendment is received: revoked exactly from `from`, the replacement valid from it', () => {
    const rotated = [keyed, recorded(replaceRoot, { receivedAt: '2026-03-15T13:00:00Z' })];
    // The old root key: still good just before `from`, no longer exactly at it.
    amendGiven(rotated).when(command(addKey, { sequence: 2, receivedAt: '2026-03-15T13:59:59.999Z' })).then(recorded(addKey, { sequence: 2, receivedAt: '2026-03-15T13:59:59.999Z' }));
    amendGiven(rotated)
      .when(command(addKey, { sequence: 2, receivedAt: FROM }))
      .thenRefused(badSignature('signature.keyId', { keyId: 'root-1', problem: 'revoked-key', revokedFrom: FROM, receivedAt: FROM }));
    // The new one: not yet valid just before, valid exactly at `from`.
    amendGiven(rotated)
      .when(command(addKey, { sequence: 2, signer: ROOT_2, receivedAt: '2026-03-15T13:59:59.999Z' }))
      .thenRefused(badSignature('signature.keyId', { keyId: 'root-2', problem: 'not-yet-valid', validFrom: FROM, receivedAt: '2026-03-15T13:59:59.999Z' }));
    amendGiven(rotated).when(command(addKey, { sequence: 2, signer: ROOT_2, receivedAt: FROM })).then(recorded(addKey, { sequence: 2, signer: ROOT_2, receivedAt: FROM }));
  });

  it('judges the signature before the content: an unsigned request learns nothing of the election', () => {
    amendGiven(keyed)
      .when(command({ ...addKey, commissionId: 'ghost' } as KeyAmendment, { signer: P1 }))
      .thenRefused(badSignature('signature.keyId', { keyId: 'p1-a', problem: 'unknown-key' }));
  });

  it('refuses an unknown commission, an unknown key, and a revocation that would change nothing', () => {
    amendGiven(keyed)
      .when(command({ ...revokeKey, commissionId: 'ghost' } as KeyAmendment))
      .thenRefused([{ code: 'UNKNOWN_COMMISSION', field: 'amendment.commissionId', message: `election ${E} has no commission ghost`, operands: { commissionId: 'ghost' } }]);
    amendGiven(keyed)
      .when(command({ ...revokeKey, keyId: 'p1-z' } as KeyAmendment))
      .thenRefused([{ code: 'UNKNOWN_KEY', field: 'amendment.keyId', message: 'commission p1 has no key p1-z', operands: { commissionId: 'p1', keyId: 'p1-z' } }]);
    const revoked = [keyed, recorded(revokeKey)];
    const already = (from: string): ElectionRefusal[] => [{ code: 'ALREADY_REVOKED', field: 'amendment.from', message: expect.any(String), operands: { commissionId: 'p1', keyId: 'p1-a', revokedFrom: FROM, from } }];
    amendGiven(revoked).when(command(revokeKey, { sequence: 2 })).thenRefused(already(FROM));
    const later = { ...revokeKey, from: '2026-03-15T14:00:00.001Z' } as KeyAmendment;
    amendGiven(revoked).when(command(later, { sequence: 2 })).thenRefused(already('2026-03-15T14:00:00.001Z'));
    // An earlier instant narrows the key's validity: recorded.
    const earlier = { ...revokeKey, from: '2026-03-15T13:59:59.999Z' } as KeyAmendment;
    amendGiven(revoked).when(command(earlier, { sequence: 2 })).then(recorded(earlier, { sequence: 2 }));
  });

  it('refuses a key id or public key the commission holds or ever held, or gives twice, each where it is', () => {
    const duplicate = (field: string, operands: Record<string, string>, message = expect.any(String)): ElectionRefusal => ({ code: 'DUPLICATE_KEY', field, message, operands: { commissionId: 'p1', ...operands } });
    amendGiven(keyed)
      .when(command({ ...addKey, key: { keyId: 'p1-a', publicKey: pk(2) } } as KeyAmendment))
      .thenRefused([duplicate('amendment.key.keyId', { keyId: 'p1-a' }), duplicate('amendment.key.publicKey', { publicKey: pk(2) })]);
    // A revoked key cannot come back under a new name.
    amendGiven([keyed, recorded(revokeKey)])
      .when(command({ ...addKey, key: { keyId: 'p1-again', publicKey: pk(2) } } as KeyAmendment, { sequence: 2 }))
      .thenRefused([duplicate('amendment.key.publicKey', { publicKey: pk(2) })]);
    amendGiven(keyed)
      .when(command({ ...replaceKeys, keys: [{ keyId: 'x', publicKey: pk(5) }, { keyId: 'x', publicKey: pk(6) }, { keyId: 'y', publicKey: pk(5) }] } as KeyAmendment))
      .thenRefused([duplicate('amendment.keys.1.keyId', { keyId: 'x' }, 'the keyId is given twice'), duplicate('amendment.keys.2.publicKey', { publicKey: pk(5) }, 'the publicKey is given twice')]);
    amendGiven(keyed)
      .when(command({ ...addKey, key: { keyId: 'p1-a', publicKey: pk(9) } } as KeyAmendment))
      .thenRefused([duplicate('amendment.key.keyId', { keyId: 'p1-a' }, 'commission p1 already holds (or held) a key with this keyId')]);
    // A key id is a name, not a public key: one spelled like another commission's public key is no duplicate.
    const namedLikeRootKey = { ...addKey, key: { keyId: ROOT.publicKey, publicKey: pk(9) } } as KeyAmendment;
    amendGiven(keyed).when(command(namedLikeRootKey)).then(recorded(namedLikeRootKey));
  });

  it('refuses a public key another commission holds or held: it would sign for both', () => {
    const shared: ElectionRefusal = {
      code: 'DUPLICATE_KEY',
      field: 'amendment.key.publicKey',
      message: 'commission cec holds (or held) this public key: each commission signs with keys of its own',
      operands: { commissionId: 'p1', publicKey: ROOT.publicKey, heldBy: 'cec' },
    };
    amendGiven(keyed).when(command({ ...addKey, key: { keyId: 'p1-b', publicKey: ROOT.publicKey } } as KeyAmendment)).thenRefused([shared]);
    // Held, then replaced: still refused (a key that left one commission never signs for another).
    amendGiven([keyed, recorded(replaceRoot)])
      .when(command({ ...addKey, key: { keyId: 'p1-b', publicKey: ROOT.publicKey } } as KeyAmendment, { sequence: 2, signer: ROOT_2 }))
      .thenRefused([shared]);
    // p2 may take p1's key id under a key of its own.
    const p2Key = { kind: 'add-key', commissionId: 'p2', key: { keyId: 'p1-a', publicKey: pk(7) } } as KeyAmendment;
    amendGiven(keyed).when(command(p2Key)).then(recorded(p2Key));
  });

  it('refuses a public key no signature could be verified under (UNUSABLE_KEY), each where it is, beside any duplicate', () => {
    const weak = pk(9);
    const judged = DeciderSpecification.for(electionDecider, { verifyAmendment, publicKeyProblem: (key: string) => (key === weak ? 'of small order' : undefined) });
    const unusable = (field: string, keyId: string): ElectionRefusal => ({ code: 'UNUSABLE_KEY', field, message: `key ${keyId}: of small order`, operands: { keyId, publicKey: weak } });
    judged(keyed)
      .when(command({ ...addKey, key: { keyId: 'p1-b', publicKey: weak } } as KeyAmendment))
      .thenRefused([unusable('amendment.key.publicKey', 'p1-b')]);
    judged(keyed)
      .when(command({ ...replaceKeys, keys: [{ keyId: 'p1-c', publicKey: pk(4) }, { keyId: 'p1-a', publicKey: weak }] } as KeyAmendment))
      .thenRefused([
        { code: 'DUPLICATE_KEY', field: 'amendment.keys.1.keyId', message: expect.any(String), operands: { commissionId: 'p1', keyId: 'p1-a' } },
        unusable('amendment.keys.1.publicKey', 'p1-a'),
      ]);
    judged(keyed).when(command(addKey)).then(recorded(addKey));
  });

  it('refuses malformed fields all at once, with the signed body\'s field names, before anything else', () => {
    const malformed = (field: string): ElectionRefusal => ({ code: 'MALFORMED', field, message: expect.any(String) });
    const broken = { ...replaceKeys, keys: [{ keyId: 'k', publicKey: 'short' }], from: '2026-03-15T14:00:00' } as KeyAmendment;
    amendGiven(keyed).when({ ...command(broken), sequence: 0 }).thenRefused([malformed('sequence'), malformed('amendment.keys.0.publicKey'), malformed('amendment.from')]);
    amendGiven(keyed).when(command({ ...replaceKeys, keys: [] } as KeyAmendment)).thenRefused([malformed('amendment.keys')]);
    amendGiven(keyed).when(command(addKey, { receivedAt: 'now' })).thenRefused([malformed('receivedAt')]);
    amendGiven(keyed).when({ ...command(addKey), signature: { keyId: '', value: 'x' } }).thenRefused([malformed('signature.keyId')]);
  });

  it('refuses an amendment of an election not defined', () => {
    amendGiven([]).when(command(addKey)).thenRefused([{ code: 'UNKNOWN_ELECTION', field: 'electionId', message: `no election ${E} is defined`, operands: { electionId: E } }]);
  });

  it('cannot decide an amendment without the signature check: a wiring bug, not a refusal', () => {
    expect(() => given(keyed).when(command(addKey)).events()).toThrow(/verifyAmendment/);
  });

  it('a retry is the very amendment under the same key and signature: a signature copied onto another amendment is a replay', () => {
    const history = [keyed, recorded(addKey)];
    const stale: ElectionRefusal = { code: 'STALE_AMENDMENT', field: 'sequence', message: 'amendment 1 of election small-2026 is already recorded, and differs; the next amendment is 2', operands: { sequence: 1, next: 2 } };
    amendGiven(history).when({ ...command(revokeKey), signature: signatureOf(addKey, {}) }).thenRefused([stale]);
    amendGiven(history).when({ ...command(addKey), signature: { ...signatureOf(addKey, {}), keyId: 'root-2' } }).thenRefused([stale]);
    amendGiven(history).when({ ...command(addKey), signature: { ...signatureOf(addKey, {}), value: 'c2lnbmVkIGFnYWlu' } }).thenRefused([stale]);
    amendGiven(keyed)
      .when(command(addKey, { sequence: 3 }))
      .thenRefused([{ code: 'SEQUENCE_GAP', field: 'sequence', message: 'election small-2026 has 0 amendment(s); the next is 1, not 3', operands: { sequence: 3, next: 1 } }]);
    amendGiven(keyed).when({ ...command(addKey), receivedAt: 'now' }).thenRefused([{ code: 'MALFORMED', field: 'receivedAt', message: 'the instant the amendment was received, RFC 3339' }]);
  });

  it('says in a refusal which key of which commission, and the instants compared', () => {
    /** The refusal's words, decided on the events given. */
    const words = (events: readonly ElectionEvent[], c: ElectionCommand) => {
      const decided = decide(c, events.reduce(evolve, initialState()), { verifyAmendment });
      return decided.ok ? decided.value : decided.error.map((r) => r.message);
    };
    expect(words([keyed], command(addKey, { signer: P1 }))).toEqual(['this amendment is signed by a key of commission cec, which has no key p1-a']);
    expect(words([keyed], command(addKey, { signer: { keyId: 'root-1', publicKey: P1.publicKey } }))).toEqual([
      'the signature does not verify under key root-1 of cec: sign the tally-amendment-v1 encoding of exactly this amendment, election and sequence',
    ]);
    const rotated = [keyed, recorded(replaceRoot, { receivedAt: '2026-03-15T13:00:00Z' })];
    expect(words(rotated, command(addKey, { sequence: 2 }))).toEqual([`key root-1 of cec is revoked from ${FROM}; received at ${AT} (an amendment is judged when received)`]);
    const later = { ...revokeKey, from: '2026-03-15T16:00:00.000Z' } as KeyAmendment;
    expect(words([keyed, recorded(revokeKey)], command(later, { sequence: 2 }))).toEqual([`key p1-a of p1 is already revoked from ${FROM}, not after 2026-03-15T16:00:00.000Z`]);
  });

  it('evolve folds no amendment before the definition', () => {
    expect(evolve(initialState(), recorded(addKey))).toEqual({ status: 'not-defined' });
  });

  it('evolve folds the amendments in sequence into the key ring; a repeated or out-of-order record changes nothing', () => {
    const state = [keyed, recorded(addKey), recorded(revokeKey, { sequence: 3 }), recorded(addKey), recorded(revokeKey, { sequence: 2 })].reduce(evolve, initialState());
    if (state.status !== 'defined') throw new Error('not defined');
    expect(state.amendments.map((a) => [a.sequence, a.amendment.kind])).toEqual([
      [1, 'add-key'],
      [2, 'revoke-key'],
    ]);
    expect(state.keys.keysOf('p1').map((k) => [k.keyId, k.validFrom, k.revokedFrom])).toEqual([
      ['p1-a', undefined, FROM],
      ['p1-b', AT, undefined],
    ]);
    // The definition as recorded is untouched.
    expect(state.definition).toBe(state.defined);
    expect(state.definition.commissions.find((c) => c.id === 'p1')?.keys).toEqual([P1]);
  });

  describe('WithdrawCandidate: a candidate leaves a ranked list before polling day', () => {
    const person = (en: string) => ({ kk: en, ru: en, en });
    const ranked = defined({
      ...withKeys,
      contests: withKeys.contests.map((c) =>
        c.id === 'L' ? { ...c, rankedLists: [{ list: 'A', candidates: [{ id: 'a1', name: person('A One') }, { id: 'a2', name: person('A Two') }] }] } : c,
      ),
    });
    const BEFORE = '2026-03-14T18:00:00Z'; // 23:00 on the 14th in Almaty: the eve of polling day
    const withdraw: Amendment = { kind: 'withdraw-candidate', contestId: 'L', candidateId: 'a1', reason: 'personal statement of 2026-03-01' };

    it('is recorded signed, and the state knows the candidate withdrawn', () => {
      amendGiven(ranked).when(command(withdraw, { receivedAt: BEFORE })).then(recorded(withdraw, { receivedAt: BEFORE }));
      const state = [ranked, recorded(withdraw, { receivedAt: BEFORE })].reduce(evolve, initialState());
      expect(state.status === 'defined' && [...state.withdrawn]).toEqual(['a1']);
      // The keys are untouched.
      expect(state.status === 'defined' && state.keys.keysOf('p1').map((k) => k.keyId)).toEqual(['p1-a']);
    });

    it('refuses on polling day in the election’s time zone (WITHDRAWAL_TOO_LATE), even where UTC is still the day before', () => {
      amendGiven(ranked)
        .when(command(withdraw, { receivedAt: '2026-03-14T19:30:00Z' }))
        .thenRefused([{ code: 'WITHDRAWAL_TOO_LATE', field: 'receivedAt', message: expect.any(String), operands: { pollingDay: '2026-03-15', receivedOn: '2026-03-15' } }]);
    });

    it('refuses a candidate twice, one on no ranked list, a contest that is not a list contest, and an unsigned request', () => {
      amendGiven([ranked, recorded(withdraw, { receivedAt: BEFORE })])
        .when(command(withdraw, { sequence: 2, receivedAt: BEFORE }))
        .thenRefused([{ code: 'ALREADY_WITHDRAWN', field: 'amendment.candidateId', message: expect.any(String), operands: { candidateId: 'a1', listId: 'A' } }]);
      amendGiven(ranked)
        .when(command({ ...withdraw, candidateId: 'c1' }, { receivedAt: BEFORE }))
        .thenRefused([{ code: 'NOT_ON_A_RANKED_LIST', field: 'amendment.candidateId', message: expect.any(String), operands: { contestId: 'L', candidateId: 'c1' } }]);
      amendGiven(ranked)
        .when(command({ ...withdraw, contestId: 'SM1' }, { receivedAt: BEFORE }))
        .thenRefused([{ code: 'NOT_A_LIST_CONTEST', field: 'amendment.contestId', message: expect.any(String), operands: { contestId: 'SM1' } }]);
      amendGiven(ranked)
        .when(command(withdraw, { receivedAt: BEFORE, signer: P1 }))
        .thenRefused(badSignature('signature.keyId', { keyId: 'p1-a', problem: 'unknown-key' }));
    });

    it('says why a withdrawal is refused: the day it came, the list, the contest', () => {
      amendGiven(ranked)
        .when(command(withdraw, { receivedAt: '2026-03-14T19:30:00Z' }))
        .thenRefused([expect.objectContaining({ message: 'a candidate is withdrawn before polling day (2026-03-15); received on 2026-03-15 (Asia/Almaty)' })]);
      amendGiven([ranked, recorded(withdraw, { receivedAt: BEFORE })])
        .when(command(withdraw, { sequence: 2, receivedAt: BEFORE }))
        .thenRefused([expect.objectContaining({ message: 'candidate a1 of list A is already withdrawn' })]);
      amendGiven(ranked)
        .when(command({ ...withdraw, contestId: 'X' }, { receivedAt: BEFORE }))
        .thenRefused([{ code: 'NOT_A_LIST_CONTEST', field: 'amendment.contestId', message: 'election small-2026 has no list contest X', operands: { contestId: 'X' } }]);
      // A list contest without ranked lists: nobody on it can be withdrawn.
      amendGiven(keyed)
        .when(command(withdraw, { receivedAt: BEFORE }))
        .thenRefused([{ code: 'NOT_ON_A_RANKED_LIST', field: 'amendment.candidateId', message: 'candidate a1 is on no ranked list of contest L', operands: { contestId: 'L', candidateId: 'a1' } }]);
    });
  });
});
