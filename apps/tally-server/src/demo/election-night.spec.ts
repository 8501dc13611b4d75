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

  it('skips the precincts already reported', () => {
    const done = new Set(election.precinctIds.slice(0, 100));
    expect(planElectionNight(election, protocols, { alreadyReported: done }).some((p) => done.has(p.precinctId))).toBe(false);
  });
});
