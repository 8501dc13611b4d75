// `tally submit` around one class: the server's answers are scripted (a mock is the evidence of
// nothing end to end: test/e2e/submit-cli.e2e-spec.ts runs it against a real server).
import { memoryIo } from '../memory-io.test-helper';
import { runSubmit, type SubmitDeps, type SubmitOptions } from './submit.command';

const ID = '0190f0e4-0000-8000-8000-000000000001';
const protocol = JSON.stringify({
  contestId: 'list',
  registeredVoters: 1000,
  ballotsReceived: 900,
  ballotsIssued: { atStation: 500, early: 0, mobile: 0 },
  ballotsCancelled: 400,
  ballotsFound: 500,
  invalid: 10,
  votes: { a: 300, b: 190 },
  againstAll: 0,
});
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** A clock that moves only when the command sleeps or waits on the status. */
function scripted(posts: (() => Response)[], statuses: unknown[]) {
  let now = 0;
  const slept: number[] = [];
  const asked: string[] = [];
  const deps: SubmitDeps = {
    fetch: async () => {
      const next = posts.shift();
      if (!next) throw new Error('no more answers');
      return next();
    },
    fetchJson: async (url) => {
      asked.push(url);
      const wait = /wait=(\d+)s/.exec(url);
      now += wait ? Number(wait[1]) * 1000 : 0;
      const next = statuses.shift();
      if (next instanceof Error) throw next;
      return next;
    },
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    now: () => now,
    writeFile: async () => undefined,
  };
  return { deps, slept, asked };
}

const options = (extra: Partial<SubmitOptions> = {}): SubmitOptions => ({
  server: 'http://tally.test',
  input: 'p.json',
  election: 'e',
  precinct: 'p1',
  demoKey: 'p1',
  kind: 'protocol',
  wait: '60',
  ...extra,
});

describe('tally submit', () => {
  it('waits out a busy server by its Retry-After, then reports where the protocol was recorded', async () => {
    const m = memoryIo({ 'p.json': protocol });
    const s = scripted(
      [() => json(503, { code: 'QUEUE_FULL', errors: [{ code: 'QUEUE_FULL', field: '', message: 'full' }] }, { 'retry-after': '2' }), () => json(202, { submissionId: ID })],
      [{ submissionId: ID, state: 'queued' }, { submissionId: ID, state: 'recorded', eventType: 'ProtocolRecorded', stream: 'precinct-e.p1', revision: '0', position: '9:3' }],
    );
    expect(await runSubmit(options(), m.io, s.deps)).toBe(0);
    expect(s.slept).toEqual([2000]);
    expect(m.err()).toContain('503 QUEUE_FULL; trying again in 2 s');
    expect(m.out()).toBe(`accepted: submission ${ID} (version 1 of /v1/elections/e/precincts/p1/protocols)\nRECORDED: ProtocolRecorded version 1 at position 9:3 (precinct-e.p1@0)\n`);
    expect(s.asked[0]).toBe(`http://tally.test/v1/submissions/${ID}?wait=30s`);
  });

  it('says every reason intake refused it for, and exits 1', async () => {
    const m = memoryIo({ 'p.json': protocol });
    const reasons = [
      { code: 'BALLOTS_FOUND_MISMATCH', field: 'protocol.ballotsFound', message: 'ballots found must equal valid + invalid' },
      { code: 'NOT_A_COUNT', field: 'protocol.invalid', message: 'not a count' },
    ];
    const s = scripted([() => json(422, { code: reasons[0].code, errors: reasons })], []);
    expect(await runSubmit(options(), m.io, s.deps)).toBe(1);
    expect(m.out()).toBe(
      'REFUSED at intake (422), nothing was counted:\n  BALLOTS_FOUND_MISMATCH protocol.ballotsFound: ballots found must equal valid + invalid\n  NOT_A_COUNT protocol.invalid: not a count\n',
    );
  });

  it("says the decider's refusal, and exits 1", async () => {
    const m = memoryIo({ 'p.json': protocol });
    const s = scripted([() => json(202, { submissionId: ID })], [{ submissionId: ID, state: 'refused', position: '9:4', reasons: [{ code: 'DUPLICATE_PROTOCOL', field: 'protocol', message: 'already recorded' }] }]);
    expect(await runSubmit(options({ json: true }), m.io, s.deps)).toBe(1);
    expect(JSON.parse(m.out())).toMatchObject({ state: 'refused', reasons: [{ code: 'DUPLICATE_PROTOCOL' }] });
  });

  it('says a recorder set it aside (accepted, not recorded) with the reason, and how to send it anew; exits 1', async () => {
    const m = memoryIo({ 'p.json': protocol });
    const reason = { code: 'MISDATED', field: '', message: 'set aside by a recorder, not recorded: receivedAt is 1.5 s before the queue took the message' };
    const s = scripted([() => json(202, { submissionId: ID })], [{ submissionId: ID, state: 'set-aside', position: '9:5', reasons: [reason] }]);
    expect(await runSubmit(options(), m.io, s.deps)).toBe(1);
    expect(m.out()).toBe(
      `accepted: submission ${ID} (version 1 of /v1/elections/e/precincts/p1/protocols)\n` +
        `SET ASIDE: submission ${ID} was accepted, then not recorded by the recorder (written down at 9:5); nothing was counted:\n  MISDATED: ${reason.message}\n` +
        'The operators have it on the dead-letter topic. Once they say the cause is mended, run the same command again: it is then queued anew, and never counted twice.\n',
    );
  });

  it('exits 3 when accepted but not recorded in time, telling how to wait for the same submission', async () => {
    const m = memoryIo({ 't.json': JSON.stringify({ time: '10:00', ballotsIssued: 50 }) });
    const s = scripted([() => json(202, { submissionId: ID })], [{ state: 'queued' }, { state: 'queued' }, { state: 'queued' }]);
    expect(await runSubmit(options({ input: 't.json', kind: 'turnout', version: '2', wait: '60' }), m.io, s.deps)).toBe(3);
    // A report's version would move on once this one is recorded: the command to repeat pins it.
    expect(m.out()).toContain(`QUEUED: submission ${ID} is accepted, not yet recorded after 60 s. To wait more, run the same command again with --version 2`);
  });

  it('gives up sending when the server never answers within --wait, and says the body may have reached it', async () => {
    const m = memoryIo({ 'p.json': protocol });
    const down = () => {
      throw new TypeError('fetch failed');
    };
    const s = scripted([down, down, down, down, down, down], []);
    expect(await runSubmit(options({ wait: '5' }), m.io, s.deps)).toBe(1);
    expect(s.slept).toEqual([500, 1000, 2000]);
    expect(m.out()).toBe(
      'NOT SENT: the server did not take it within 5 s (last: no answer (fetch failed)). It may have reached the server unanswered; run the same command again: the same body is the same submission, never counted twice.\n',
    );
  });

  it('says nothing was counted when the server kept answering that it is busy', async () => {
    const m = memoryIo({ 'p.json': protocol });
    const busy = () => json(503, { code: 'UNAVAILABLE', errors: [{ code: 'UNAVAILABLE', field: '', message: 'the queue is down' }] }, { 'retry-after': '5' });
    const s = scripted([busy, busy, busy], []);
    expect(await runSubmit(options({ wait: '12' }), m.io, s.deps)).toBe(1);
    expect(s.slept).toEqual([5000, 5000]);
    expect(m.out()).toContain('(last: 503 UNAVAILABLE). Nothing was counted; run the same command again');
  });

  it('refuses a --wait or a --server it cannot use, naming the option', async () => {
    const m = memoryIo({ 'p.json': protocol });
    const s = scripted([], []);
    expect(await runSubmit(options({ wait: 'soon' }), m.io, s.deps)).toBe(2);
    expect(await runSubmit(options({ server: 'tally' }), m.io, s.deps)).toBe(2);
    expect(m.err()).toBe('tally submit: invalid input\n  --wait: whole seconds from 1 to 3600\ntally submit: invalid input\n  --server: a URL, e.g. https://tally.example (got "tally")\n');
  });
});
