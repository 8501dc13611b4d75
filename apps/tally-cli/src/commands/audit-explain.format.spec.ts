import type { Explanation, IntakeRefusalRecord, ProtocolVersion, SetAsideRecord, Verified } from '@tally/audit';
import { commissionResults, createResultsView, generateSyntheticElection, indexElection } from '@tally/domain';
import { formatExplanation } from './audit-explain.command';

describe('tally audit explain: a precinct’s attempts', () => {
  const index = indexElection(generateSyntheticElection({ seed: 1, precincts: 2, lists: 2, seats: 3 }));
  const results = commissionResults(createResultsView(index), index.root.id, 'list')!;
  const p = index.precinctIds[0];
  const version: ProtocolVersion = {
    type: 'ProtocolRecorded',
    version: 1,
    position: '20:2',
    recordedAt: '2026-03-15T19:06:00.000Z',
    streamName: `precinct-e-${p}`,
    revision: '0',
    eventId: '00000000-0000-4000-8000-000000000001',
    submissionId: '00000000-0000-4000-8000-000000000002',
    submittedBy: p,
    receivedAt: '2026-03-15T19:05:59.000Z',
    signature: { keyId: `demo-${p}`, value: 'c2ln', verified: true },
    changes: [],
    lines: {},
  };
  const door = (position: string, codes: string[], submittedBy?: string): IntakeRefusalRecord => ({
    position,
    recordedAt: '2026-03-15T19:05:00.000Z',
    streamName: 'intake-rejections-e',
    revision: '0',
    eventId: '00000000-0000-4000-8000-000000000003',
    receivedAt: '2026-03-15T19:04:59.000Z',
    precinctId: p,
    kind: 'protocol',
    status: 422,
    codes,
    ...(submittedBy === undefined ? {} : { submittedBy }),
    bodySha256: 'ab'.repeat(32),
  });
  const explanation = (refusedAtIntake: Verified<IntakeRefusalRecord>[], setAside: Verified<SetAsideRecord>[] = []): Explanation => ({
    electionId: 'e',
    commissionId: index.root.id,
    contestId: 'list',
    choices: [],
    position: '20:2',
    recordedAt: '2026-03-15T19:06:00.000Z',
    results,
    totals: [],
    reconciles: true,
    precincts: [{ precinctId: p, counted: { version: 1, submissionId: version.submissionId, position: version.position }, versions: [version], refused: [], refusedAtIntake, setAside }],
    notReported: [],
    unreadable: [],
  });

  it("lists intake's refusals among the versions in the store's order, with what proves which body it was", () => {
    const text = formatExplanation(explanation([door('19:1', ['BALLOTS_FOUND_MISMATCH', 'FOUND_EXCEEDS_ISSUED'], p), door('21:1', ['REASON_REQUIRED'])]));
    const lines = text.split('\n').filter((l) => /^ {4}(refused|v\d)/.test(l));
    expect(lines).toEqual([
      `    refused at intake: protocol at 19:1 (received 2026-03-15T19:04:59.000Z) by ${p}: 422 BALLOTS_FOUND_MISMATCH, FOUND_EXCEEDS_ISSUED; body sha256 ${'ab'.repeat(32)}`,
      `    v1 ProtocolRecorded at 20:2 (2026-03-15T19:06:00.000Z) by ${p}, signed demo-${p} (verified), submission ${version.submissionId}`,
      `    refused at intake: protocol at 21:1 (received 2026-03-15T19:04:59.000Z) by (not named: recorded before issue 11): 422 REASON_REQUIRED; body sha256 ${'ab'.repeat(32)}`,
    ]);
    expect(text).toContain('keep no signed subject, so which contest they were for is not known; intake records these best effort');
    // One keeping what the key signed shows the key, and names its contest.
    const signed = { ...door('19:1', ['OUT_OF_SCOPE'], p), contestId: 'list', signed: { subject: { kind: 'protocol', electionId: 'e', precinctId: p, contestId: 'list', protocol: {}, version: 1 }, signature: { keyId: `demo-${p}`, value: 'c2ln' } } } as IntakeRefusalRecord;
    const withKey = formatExplanation(explanation([{ ...signed, verified: true }, { ...signed, position: '21:1', verified: false }]));
    expect(withKey).toContain(`    refused at intake: protocol at 19:1 (received 2026-03-15T19:04:59.000Z) by ${p}, signed demo-${p} (verified): 422 OUT_OF_SCOPE; body sha256 ${'ab'.repeat(32)}`);
    expect(withKey).toContain(`    refused at intake: protocol at 21:1 (received 2026-03-15T19:04:59.000Z) by ${p}, signed demo-${p} (DOES NOT VERIFY): 422 OUT_OF_SCOPE`);
    expect(withKey).toContain('(refused at intake: the body is not kept, only its SHA-256 and what the key signed; intake records these best effort)');
  });

  it('lists an attempt intake acknowledged and a recorder set aside, with the reason and where the letter is', () => {
    const aside: SetAsideRecord = {
      position: '19:4',
      recordedAt: '2026-03-15T19:05:30.000Z',
      streamName: 'intake-rejections-e',
      revision: '1',
      eventId: '00000000-0000-4000-8000-000000000004',
      submissionId: version.submissionId,
      precinctId: p,
      submittedBy: p,
      kind: 'protocol',
      receivedAt: '2026-03-15T19:05:00.000Z',
      code: 'MISDATED',
      reason: 'receivedAt is 1.5 s before the queue took the message',
      deadLetter: { topic: 'tally.submissions', partition: 4, offset: '812', at: '2026-03-15T19:05:29.000Z' },
    };
    const lines = formatExplanation(explanation([], [aside]))
      .split('\n')
      .filter((l) => /^ {4}(set aside|v\d)/.test(l));
    expect(lines).toEqual([
      `    set aside: protocol at 19:4 (received 2026-03-15T19:05:00.000Z) by ${p}, submission ${version.submissionId}: MISDATED receivedAt is 1.5 s before the queue took the message; not recorded (dead letter of tally.submissions/4@812)`,
      `    v1 ProtocolRecorded at 20:2 (2026-03-15T19:06:00.000Z) by ${p}, signed demo-${p} (verified), submission ${version.submissionId}`,
    ]);
  });

  it('with --turnout: the figure, how the counted reports add up, and each precinct’s reports', () => {
    const report = (v: number, ballotsIssued: number, position: string) => ({ ...version, version: v, ballotsIssued, position, type: undefined, changes: undefined, lines: undefined });
    const text = formatExplanation({
      ...explanation([]),
      turnout: {
        time: '14:00',
        figure: { ballotsIssued: 120, registeredVoters: 1000, precinctsReported: 1 },
        sumOfCounted: { ballotsIssued: 120, registeredVoters: 1000, precinctsReported: 1 },
        reconciles: true,
        precincts: [{ precinctId: p, registeredVoters: 1000, counted: { ballotsIssued: 120, submissionId: 's2', position: '22:1' }, reports: [report(1, 115, '21:1'), report(2, 120, '22:1')] }],
        notReported: 1,
      },
    });
    expect(text.trimEnd().split('\n').slice(-7)).toEqual([
      '  turnout at 14:00: 12.00%, 120 ballots issued to 1000 voters on the lists of 1 reporting precinct(s)',
      '  The counted reports add up to it: 12.00%, 120 ballots issued to 1000 voters on the lists, 1 precinct(s); 1 not reported at 14:00',
      `  ${p}: counts 120 of 1000`,
      `    v1 115 at 21:1 (2026-03-15T19:06:00.000Z) by ${p}, signed demo-${p} (verified), submission ${version.submissionId}`,
      '       received 2026-03-15T19:05:59.000Z (no queue time kept)',
      `    v2 120 at 22:1 (2026-03-15T19:06:00.000Z) by ${p}, signed demo-${p} (verified), submission ${version.submissionId}`,
      '       received 2026-03-15T19:05:59.000Z (no queue time kept)',
    ]);
  });

  it('says nothing of intake when it refused nothing', () => {
    expect(formatExplanation(explanation([]))).not.toContain('intake');
  });
});
