// Given the election stream's events, when a commission's signed act, then the act recorded or
// refused with the codes, fields and operands the HTTP API answers. The signature check and the
// sums of the recorded protocols are the context's (the service reads them; test/e2e/lifecycle
// runs the real ones): here a stand-in verifier and fixed sums.
import { DeciderSpecification } from '../testing/decider-specification';
import { parsedOrThrow, SMALL_ELECTION_INPUT } from '../views/results.test-helper';
import { decide as decidePrecinct, initialState as initialPrecinct } from '../precinct/precinct.decider';
import { indexElection } from './election-index';
import { electionDecider, evolve, initialState, type ElectionContext, type ElectionRefusal } from './election.decider';
import type { ElectionDefined, ElectionEvent, LifecycleEvent } from './election.events';
import { ActRecordedData, allocatingCommissionOf, bodyOutcomes, CertificationAct, LifecycleActShape, differingLines, sameAct, signerOfAct, sumProtocols, type ContestTotals, type LifecycleAct } from './lifecycle';
import type { ElectionDefinition } from './election-definition';

const E = 'small-2026';
const publicKey = (id: string) => `${id.padEnd(42, 'x')}A=`;
const keyed = {
  ...SMALL_ELECTION_INPUT,
  commissions: SMALL_ELECTION_INPUT.commissions.map((c) => (c.level === 'precinct' ? c : { ...c, keys: [{ keyId: `${c.id}-1`, publicKey: publicKey(c.id) }] })),
};
const definition = parsedOrThrow(keyed);
const defined: ElectionDefined = { type: 'ElectionDefined', data: { definition } };
const RECEIVED = '2026-03-15T22:00:00+05:00';

/** The sums of the recorded protocols, by `commission/contest`: every precinct in. */
const SUMS: Record<string, ContestTotals> = {
  'north/L': { contestId: 'L', expected: 3, reported: 3, lines: { 'votes.A': 900, 'votes.B': 600, 'votes.C': 300, 'votes.D': 100, againstAll: 100, invalid: 20, ballotsFound: 2020 } },
  'cec/L': { contestId: 'L', expected: 5, reported: 5, lines: { 'votes.A': 1200, 'votes.B': 800, 'votes.C': 450, 'votes.D': 150, againstAll: 120, invalid: 30, ballotsFound: 2750 } },
  'cec/SM1': { contestId: 'SM1', expected: 3, reported: 3, lines: { 'votes.c1': 1000, 'votes.c2': 700, 'votes.c3': 200, againstAll: 100, invalid: 20, ballotsFound: 2020 } },
  'cec/SM2': { contestId: 'SM2', expected: 2, reported: 2, lines: { 'votes.c4': 400, 'votes.c5': 250, againstAll: 20, invalid: 10, ballotsFound: 680 } },
  'south/L': { contestId: 'L', expected: 2, reported: 1, lines: { 'votes.A': 300 } },
};
const DIGEST = 'ab'.repeat(32);
const context: ElectionContext = {
  // A stand-in: "good" verifies, anything else does not (libs/signatures has the real one).
  verifyAct: (signed) => signed.signature.value === 'good',
  votesDigest: (totals) => (totals.length === 3 ? DIGEST : 'cd'.repeat(32)),
  totals: (commissionId, contestId) => SUMS[`${commissionId}/${contestId}`] ?? { contestId, expected: 0, reported: 0, lines: {} },
};
const given = DeciderSpecification.for(electionDecider, context);

const act = (a: LifecycleAct, sequence = 1, value = 'good', signedBy = a.kind === 'summary' ? a.commissionId : 'cec') => ({
  type: 'RecordAct' as const,
  electionId: E,
  body: { sequence, act: a, signature: { keyId: `${signedBy}-1`, value } },
  receivedAt: RECEIVED,
});
const summary = (lines = SUMS['north/L'].lines, precincts = 3): LifecycleAct => ({ kind: 'summary', commissionId: 'north', contestId: 'L', precincts, lines });
const OUTCOMES = bodyOutcomes(definition, 'council', (k) => SUMS[`cec/${k}`], () => undefined);
if (!OUTCOMES.ok) throw new Error('the fixture sums must allocate');
const certification = (outcomes = OUTCOMES.outcomes, votesDigest = DIGEST): LifecycleAct => ({ kind: 'certification', bodyId: 'council', outcomes, votesDigest });
const recorded = (type: LifecycleEvent['type'], a: LifecycleAct, sequence = 1, signedBy = a.kind === 'summary' ? a.commissionId : 'cec') =>
  ({ type, data: { electionId: E, signedBy, sequence, act: a, receivedAt: RECEIVED, signature: { keyId: `${signedBy}-1`, value: 'good' } } }) as LifecycleEvent;

describe('a territorial commission’s result protocol (summary)', () => {
  it('is recorded when it equals the sums of its precincts’ protocols, every precinct in', () => {
    given(defined).when(act(summary())).then(recorded('ResultsSummarized', summary()));
  });

  it('off by one vote: refused SUMMARY_MISMATCH naming the line, the summary’s count and the precincts’ sum', () => {
    given(defined)
      .when(act(summary({ ...SUMS['north/L'].lines, 'votes.B': 601 })))
      .thenRefused([{ code: 'SUMMARY_MISMATCH', field: 'act.lines.votes.B', message: expect.stringContaining('votes.B'), operands: { line: 'votes.B', summary: 601, precincts: 600 } }]);
  });

  it('names every differing line, a missing one and a wrong precinct count', () => {
    given(defined).when(act(summary(undefined, 2))).thenRefused([expect.objectContaining({ message: 'the summary counts 2 precinct protocols; 3 are recorded' })]);
    const { invalid: _dropped, ...lines } = SUMS['north/L'].lines;
    given(defined)
      .when(act(summary({ ...lines, 'votes.A': 899 }, 2)))
      .thenRefused([
        expect.objectContaining({ code: 'SUMMARY_MISMATCH', field: 'act.precincts', operands: { line: 'precincts', summary: 2, precincts: 3 } }),
        expect.objectContaining({ code: 'SUMMARY_MISMATCH', field: 'act.lines.votes.A', operands: { line: 'votes.A', summary: 899, precincts: 900 } }),
        expect.objectContaining({ code: 'SUMMARY_MISMATCH', field: 'act.lines.invalid', operands: { line: 'invalid', summary: 0, precincts: 20 } }),
      ]);
  });

  it('is refused while a precinct under the commission has no protocol', () => {
    given(defined)
      .when(act({ kind: 'summary', commissionId: 'south', contestId: 'L', precincts: 1, lines: SUMS['south/L'].lines }))
      .thenRefused([{ code: 'PRECINCTS_OUTSTANDING', field: 'act', message: expect.any(String), operands: { contestId: 'L', reported: 1, expected: 2 } }]);
  });

  it('must be signed by the commission’s own key, and a signed act applies once', () => {
    given(defined).when(act(summary(), 1, 'forged')).thenRefused([expect.objectContaining({ code: 'BAD_SIGNATURE', field: 'signature.value' })]);
    given(defined).when(act(summary(), 1, 'good', 'cec')).thenRefused([expect.objectContaining({ code: 'BAD_SIGNATURE', field: 'signature.keyId' })]);
    given([defined, recorded('ResultsSummarized', summary())]).when(act(summary())).thenNothingHappened();
    given([defined, recorded('ResultsSummarized', summary())])
      .when(act(summary(), 1, 'good-but-other'))
      .thenRefused([expect.objectContaining({ code: 'STALE_ACT', operands: { sequence: 1, next: 2, commissionId: 'north' } })]);
    given(defined).when(act(summary(), 2)).thenRefused([expect.objectContaining({ code: 'SEQUENCE_GAP' })]);
  });
});

describe('certification and decertification of a body’s seats', () => {
  it('records the outcome the sums give, with their digest, signed by the root', () => {
    given(defined).when(act(certification())).then(recorded('ResultsCertified', certification()));
  });

  it('refuses other seats or another digest: CERTIFICATION_MISMATCH', () => {
    const [list, ...districts] = OUTCOMES.outcomes;
    if (list.kind !== 'list') throw new Error('the list contest comes first');
    const moved = { ...list, seats: { ...list.seats, A: list.seats.A + 1, B: list.seats.B - 1 } };
    given(defined).when(act(certification([moved, ...districts]))).thenRefused([expect.objectContaining({ code: 'CERTIFICATION_MISMATCH', field: 'act.outcomes.0', operands: { contestId: 'L' } })]);
    given(defined).when(act(certification(OUTCOMES.outcomes, 'ef'.repeat(32)))).thenRefused([expect.objectContaining({ code: 'CERTIFICATION_MISMATCH', field: 'act.votesDigest' })]);
  });

  it('once only until decertified; a decertification needs a certification and a reason; the old certification cannot be replayed', () => {
    const decertification: LifecycleAct = { kind: 'decertification', bodyId: 'council', reason: 'a recount was ordered in p2' };
    given([defined, recorded('ResultsCertified', certification())]).when(act(certification(), 2)).thenRefused([expect.objectContaining({ code: 'ALREADY_CERTIFIED' })]);
    given(defined).when(act(decertification)).thenRefused([expect.objectContaining({ code: 'NOT_CERTIFIED' })]);
    given([defined, recorded('ResultsCertified', certification())]).when(act(decertification, 2)).then(recorded('ResultsDecertified', decertification, 2));
    given([defined, recorded('ResultsCertified', certification())]).when(act({ ...decertification, reason: '  ' }, 2)).thenRefused([expect.objectContaining({ code: 'MALFORMED', field: 'act.reason' })]);
    // After the decertification, the first certification (sequence 1) again is a replay.
    given([defined, recorded('ResultsCertified', certification()), recorded('ResultsDecertified', decertification, 2)])
      .when(act(certification()))
      .thenNothingHappened();
    given([defined, recorded('ResultsCertified', certification()), recorded('ResultsDecertified', decertification, 2)]).when(act(certification(), 3)).then(recorded('ResultsCertified', certification(), 3));
  });
});

describe('a certified body’s protocols', () => {
  it('are not corrected: RESULTS_CERTIFIED until a decertification', () => {
    const election = indexElection(definition);
    const protocol = { contestId: 'L', registeredVoters: 1000, addedSameDay: 0, ballotsLost: 0, ballotsReceived: 900, ballotsIssued: { atStation: 700, early: 0, mobile: 0 }, ballotsCancelled: 200, ballotsFound: 700, invalid: 10, votes: { A: 300, B: 200, C: 100, D: 50 }, againstAll: 40 };
    const meta = (id: string) => ({ submissionId: id, electionId: E, precinctId: 'p1', submittedBy: 'north', receivedAt: RECEIVED, signature: null });
    let state = initialPrecinct();
    const [first] = decidePrecinct({ type: 'SubmitProtocol', meta: { ...meta('s1'), submittedBy: 'p1' }, protocol, version: 1 }, state, { election, beforeV2: true });
    expect(first.type).toBe('ProtocolRecorded');
    state = { ...state, contests: new Map([['L', { version: 1, submissionId: 's1', protocol }]]) };
    const correction = { type: 'CorrectProtocol' as const, meta: meta('s2'), protocol: { ...protocol, votes: { ...protocol.votes, A: 299 }, invalid: 11 }, reason: 'recount', version: 2 };
    const [refused] = decidePrecinct(correction, state, { election, certifiedBodies: new Set(['council']) });
    expect(refused).toMatchObject({ type: 'SubmissionRefused', data: { reasons: [expect.objectContaining({ code: 'RESULTS_CERTIFIED', operands: { contestId: 'L', bodyId: 'council' } })] } });
    const [corrected] = decidePrecinct(correction, state, { election, certifiedBodies: new Set() });
    expect(corrected.type).toBe('ProtocolCorrected');
  });
});

describe('sums', () => {
  it('adds the paper form’s lines and lists what differs', () => {
    const p = { contestId: 'SM2', registeredVoters: 100, addedSameDay: 0, ballotsReceived: 100, ballotsIssued: { atStation: 60, early: 5, mobile: 5 }, ballotsCancelled: 30, ballotsLost: 0, ballotsFound: 70, invalid: 2, votes: { c4: 40, c5: 20 }, againstAll: 8 };
    const totals = sumProtocols('SM2', 3, [p, p]);
    expect(totals).toMatchObject({ expected: 3, reported: 2, lines: { 'votes.c4': 80, 'ballotsIssued.early': 10, againstAll: 16 } });
    expect(differingLines({ ...totals.lines, 'votes.c5': 41, extra: 1 }, totals.lines)).toEqual([
      { line: 'votes.c5', summary: 41, precincts: 40 },
      { line: 'extra', summary: 1, precincts: 0 },
    ]);
  });
});

// Each spec below holds a rule a mutant of lifecycle.ts changed unseen (tools/mutate, `election`).
describe('who signs an act, and who allocates a body’s seats', () => {
  // A second body, "board", whose one contest is voted at p1 and p2 only (both under north).
  const [listContest] = definition.contests;
  const withBoard = (precincts: readonly string[]): ElectionDefinition => ({
    ...definition,
    bodies: [...definition.bodies, { id: 'board', name: { kk: 'Board', ru: 'Board', en: 'Board' } }],
    contests: [...definition.contests, { ...listContest, id: 'B1', body: 'board' }],
    commissions: definition.commissions.map((c) => (c.level === 'precinct' && precincts.includes(c.id) ? { ...c, contests: [...c.contests, 'B1'] } : c)),
  });

  it('the allocating commission is the lowest whose subtree holds every precinct of the body’s contests', () => {
    expect(allocatingCommissionOf(definition, 'council')).toBe('cec');
    expect(allocatingCommissionOf(withBoard(['p1', 'p2']), 'board')).toBe('north');
    expect(allocatingCommissionOf(withBoard(['p1']), 'board')).toBe('north');
    expect(allocatingCommissionOf(withBoard(['p1', 'p5']), 'board')).toBe('cec');
    // Another body's contests at the same precincts do not count for this one.
    expect(allocatingCommissionOf(withBoard(['p4', 'p5']), 'board')).toBe('south');
    expect(allocatingCommissionOf(definition, 'no-such-body')).toBeUndefined();
  });

  it('a summary and a zero report are signed by their own commission, the switch to live by the root, a (de)certification by the allocating commission', () => {
    const board = withBoard(['p4', 'p5']);
    expect(signerOfAct(summary(), board)).toBe('north');
    expect(signerOfAct({ kind: 'zero-report', commissionId: 'p4' }, board)).toBe('p4');
    expect(signerOfAct({ kind: 'go-live' }, board)).toBe('cec');
    expect(signerOfAct({ kind: 'certification', bodyId: 'board', outcomes: [], votesDigest: DIGEST }, board)).toBe('south');
    expect(signerOfAct({ kind: 'decertification', bodyId: 'board', reason: 'recount' }, board)).toBe('south');
    expect(signerOfAct({ kind: 'certification', bodyId: 'council', outcomes: [], votesDigest: DIGEST }, board)).toBe('cec');
    const rootless = { ...definition, commissions: definition.commissions.filter((c) => c.parent !== null) };
    expect(() => signerOfAct({ kind: 'go-live' }, rootless)).toThrow('election small-2026 has no root commission; parse the definition first');
  });

  it('a body’s certification is judged on its own contests’ sums, whatever else is elected that day', () => {
    given({ type: 'ElectionDefined', data: { definition: withBoard(['p4', 'p5']) } }).when(act(certification())).then(recorded('ResultsCertified', certification()));
  });
});

describe('acts compared and read', () => {
  it('the same act is the same whatever its keys’ order, at any depth; any other value or order of a list is another act', () => {
    const a = certification();
    const reordered = JSON.parse(JSON.stringify({ votesDigest: a.kind === 'certification' ? a.votesDigest : '', outcomes: OUTCOMES.ok ? OUTCOMES.outcomes.map((o) => Object.fromEntries(Object.entries(o).reverse())) : [], bodyId: 'council', kind: 'certification' })) as LifecycleAct;
    expect(sameAct(a, reordered)).toBe(true);
    expect(sameAct(a, certification(OUTCOMES.outcomes, 'ef'.repeat(32)))).toBe(false);
    expect(sameAct(a, certification([...OUTCOMES.outcomes].reverse()))).toBe(false);
    expect(sameAct(summary(), summary({ ...SUMS['north/L'].lines, invalid: 21 }))).toBe(false);
    expect(sameAct(summary(), summary(undefined, 2))).toBe(false);
    expect(sameAct({ kind: 'go-live' }, { kind: 'zero-report', commissionId: 'cec' })).toBe(false);
    // A district with no winner yet is certified with winner null.
    const open = certification([{ kind: 'single-member', contestId: 'SM1', outcome: 'runoff-needed', winner: null }]);
    expect(sameAct(open, certification([{ winner: null, outcome: 'runoff-needed', contestId: 'SM1', kind: 'single-member' }]))).toBe(true);
    expect(sameAct(open, certification([{ kind: 'single-member', contestId: 'SM1', outcome: 'winner', winner: 'c1' }]))).toBe(false);
  });

  it('a certification names its digest as 64 lowercase hex digits, nothing around them', () => {
    const digestProblem = (votesDigest: string) => {
      const r = CertificationAct.safeParse({ kind: 'certification', bodyId: 'council', outcomes: OUTCOMES.ok ? OUTCOMES.outcomes : [], votesDigest });
      return r.success ? undefined : r.error.issues.map((i) => i.message);
    };
    expect(digestProblem(DIGEST)).toBeUndefined();
    for (const bad of [`x${DIGEST}`, `${DIGEST}x`, DIGEST.toUpperCase(), DIGEST.slice(1)]) expect(digestProblem(bad)).toEqual(['a SHA-256 digest, 64 lowercase hex digits']);
  });

  it('reads every kind of act, a district without a winner among the outcomes', () => {
    for (const outcome of ['runoff-needed', 'repeat-election'] as const) {
      expect(LifecycleActShape.safeParse({ kind: 'certification', bodyId: 'council', outcomes: [{ kind: 'single-member', contestId: 'SM1', outcome, winner: null }], votesDigest: DIGEST }).success).toBe(true);
    }
    for (const act of [{ kind: 'go-live' }, { kind: 'zero-report', commissionId: 'p1' }, { kind: 'decertification', bodyId: 'council', reason: 'recount' }, summary()]) {
      expect(LifecycleActShape.safeParse(act).success).toBe(true);
    }
  });

  it('a recorded act’s receipt time is an RFC 3339 instant', () => {
    const data = (receivedAt: string) => ({ electionId: E, signedBy: 'cec', sequence: 1, act: { kind: 'go-live' }, receivedAt, signature: { keyId: 'cec-1', value: 'good' } });
    expect(ActRecordedData.safeParse(data(RECEIVED)).success).toBe(true);
    const r = ActRecordedData.safeParse(data('2026-03-15 22:00'));
    expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['receivedAt: an RFC 3339 instant']);
  });
});

describe('the outcome a certification must name', () => {
  const sums = (over: Record<string, Partial<ContestTotals['lines']>> = {}) => (k: string): ContestTotals => {
    const base = SUMS[`cec/${k}`];
    return { ...base, lines: { ...base.lines, ...over[k] } as ContestTotals['lines'] };
  };
  /** The definition with one contest's settings changed. */
  const withContest = (id: string, change: Record<string, unknown>): ElectionDefinition => ({ ...definition, contests: definition.contests.map((c) => (c.id === id ? ({ ...c, ...change } as typeof c) : c)) });
  const listSeats = (r: ReturnType<typeof bodyOutcomes>) => (r.ok && r.outcomes[0].kind === 'list' ? r.outcomes[0].seats : r);

  it('names each contest of the body only, in definition order: the list’s seats and each district’s winner', () => {
    expect(OUTCOMES).toEqual({
      ok: true,
      outcomes: [
        { kind: 'list', contestId: 'L', seats: expect.any(Object) },
        { kind: 'single-member', contestId: 'SM1', outcome: 'winner', winner: 'c1' },
        { kind: 'single-member', contestId: 'SM2', outcome: 'winner', winner: 'c4' },
      ],
    });
    const board = { ...definition, bodies: [...definition.bodies, { id: 'board', name: { kk: 'B', ru: 'B', en: 'B' } }] };
    expect(bodyOutcomes(board, 'board', sums(), () => undefined)).toEqual({ ok: true, outcomes: [] });
  });

  it('counts “against all” in the district: more against all than for anyone is a repeat election, not a winner', () => {
    expect(bodyOutcomes(definition, 'council', sums({ SM2: { againstAll: 500 } }), () => undefined)).toMatchObject({
      ok: true,
      outcomes: [{ contestId: 'L' }, { contestId: 'SM1' }, { kind: 'single-member', contestId: 'SM2', outcome: 'repeat-election', winner: null }],
    });
  });

  it('a threshold of ballots cast takes the ballots found from the sums', () => {
    // 7% of the 2,750 ballots found is 192.5: D's 150 is below it. Read as no ballots, every list would pass.
    const r = bodyOutcomes(withContest('L', { thresholdBase: 'ballots-cast' }), 'council', sums(), () => undefined);
    expect(listSeats(r)).toMatchObject({ D: 0 });
    expect(r).toEqual(OUTCOMES);
  });

  it('a majority district where nobody has more than half names a runoff, with no winner', () => {
    // SM1: c1 1,000 of 2,000 valid votes (against all 100 among them): half, not more.
    expect(bodyOutcomes(withContest('SM1', { rule: 'majority-runoff' }), 'council', sums(), () => undefined)).toMatchObject({
      ok: true,
      outcomes: [{ contestId: 'L' }, { kind: 'single-member', contestId: 'SM1', outcome: 'runoff-needed', winner: null }, { contestId: 'SM2', outcome: 'winner' }],
    });
  });

  it('a district tie waits for a lot, named; with the lot drawn its first wins', () => {
    const tied = sums({ SM2: { 'votes.c4': 300, 'votes.c5': 300 } });
    expect(bodyOutcomes(definition, 'council', tied, () => undefined)).toEqual({ ok: false, contestId: 'SM2', reason: 'a tie between c4, c5 waits for a lot' });
    expect(bodyOutcomes(definition, 'council', tied, (k) => (k === 'SM2' ? ['c5', 'c4'] : undefined))).toMatchObject({ ok: true, outcomes: [{}, {}, { contestId: 'SM2', outcome: 'winner', winner: 'c5' }] });
  });

  it('a list contest without a result says why; a district without votes too', () => {
    const noVotes = (k: string): ContestTotals => ({ contestId: k, expected: 1, reported: 1, lines: {} });
    expect(bodyOutcomes(definition, 'council', noVotes, () => undefined)).toEqual({ ok: false, contestId: 'L', reason: expect.stringMatching(/^the allocation has no result \(\w[\w-]*\)$/) });
    const listOnly = { ...definition, contests: definition.contests.filter((c) => c.kind !== 'list') };
    expect(bodyOutcomes(listOnly, 'council', noVotes, () => undefined)).toEqual({ ok: false, contestId: 'SM1', reason: expect.stringMatching(/^no outcome \(\w[\w-]*\)$/) });
  });

  it('the list’s threshold counts “against all”: with 3,000 against, D’s 400 is below 7%, and its seat goes to A', () => {
    const seatsOf = (againstAll: number) => {
      return listSeats(bodyOutcomes(definition, 'council', sums({ L: { 'votes.D': 400, againstAll, ballotsFound: 2850 + againstAll + 30 } }), () => undefined));
    };
    // Hare over A, B, C (2,450): 2.94, 1.96, 1.10 → 3, 2, 1. With D admitted (2,850): 2.53, 1.68, 0.95, 0.84 → 2, 2, 1, 1.
    expect(seatsOf(3000)).toEqual({ A: 3, B: 2, C: 1, D: 0 });
    expect(seatsOf(100)).toEqual({ A: 2, B: 2, C: 1, D: 1 });
  });
});

describe('test mode: the switch to live and the zero reports', () => {
  const inTest: ElectionDefined = { type: 'ElectionDefined', data: { definition: parsedOrThrow({ ...keyed, mode: 'test' }) } };
  const goLive: LifecycleAct = { kind: 'go-live' };
  const zero: LifecycleAct = { kind: 'zero-report', commissionId: 'north' };
  const alreadyLive = (why: string, kind: string): ElectionRefusal => ({ code: 'ALREADY_LIVE', field: 'act.kind', message: `election small-2026 is live (${why}); a ${kind} belongs to test mode`, operands: { electionId: E } });
  const notLive: ElectionRefusal = { code: 'NOT_LIVE', field: 'act.kind', message: 'election small-2026 is in test mode: test figures are never certified', operands: { electionId: E } };

  it('records the switch to live, signed by the root, and a zero report, signed by its commission', () => {
    given(inTest).when(act(goLive)).then(recorded('ElectionWentLive', goLive));
    given(inTest).when(act(zero, 1, 'good', 'north')).then(recorded('ZeroReported', zero, 1, 'north'));
  });

  it('certifies nothing before the switch: test figures are never certified; after it, the sums are', () => {
    given(inTest).when(act(certification())).thenRefused([notLive]);
    given([inTest, recorded('ElectionWentLive', goLive)]).when(act(certification(), 2)).then(recorded('ResultsCertified', certification(), 2));
  });

  it('refuses the test acts once live, saying whether it switched or was defined live', () => {
    const live = [inTest, recorded('ElectionWentLive', goLive)];
    given(live).when(act(goLive, 2)).thenRefused([alreadyLive('it switched to live already', 'go-live')]);
    given(live).when(act(zero, 1, 'good', 'north')).thenRefused([alreadyLive('it switched to live already', 'zero-report')]);
    given(defined).when(act(goLive)).thenRefused([alreadyLive('it was defined live: it has no test mode', 'go-live')]);
  });

  it('a zero report leaves the election in test mode, and each signer numbers its own acts', () => {
    const afterZero = [inTest, recorded('ZeroReported', zero, 1, 'north')];
    given(afterZero).when(act(certification())).thenRefused([notLive]);
    given(afterZero).when(act(goLive)).then(recorded('ElectionWentLive', goLive));
    given(afterZero).when(act(zero, 1, 'good', 'north')).thenNothingHappened();
    given(afterZero).when(act(zero, 2, 'good', 'north')).then(recorded('ZeroReported', zero, 2, 'north'));
  });

  it('folds only each signer’s next act, and nothing before the definition', () => {
    // Recorded as the root's second act with no first, the switch is not folded: still test mode.
    given([inTest, recorded('ElectionWentLive', goLive, 2)]).when(act(certification())).thenRefused([notLive]);
    expect(evolve(initialState(), recorded('ElectionWentLive', goLive))).toEqual({ status: 'not-defined' });
    const state = [defined, recorded('ResultsSummarized', summary())].reduce(evolve, initialState());
    // The figures' status reads a summary by commission and contest (apps/tally-server figure-status.ts).
    expect(state.status === 'defined' ? [...state.summaries.keys()] : state).toEqual(['north\u0000L']);
    expect(state.status === 'defined' ? state.summaries.get('north\u0000L')?.act : state).toEqual(summary());
  });
});

describe('what an act is judged on before its figures', () => {
  it('cannot decide an act without the signature check, the sums or their digest: a wiring bug, not a refusal', () => {
    const without = (missing: keyof ElectionContext) => DeciderSpecification.for(electionDecider, { ...context, [missing]: undefined })(defined);
    expect(() => without('verifyAct').when(act(summary())).events()).toThrow('an act is decided with its signature check in the context (verifyAct)');
    expect(() => without('totals').when(act(summary())).events()).toThrow('an act is decided with the sums of the recorded protocols in the context (totals)');
    expect(() => without('votesDigest').when(act(certification())).events()).toThrow(/^a certification is decided with the digest of the sums in the context/);
  });

  it('an unknown election; a malformed body and receipt time, every problem at once', () => {
    given([]).when(act(summary())).thenRefused([{ code: 'UNKNOWN_ELECTION', field: 'electionId', message: 'no election small-2026 is defined', operands: { electionId: E } }]);
    const noInstant: ElectionRefusal = { code: 'MALFORMED', field: 'receivedAt', message: 'the instant the act was received, RFC 3339' };
    given(defined).when({ ...act(summary()), receivedAt: '2026-03-15 22:00' }).thenRefused([noInstant]);
    given(defined)
      .when({ ...act(summary()), body: { ...act(summary()).body, sequence: 0 }, receivedAt: 'yesterday' })
      .thenRefused([expect.objectContaining({ code: 'MALFORMED', field: 'sequence' }), noInstant]);
    given(defined).when({ ...act(summary()), body: null }).thenRefused([expect.objectContaining({ code: 'MALFORMED', field: 'body' })]);
  });

  it('a summary or zero report names a commission of the election, a summary a territorial one; a (de)certification a body of it', () => {
    const unknown: ElectionRefusal = { code: 'UNKNOWN_COMMISSION', field: 'act.commissionId', message: 'election small-2026 has no commission west', operands: { commissionId: 'west' } };
    given(defined).when(act({ ...summary(), commissionId: 'west' } as LifecycleAct, 1, 'good', 'north')).thenRefused([unknown]);
    given(defined).when(act({ kind: 'zero-report', commissionId: 'west' })).thenRefused([unknown]);
    given(defined)
      .when(act({ ...summary(), commissionId: 'p1' } as LifecycleAct))
      .thenRefused([{ code: 'MALFORMED', field: 'act.commissionId', message: "p1 is a precinct commission: its protocols are submissions, a summary is a territorial commission's" }]);
    // A precinct's zero report is its own to sign (p1 has no key here): judged on its signature.
    given(defined)
      .when(act({ kind: 'zero-report', commissionId: 'p1' }, 1, 'good', 'p1'))
      .thenRefused([{ code: 'BAD_SIGNATURE', field: 'signature.keyId', message: 'a zero-report is signed by a key of p1, which has no key p1-1', operands: { keyId: 'p1-1', problem: 'unknown-key', commissionId: 'p1' } }]);
    const noBody: ElectionRefusal = { code: 'NOT_FOUND', field: 'act.bodyId', message: 'election small-2026 has no body senate', operands: { bodyId: 'senate' } };
    given(defined).when(act({ kind: 'certification', bodyId: 'senate', outcomes: OUTCOMES.outcomes, votesDigest: DIGEST })).thenRefused([noBody]);
    given(defined).when(act({ kind: 'decertification', bodyId: 'senate', reason: 'recount' })).thenRefused([noBody]);
  });

  it('a summary names a contest its commission’s precincts vote in', () => {
    given(defined)
      .when(act({ ...summary(), contestId: 'X' } as LifecycleAct))
      .thenRefused([{ code: 'NOT_FOUND', field: 'act.contestId', message: 'election small-2026 has no contest X', operands: { contestId: 'X' } }]);
    given(defined)
      .when(act({ ...summary(), contestId: 'SM2' } as LifecycleAct))
      .thenRefused([{ code: 'NOT_FOUND', field: 'act.contestId', message: 'no precinct under north votes in contest SM2', operands: { contestId: 'SM2' } }]);
  });

  it('the sequence refusals say what is recorded and what comes next', () => {
    given([defined, recorded('ResultsSummarized', summary())])
      .when(act(summary(), 1, 'signed-again'))
      .thenRefused([{ code: 'STALE_ACT', field: 'sequence', message: 'act 1 of north is already recorded, and differs; its next act is 2', operands: { sequence: 1, next: 2, commissionId: 'north' } }]);
    given(defined)
      .when(act(summary(), 3))
      .thenRefused([{ code: 'SEQUENCE_GAP', field: 'sequence', message: 'north has 0 act(s) recorded; the next is 1, not 3', operands: { sequence: 3, next: 1, commissionId: 'north' } }]);
  });

  it('judges the signer’s key when the act is received: revoked from before it, valid only after it, unknown, or not the signer', () => {
    const amended = (sequence: number, amendment: Record<string, unknown>): ElectionEvent =>
      ({ type: 'DefinitionAmended', data: { electionId: E, sequence, amendment, receivedAt: '2026-03-01T00:00:00Z', signature: { keyId: 'cec-1', value: 'x' } } }) as ElectionEvent;
    const revoked = amended(1, { kind: 'revoke-key', commissionId: 'north', keyId: 'north-1', from: '2026-03-15T12:00:00Z' });
    given([defined, revoked])
      .when(act(summary()))
      .thenRefused([
        {
          code: 'BAD_SIGNATURE',
          field: 'signature.keyId',
          message: `key north-1 of north is revoked from 2026-03-15T12:00:00Z; received at ${RECEIVED} (an act is judged when received)`,
          operands: { keyId: 'north-1', problem: 'revoked-key', commissionId: 'north', receivedAt: RECEIVED, revokedFrom: '2026-03-15T12:00:00Z' },
        },
      ]);
    const later = amended(1, { kind: 'add-key', commissionId: 'north', key: { keyId: 'north-2', publicKey: publicKey('north-2') }, validFrom: '2026-03-16T00:00:00Z' });
    const withKey = (keyId: string) => ({ ...act(summary()), body: { ...act(summary()).body, signature: { keyId, value: 'good' } } });
    given([defined, later])
      .when(withKey('north-2'))
      .thenRefused([
        {
          code: 'BAD_SIGNATURE',
          field: 'signature.keyId',
          message: `key north-2 of north is valid only from 2026-03-16T00:00:00Z; received at ${RECEIVED} (an act is judged when received)`,
          operands: { keyId: 'north-2', problem: 'not-yet-valid', commissionId: 'north', receivedAt: RECEIVED, validFrom: '2026-03-16T00:00:00Z' },
        },
      ]);
    given(defined)
      .when(withKey('north-9'))
      .thenRefused([{ code: 'BAD_SIGNATURE', field: 'signature.keyId', message: 'a summary is signed by a key of north, which has no key north-9', operands: { keyId: 'north-9', problem: 'unknown-key', commissionId: 'north' } }]);
    given(defined)
      .when(act(summary(), 1, 'forged'))
      .thenRefused([
        {
          code: 'BAD_SIGNATURE',
          field: 'signature.value',
          message: 'the signature does not verify under key north-1 of north: sign the tally-act-v1 encoding of exactly this act, election, signer and sequence',
          operands: { keyId: 'north-1', problem: 'invalid-signature', commissionId: 'north' },
        },
      ]);
  });
});

describe('a certification judged against the sums', () => {
  const [list, sm1, sm2] = OUTCOMES.outcomes;
  const mismatch = (i: number | '', contestId: string, gives: string, names: string): ElectionRefusal => ({
    code: 'CERTIFICATION_MISMATCH',
    field: i === '' ? 'act.outcomes' : `act.outcomes.${i}`,
    message: `contest ${contestId}: the recorded protocols give ${gives}, the certification names ${names}`,
    operands: { contestId },
  });

  it('compares seats whatever their order, a list with no seat named or named 0 alike', () => {
    expect(list).toEqual({ kind: 'list', contestId: 'L', seats: { A: 3, B: 2, C: 1, D: 0 } });
    given(defined).when(act(certification([{ kind: 'list', contestId: 'L', seats: { C: 1, B: 2, A: 3 } }, sm1, sm2]))).then(recorded('ResultsCertified', certification([{ kind: 'list', contestId: 'L', seats: { C: 1, B: 2, A: 3 } }, sm1, sm2])));
  });

  it('names every difference at once: each contest’s outcome as the sums give it and as named, a contest of no such body, the digest', () => {
    const named = [{ kind: 'list', contestId: 'L', seats: { A: 4, B: 1, C: 1, D: 0 } }, { kind: 'single-member', contestId: 'SM1', outcome: 'runoff-needed', winner: null }, { kind: 'single-member', contestId: 'X', outcome: 'winner', winner: 'c9' }] as const;
    given(defined)
      .when(act(certification([...named], 'ef'.repeat(32))))
      .thenRefused([
        mismatch(0, 'L', 'A: 3, B: 2, C: 1', 'A: 4, B: 1, C: 1'),
        mismatch(1, 'SM1', 'winner c1', 'runoff-needed'),
        mismatch(2, 'SM2', 'winner c4', 'nothing'),
        { code: 'CERTIFICATION_MISMATCH', field: 'act.outcomes', message: 'contest X is not a contest of body council', operands: { contestId: 'X' } },
        { code: 'CERTIFICATION_MISMATCH', field: 'act.votesDigest', message: `the sums of the recorded protocols have digest ${DIGEST}, the certification names ${'ef'.repeat(32)}`, operands: { votesDigest: DIGEST } },
      ]);
    given(defined)
      .when(act(certification([{ kind: 'list', contestId: 'L', seats: { A: 0 } }, { ...sm1, winner: 'c2' } as typeof sm1, sm2])))
      .thenRefused([mismatch(0, 'L', 'A: 3, B: 2, C: 1', 'no seats'), mismatch(1, 'SM1', 'winner c1', 'winner c2')]);
  });

  it('waits for every precinct of the body’s contests; a tie waits for a lot, and the latest lot drawn decides', () => {
    const withSums = (change: Record<string, Partial<ContestTotals>>) =>
      DeciderSpecification.for(electionDecider, { ...context, totals: (commissionId: string, contestId: string) => ({ ...SUMS[`${commissionId}/${contestId}`], ...change[contestId] }) as ContestTotals });
    withSums({ SM2: { reported: 1 } })(defined)
      .when(act(certification()))
      .thenRefused([{ code: 'PRECINCTS_OUTSTANDING', field: 'act', message: '1 of the 2 precincts under cec in contest SM2 have no protocol recorded yet', operands: { contestId: 'SM2', reported: 1, expected: 2 } }]);
    const tied = withSums({ SM2: { lines: { ...SUMS['cec/SM2'].lines, 'votes.c4': 300, 'votes.c5': 300 } } });
    tied(defined)
      .when(act(certification()))
      .thenRefused([{ code: 'CANNOT_CERTIFY', field: 'act.outcomes', message: 'contest SM2: a tie between c4, c5 waits for a lot', operands: { contestId: 'SM2' } }]);
    const lot = (order: string[], reason: string): ElectionEvent => ({ type: 'LotDrawn', data: { electionId: E, contestId: 'SM2', order, drawnBy: 'secretary', reason } });
    const lots = [defined, lot(['c4', 'c5'], 'first'), lot(['c4', 'c5'], 'again'), lot(['c5', 'c4'], 'in public')];
    const byLot = certification([list, sm1, { kind: 'single-member', contestId: 'SM2', outcome: 'winner', winner: 'c5' }]);
    tied(lots).when(act(byLot)).then(recorded('ResultsCertified', byLot));
  });

  it('refusals of a second certification and of a decertification of nothing say why', () => {
    given([defined, recorded('ResultsCertified', certification())])
      .when(act(certification(), 2))
      .thenRefused([{ code: 'ALREADY_CERTIFIED', field: 'act.bodyId', message: 'the seats of council are already certified; a new certification needs a decertification first', operands: { bodyId: 'council' } }]);
    given(defined)
      .when(act({ kind: 'decertification', bodyId: 'council', reason: 'recount' }))
      .thenRefused([{ code: 'NOT_CERTIFIED', field: 'act.bodyId', message: 'the seats of council are not certified: there is nothing to decertify', operands: { bodyId: 'council' } }]);
  });
});
