import { decideSingleMember, type SingleMemberInput } from './single-member';

const district = (votes: Record<string, number>, over: Partial<SingleMemberInput> = {}): SingleMemberInput => ({
  candidates: Object.entries(votes).map(([id, v]) => ({ id, votes: v })),
  againstAll: 0,
  rule: 'plurality',
  tieRule: 'registration-order',
  ...over,
});

describe('decideSingleMember — plurality', () => {
  it('seats the candidate with the most votes, majority or not', () => {
    expect(decideSingleMember(district({ a: 40, b: 35, c: 25 }, { againstAll: 10 }))).toEqual({ kind: 'winner', winner: 'a', votes: 40 });
  });

  it('calls a repeat election when against all beats every candidate (the default)', () => {
    expect(decideSingleMember(district({ a: 30, b: 20 }, { againstAll: 31 }))).toEqual({ kind: 'repeat-election', reason: 'against-all-first' });
  });

  it('against all only equal to the leader does not beat them', () => {
    expect(decideSingleMember(district({ a: 30, b: 20 }, { againstAll: 30 }))).toMatchObject({ kind: 'winner', winner: 'a' });
    expect(decideSingleMember(district({ a: 10 }, { againstAll: 10 }))).toEqual({ kind: 'winner', winner: 'a', votes: 10 });
  });

  it('seats the leader anyway when against-all-first is set to ignore', () => {
    expect(decideSingleMember(district({ a: 30, b: 20 }, { againstAll: 31, againstAllFirst: 'ignore' }))).toMatchObject({ kind: 'winner', winner: 'a' });
  });

  it('breaks an equal first place by the tie rule and records it', () => {
    const tied = district({ a: 10, b: 30, c: 30 });
    expect(decideSingleMember(tied)).toEqual({
      kind: 'winner',
      winner: 'b',
      votes: 30,
      tieBroken: { candidates: ['b', 'c'], places: 1, by: 'registration-order', winners: ['b'] },
    });
    expect(decideSingleMember({ ...tied, tieRule: 'lot', lots: ['c', 'b'] })).toMatchObject({ kind: 'winner', winner: 'c' });
  });

  it('returns a blocking tie when the lot has not been drawn', () => {
    expect(decideSingleMember(district({ a: 10, b: 30, c: 30 }, { tieRule: 'lot' }))).toEqual({ kind: 'tie', tiedCandidates: ['b', 'c'], places: 1 });
  });
});

describe('decideSingleMember — majority with a runoff', () => {
  it('elects with more than half of the valid votes (against all included)', () => {
    expect(decideSingleMember(district({ a: 51, b: 40 }, { rule: 'majority-runoff', againstAll: 9 }))).toEqual({ kind: 'winner', winner: 'a', votes: 51 });
  });

  it('exactly half is not a majority: the top two go to a runoff', () => {
    expect(decideSingleMember(district({ a: 50, b: 30, c: 20 }, { rule: 'majority-runoff' }))).toEqual({ kind: 'runoff-needed', candidates: ['a', 'b'] });
  });

  it('settles an equal second place by the tie rule', () => {
    const r = decideSingleMember(district({ a: 40, b: 30, c: 30 }, { rule: 'majority-runoff', tieRule: 'lot', lots: ['c', 'b'] }));
    expect(r).toEqual({
      kind: 'runoff-needed',
      candidates: ['a', 'c'],
      tieBroken: { candidates: ['b', 'c'], places: 1, by: 'lot', winners: ['c'] },
    });
  });

  it('two candidates with votes and no majority between them go to the runoff', () => {
    expect(decideSingleMember(district({ a: 45, b: 40, c: 0 }, { rule: 'majority-runoff', againstAll: 15 }))).toEqual({ kind: 'runoff-needed', candidates: ['a', 'b'] });
  });

  it('an equal first place of two goes to the runoff in registration order, whatever order the votes came in', () => {
    expect(decideSingleMember(district({ c: 10, a: 45, b: 45 }, { rule: 'majority-runoff' }))).toEqual({ kind: 'runoff-needed', candidates: ['a', 'b'] });
  });

  it('returns a blocking tie for the second place when the lot has not been drawn', () => {
    expect(decideSingleMember(district({ a: 40, b: 30, c: 30 }, { rule: 'majority-runoff', tieRule: 'lot' }))).toEqual({ kind: 'tie', tiedCandidates: ['b', 'c'], places: 1 });
  });

  it('a lone candidate short of a majority cannot go to a runoff', () => {
    expect(decideSingleMember(district({ a: 40, b: 0 }, { rule: 'majority-runoff', againstAll: 41, againstAllFirst: 'ignore' }))).toEqual({
      kind: 'repeat-election',
      reason: 'no-runoff-possible',
    });
  });
});

describe('decideSingleMember — nothing to decide', () => {
  it('no candidates, no votes, bad input', () => {
    expect(decideSingleMember(district({}))).toEqual({ kind: 'none', reason: 'no-candidates' });
    expect(decideSingleMember(district({ a: 0, b: 0 }))).toEqual({ kind: 'none', reason: 'no-votes' });
    // Only against-all has votes and is told to be ignored: a candidate on zero votes is never seated.
    for (const rule of ['plurality', 'majority-runoff'] as const) {
      expect(decideSingleMember(district({ a: 0, b: 0 }, { rule, againstAll: 12, againstAllFirst: 'ignore' }))).toEqual({ kind: 'none', reason: 'no-votes' });
    }
    expect(decideSingleMember(district({ a: -3 }))).toMatchObject({ kind: 'none', reason: 'invalid-input', detail: expect.stringContaining('candidates.a.votes') });
  });

  it('refuses input that is not counts or not a ballot, naming the field', () => {
    const invalid = (input: SingleMemberInput) => {
      const result = decideSingleMember(input);
      return result.kind === 'none' && result.reason === 'invalid-input' ? result.detail : `not refused: ${JSON.stringify(result)}`;
    };
    expect(invalid(district({ a: 1.5 }))).toBe('candidates.a.votes: must be a non-negative integer');
    expect(invalid(district({ a: 2 ** 53 }))).toBe('candidates.a.votes: must be a non-negative integer');
    expect(invalid({ ...district({}), candidates: [{ id: 'a', votes: '7' as unknown as number }] })).toBe('candidates.a.votes: must be a non-negative integer');
    expect(invalid(district({ a: 5 }, { againstAll: -1 }))).toBe('againstAll: must be a non-negative integer');
    expect(invalid(district({ a: 5 }, { againstAll: 0.5 }))).toBe('againstAll: must be a non-negative integer');
    expect(invalid({ ...district({}), candidates: [{ id: '', votes: 5 }] })).toBe('candidates: every candidate needs a non-empty id');
    expect(invalid({ ...district({}), candidates: [{ id: 7 as unknown as string, votes: 5 }] })).toBe('candidates: every candidate needs a non-empty id');
    expect(invalid({ ...district({}), candidates: [{ id: 'a', votes: 5 }, { id: 'a', votes: 6 }] })).toBe('candidates.a: appears more than once');
    expect(invalid(district({ a: 5, b: 5 }, { tieRule: 'lot', lots: ['a', 'z'] }))).toBe('lots.z: not a candidate of this district');
  });
});
