import { evolvePrecinct, initialPrecinctState, type PrecinctEvent, type SubmissionMeta } from '@tally/domain';
import { precinctVersions } from './precinct-versions.service';

const meta = (submissionId: string): SubmissionMeta => ({ submissionId, electionId: 'e', precinctId: 'p1', submittedBy: 'p1', receivedAt: '2026-03-15T15:00:00Z', signature: null });

describe('precinctVersions', () => {
  it("answers each contest's current version and submission, and each time's version and figure (a v1-era report is version 1)", () => {
    const protocol = {} as never;
    const history: PrecinctEvent[] = [
      { type: 'TurnoutReported', data: { ...meta('t1'), time: '12:00', ballotsIssued: 100, version: 1 } },
      { type: 'TurnoutReported', data: { ...meta('t2'), time: '12:00', ballotsIssued: 150, version: 2 } },
      { type: 'TurnoutReported', data: { ...meta('t0'), time: '10:00', ballotsIssued: 40 } },
      { type: 'ProtocolRecorded', data: { ...meta('s1'), contestId: 'list', protocol, version: 1 } },
      { type: 'ProtocolCorrected', data: { ...meta('c1'), contestId: 'list', protocol, version: 2, supersedes: 's1', reason: 'recount' } },
      { type: 'ProtocolRecorded', data: { ...meta('s2'), contestId: 'district', protocol, version: 1 } },
      { type: 'SubmissionRefused', data: { ...meta('x'), kind: 'turnout', reasons: [], payload: null } },
    ];
    expect(precinctVersions(history.reduce(evolvePrecinct, initialPrecinctState()))).toEqual({
      contests: { district: { version: 1, submissionId: 's2' }, list: { version: 2, submissionId: 'c1' } },
      turnout: { '10:00': { version: 1, ballotsIssued: 40 }, '12:00': { version: 2, ballotsIssued: 150 } },
    });
    expect(precinctVersions(initialPrecinctState())).toEqual({ contests: {}, turnout: {} });
  });
});
