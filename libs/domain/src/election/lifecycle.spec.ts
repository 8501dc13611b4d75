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
import { bodyOutcomes, differingLines, sumProtocols, type ContestTotals, type LifecycleAct } from './lifecycle';

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
