// Given the election stream's events, when an administrator's command, then the events decided or
// the refusal, with the codes, fields and operands the HTTP API answers.
import { DeciderSpecification } from '../testing/decider-specification';
import { parsedOrThrow, SMALL_ELECTION_INPUT } from '../views/results.test-helper';
import type { DefineElection, DrawLot } from './election.commands';
import { electionDecider, evolve, initialState, repeatedLot } from './election.decider';
import type { ElectionDefined, LotDrawn } from './election.events';
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

  it('refuses a definition sent to another election stream', () => {
    given([])
      .when(define(SMALL_ELECTION_INPUT, 'other-2026'))
      .thenRefused([{ code: 'INVALID_DEFINITION', field: 'id', message: expect.any(String), operands: { rule: 'INVALID_VALUE', electionId: 'other-2026' } }]);
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
