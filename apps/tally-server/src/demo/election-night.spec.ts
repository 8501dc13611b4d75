import { almatyCity2023Definition, almatyCity2023Protocols, indexElection } from '@tally/domain';
import { planElectionNight, type PlannedSubmission } from './election-night';

describe('planElectionNight', () => {
  const election = indexElection(almatyCity2023Definition());
  const protocols = almatyCity2023Protocols(election.definition);
  const plan = planElectionNight(election, protocols);

  it('sends every protocol exactly once (besides the deliberate broken and duplicate ones), in time order', () => {
    const plain = plan.filter((p) => p.kind === 'protocol' && p.note === undefined) as Extract<PlannedSubmission, { kind: 'protocol' }>[];
    expect(plain.map((p) => `${p.precinctId}/${p.protocol.contestId}`).sort()).toEqual(protocols.map((p) => `${p.precinctId}/${p.contestId}`).sort());
    for (let i = 1; i < plan.length; i++) expect(plan[i].at).toBeGreaterThanOrEqual(plan[i - 1].at);
  });

  it('reports running turnout that only grows and stays within the final ballots issued', () => {
    const byPrecinct = new Map<string, number[]>();
    for (const p of plan) if (p.kind === 'turnout') byPrecinct.set(p.precinctId, [...(byPrecinct.get(p.precinctId) ?? []), p.ballotsIssued]);
    const issued = new Map(protocols.map((p) => [p.precinctId, p.protocol.ballotsIssued.atStation + p.protocol.ballotsIssued.early + p.protocol.ballotsIssued.mobile]));
    for (const [precinctId, series] of byPrecinct) {
      for (let i = 1; i < series.length; i++) expect(series[i]).toBeGreaterThanOrEqual(series[i - 1]);
      expect(series[series.length - 1]).toBeLessThanOrEqual(issued.get(precinctId)!);
    }
  });

  it('has corrections by the precinct’s own district commission, after every protocol', () => {
    const corrections = plan.filter((p) => p.kind === 'correction') as Extract<PlannedSubmission, { kind: 'correction' }>[];
    const lastProtocol = Math.max(...plan.filter((p) => p.kind === 'protocol').map((p) => p.at));
    expect(corrections.length).toBeGreaterThan(0);
    for (const c of corrections) {
      expect(c.corrector).toBe(election.parentOf(c.precinctId));
      expect(c.at).toBeGreaterThan(lastProtocol);
    }
  });

  it('signs each submission at the version that is next (scheme v2): every time reported once at 1, one correction per contest at 2', () => {
    const turnout = plan.filter((p) => p.kind === 'turnout');
    expect(new Set(turnout.map((t) => `${t.precinctId}/${t.time}`)).size).toBe(turnout.length);
    expect(turnout.every((t) => t.version === 1)).toBe(true);
    const corrections = plan.filter((p) => p.kind === 'correction') as Extract<PlannedSubmission, { kind: 'correction' }>[];
    expect(new Set(corrections.map((c) => `${c.precinctId}/${c.protocol.contestId}`)).size).toBe(corrections.length);
    expect(corrections.every((c) => c.version === 2)).toBe(true);
  });

  it('sends a second protocol that differs from the first (a second act, refused ALREADY_RECORDED), never a replay of the first', () => {
    const seconds = plan.filter((p) => p.kind === 'protocol' && p.note === 'duplicate') as Extract<PlannedSubmission, { kind: 'protocol' }>[];
    expect(seconds.length).toBeGreaterThan(0);
    for (const s of seconds) {
      const first = protocols.find((p) => p.precinctId === s.precinctId && p.contestId === s.protocol.contestId)!.protocol;
      expect(s.protocol).not.toEqual(first);
      expect(Object.values(s.protocol.votes).reduce((a, b) => a + b, 0)).toBe(Object.values(first.votes).reduce((a, b) => a + b, 0));
    }
  });

  it('skips the precincts already reported', () => {
    const done = new Set(election.precinctIds.slice(0, 100));
    expect(planElectionNight(election, protocols, { alreadyReported: done }).some((p) => done.has(p.precinctId))).toBe(false);
  });
});
