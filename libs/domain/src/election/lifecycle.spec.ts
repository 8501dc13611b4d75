// Given the election stream's events, when a commission's signed act, then the act recorded or
// refused with the codes, fields and operands the HTTP API answers. The signature check and the
// sums of the recorded protocols are the context's (the service reads them; test/e2e/lifecycle
// runs the real ones): here a stand-in verifier and fixed sums.
import { DeciderSpecification } from '../testing/decider-specification';
import { parsedOrThrow, SMALL_ELECTION_INPUT } from '../views/results.test-helper';
import { decide as decidePrecinct, initialState as initialPrecinct } from '../precinct/precinct.decider';
import { indexElection } from './election-index';
import { electionDecider, type ElectionContext } from './election.decider';
import type { ElectionDefined, LifecycleEvent } from './election.events';
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
