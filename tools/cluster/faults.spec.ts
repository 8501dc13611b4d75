// The campaign's verdict and the tools' argument checks. The campaign itself (real brokers, real
// PostgreSQL, real processes) is a step of `npm test` (scripts/test-all.js), not a Jest test.
import { KINDS, exactlyOnce, parseArgs as faultArgs } from './faults';
import { parseArgs as loadArgs } from './load';

const ack = (submissionId: string, digest: string) => ({ submissionId, digest });
const recorded = (digest: string) => ({ type: 'ProtocolRecorded', digest });

describe('exactlyOnce: every acknowledged submission recorded once, with the content that was signed', () => {
  it('counts a submission recorded once with its digest as recorded', () => {
    const stored = new Map([['s1', [recorded('d1')]], ['s2', [recorded('d2')]]]);
    expect(exactlyOnce([ack('s1', 'd1'), ack('s2', 'd2')], stored)).toEqual({ recorded: 2, lost: [], duplicated: [] });
  });

  it('counts an acknowledged submission that is not in the store as lost', () => {
    expect(exactlyOnce([ack('s1', 'd1')], new Map())).toEqual({ recorded: 0, lost: [{ submissionId: 's1', found: [] }], duplicated: [] });
  });

  it('counts a submission recorded with other content, or refused, as lost', () => {
    const stored = new Map([['s1', [recorded('other')]], ['s2', [{ type: 'SubmissionRefused', digest: 'd2' }]]]);
    expect(exactlyOnce([ack('s1', 'd1'), ack('s2', 'd2')], stored).lost).toEqual([
      { submissionId: 's1', found: ['ProtocolRecorded'] },
      { submissionId: 's2', found: ['SubmissionRefused'] },
    ]);
  });

  it('counts two events for one submission id, or one content recorded under two ids, as duplicated', () => {
    const twice = new Map([['s1', [recorded('d1'), recorded('d1')]]]);
    expect(exactlyOnce([ack('s1', 'd1')], twice).duplicated).toEqual(['s1']);
    const twoIds = new Map([['s1', [recorded('d1')]], ['s9', [recorded('d1')]]]);
    expect(exactlyOnce([ack('s1', 'd1')], twoIds)).toEqual({ recorded: 0, lost: [], duplicated: ['s1'] });
  });
});

describe('the tools’ arguments', () => {
  it('rotates through four kinds of fault, so ten cycles have each at least twice', () => {
    expect(KINDS).toEqual(['kill-role', 'kill-broker', 'restart-pg', 'cut-recorder']);
  });

  it('names the option and its rule when a value is wrong', () => {
    expect(() => faultArgs([])).toThrow(/--cycles is required/);
    expect(() => faultArgs(['--cycles', '0'])).toThrow(/--cycles must be a positive integer, got "0"/);
    expect(() => faultArgs(['--cycles', '3', '--postgres', 'other'])).toThrow(/--postgres must be "own" .* or "machine"/);
    expect(faultArgs(['--cycles', '3', '--rate', '7.5'])).toMatchObject({ cycles: 3, rate: 7.5 });
    expect(() => loadArgs(['--precincts', '10', '--rate', '5'])).toThrow(/--url is required/);
    expect(() => loadArgs(['--url', 'http://h:1/v1', '--precincts', '10', '--rate', '5'])).toThrow(/--url must be http\(s\):\/\/host:port without a path/);
    expect(() => loadArgs(['--url', 'http://h:1', '--precincts', 'ten', '--rate', '5'])).toThrow(/--precincts must be a positive integer, got "ten"/);
    expect(loadArgs(['--url', 'http://h:1/', '--url', 'http://h:2', '--precincts', '10', '--rate', '5'])).toMatchObject({ urls: ['http://h:1', 'http://h:2'], precincts: 10, rate: 5 });
    expect(loadArgs(['--url', 'http://h:1', '--precincts', '10', '--rate', '5']).turnoutShare).toBe(0);
    expect(loadArgs(['--url', 'http://h:1', '--precincts', '10', '--rate', '5', '--turnout-share', '1']).turnoutShare).toBe(1);
    expect(() => loadArgs(['--url', 'http://h:1', '--precincts', '10', '--rate', '5', '--turnout-share', '1.5'])).toThrow(/--turnout-share must be a number from 0 to 1, got "1.5"/);
  });
});
