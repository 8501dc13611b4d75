import { ALMATY_2023_LIST_CONTEST, almatyCity2023Definition, almatyCity2023Protocols } from '@tally/domain';
import { demoKeyPair, normalizeProtocol, verifySubmissionSignature, type SignedSubject } from '@tally/signatures';
import type { CliIo } from '../cli.types';
import { runCli } from '../main';
import { runSign, type SignOptions } from './sign.command';

const E = 'almaty-city-2023';
const P = 'almaty-p001';
const district = almatyCity2023Definition().commissions.find((c) => c.id === P)!.parent!;
const protocol = almatyCity2023Protocols(almatyCity2023Definition()).find((p) => p.precinctId === P && p.contestId === ALMATY_2023_LIST_CONTEST)!.protocol;

function io(files: Record<string, unknown>) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => '',
    readFile: async (path) => {
      if (!(path in files)) throw new Error(`no file ${path}`);
      // A string is the file's text as it is (a numeral JSON cannot hold exactly); anything else, its JSON.
      const content = files[path];
      return typeof content === 'string' ? content : JSON.stringify(content);
    },
  };
  return { cli, body: () => JSON.parse(out.join('')) as Record<string, unknown> & { signature: { keyId: string; value: string } }, err: () => err.join('') };
}

const base = (over: Partial<SignOptions>): SignOptions => ({ input: 'in.json', election: E, precinct: P, demoKey: P, kind: 'protocol', ...over });
const verifies = (subject: SignedSubject, signature: { keyId: string; value: string }, signer = P) => verifySubmissionSignature(subject, signature, demoKeyPair(signer).publicKey);

describe('tally sign (scheme tally-submission-v2)', () => {
  const turnout = { time: '12:00', ballotsIssued: 100 };

  it('signs the version into a turnout report: 1 without anything else (the first report of its time), or --version N', async () => {
    const first = io({ 'in.json': turnout });
    // The README's command, unchanged.
    expect(await runCli(['sign', '--demo-key', P, '--election', E, '--precinct', P, '--kind', 'turnout', '--input', 'in.json'], first.cli)).toBe(0);
    expect(first.body()).toMatchObject({ ...turnout, version: 1, signature: { keyId: `demo-${P}`, scheme: 'tally-submission-v2' } });
    expect(verifies({ kind: 'turnout', electionId: E, precinctId: P, ...turnout, version: 1 }, first.body().signature)).toBe(true);
    expect(first.err()).toContain('version 1 (the first report of 12:00');

    const third = io({ 'in.json': turnout });
    expect(await runSign(base({ kind: 'turnout', version: '3' }), third.cli)).toBe(0);
    expect(third.body().version).toBe(3);
    expect(verifies({ kind: 'turnout', electionId: E, precinctId: P, ...turnout, version: 3 }, third.body().signature)).toBe(true);
  });

  it('signs a protocol as version 1, and refuses another version as the domain does', async () => {
    const one = io({ 'in.json': protocol });
    expect(await runSign(base({}), one.cli)).toBe(0);
    expect(one.body().version).toBe(1);
    expect(verifies({ kind: 'protocol', electionId: E, precinctId: P, contestId: ALMATY_2023_LIST_CONTEST, protocol: normalizeProtocol(protocol)!, version: 1 }, one.body().signature)).toBe(true);
    const two = io({ 'in.json': protocol });
    expect(await runSign(base({ version: '2' }), two.cli)).toBe(2);
    expect(two.err()).toMatch(/--version: a protocol is version 1/);
  });

  it('refuses to sign a count the server would refuse: negative, fractional, or past JSON’s exact integers', async () => {
    const negative = io({ 'in.json': { ...protocol, invalid: -17 } });
    expect(await runSign(base({}), negative.cli)).toBe(2);
    expect(negative.err()).toContain('protocol.invalid: a count is a non-negative whole number (NOT_A_COUNT: the server would refuse it)');

    const fraction = io({ 'in.json': { ...protocol, votes: { ...protocol.votes, amanat: 0.5 } } });
    expect(await runSign(base({}), fraction.cli)).toBe(2);
    expect(fraction.err()).toContain('protocol.votes.amanat: a count is a non-negative whole number');

    // 9007199254740993 parses as 9007199254740992: signed, it would not be what the commission typed.
    const text = JSON.stringify({ ...protocol, registeredVoters: 1 }).replace('"registeredVoters":1', '"registeredVoters":9007199254740993');
    const huge = io({ 'in.json': text });
    expect(await runSign(base({}), huge.cli)).toBe(2);
    expect(huge.err()).toContain('protocol.registeredVoters: a count is at most 9007199254740991: past it, a JSON number is not exact');

    const turnoutPast = io({ 'in.json': { time: '12:00', ballotsIssued: -1 } });
    expect(await runSign(base({ kind: 'turnout' }), turnoutPast.cli)).toBe(2);
    expect(turnoutPast.err()).toContain('input.ballotsIssued: a count is a non-negative whole number');
    // Nothing was signed.
    for (const c of [negative, fraction, huge, turnoutPast]) expect(c.err()).not.toContain('POST this body');
  });

  it('refuses a correction without --version or --server, naming both', async () => {
    const c = io({ 'in.json': protocol });
    expect(await runSign(base({ kind: 'correction', reason: 'recount', demoKey: district }), c.cli)).toBe(2);
    expect(c.err()).toMatch(/--version: .*--version N.*--server URL/);
  });

  it.each([['0'], ['two'], ['1.5']])('refuses --version %s', async (version) => {
    const c = io({ 'in.json': turnout });
    expect(await runSign(base({ kind: 'turnout', version }), c.cli)).toBe(2);
    expect(c.err()).toContain('--version: a whole number from 1');
  });

  it('refuses --version with --server', async () => {
    const c = io({ 'in.json': turnout });
    expect(await runSign(base({ kind: 'turnout', version: '2', server: 'http://tally.example' }), c.cli)).toBe(2);
    expect(c.err()).toContain('give --version or --server, not both');
  });

  describe('--server: signs the current version + 1', () => {
    const versions = {
      contests: { [ALMATY_2023_LIST_CONTEST]: { version: 2, submissionId: 's' } },
      turnout: { '12:00': { version: 1, ballotsIssued: 90 } },
    };
    const asked: string[] = [];
    const deps = {
      fetchJson: async (url: string) => {
        asked.push(url);
        return versions;
      },
    };

    it('for a correction, from the contest; for a turnout report, from its time (1 for a time not reported)', async () => {
      const c = io({ 'in.json': protocol });
      expect(await runSign(base({ kind: 'correction', reason: 'recount', demoKey: district, server: 'http://tally.example:3000' }), c.cli, deps)).toBe(0);
      expect(asked).toEqual([`http://tally.example:3000/v1/elections/${E}/precincts/${P}/versions`]);
      expect(c.body()).toMatchObject({ reason: 'recount', version: 3 });
      const subject: SignedSubject = { kind: 'correction', electionId: E, precinctId: P, contestId: ALMATY_2023_LIST_CONTEST, protocol: normalizeProtocol(protocol)!, reason: 'recount', version: 3 };
      expect(verifies(subject, c.body().signature, district)).toBe(true);

      const noon = io({ 'in.json': turnout });
      expect(await runSign(base({ kind: 'turnout', server: 'http://tally.example:3000/' }), noon.cli, deps)).toBe(0);
      expect(noon.body().version).toBe(2);
      const later = io({ 'in.json': { time: '14:00', ballotsIssued: 120 } });
      expect(await runSign(base({ kind: 'turnout', server: 'http://tally.example:3000' }), later.cli, deps)).toBe(0);
      expect(later.body().version).toBe(1);
    });

    it('fails (exit 1) when there is nothing to correct, or the server does not answer', async () => {
      const other = io({ 'in.json': { ...protocol, contestId: 'almaty-city-d01' } });
      expect(await runSign(base({ kind: 'correction', reason: 'recount', demoKey: district, server: 'http://tally.example' }), other.cli, deps)).toBe(1);
      expect(other.err()).toContain('nothing to correct yet');
      const down = io({ 'in.json': turnout });
      const failing = { fetchJson: async (url: string) => Promise.reject(new Error(`${url} answered 404 Not Found`)) };
      expect(await runSign(base({ kind: 'turnout', server: 'http://tally.example' }), down.cli, failing)).toBe(1);
      expect(down.err()).toContain('cannot read the current versions: http://tally.example/v1/elections/');
    });
  });
});
