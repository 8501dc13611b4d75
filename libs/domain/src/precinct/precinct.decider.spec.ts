import { ElectionDefinitionShape } from '../election/election-definition';
import { indexElection } from '../election/election-index';
import type { Protocol } from '../protocol/protocol';
import { DeciderSpecification } from '../testing/decider-specification';
import type { CorrectProtocol, ReportTurnout, SubmitProtocol } from './precinct.commands';
import { currentVersion, evolve, initialState, precinctDecider, type PrecinctDeciderContext } from './precinct.decider';
import type { PrecinctEvent, ProtocolCorrected, ProtocolRecorded, SubmissionMeta, SubmissionRefused, TurnoutReported } from './precinct.events';

const name = (en: string) => ({ kk: en, ru: en, en });

// CEC → Almaty (regional) → districts d1, d2 → precincts p1 (under d1), p2 (under d2).
const election = indexElection(
  ElectionDefinitionShape.parse({
    id: 'almaty-2023',
    name: name('Almaty 2023'),
    date: '2023-03-19',
    timeZone: 'Asia/Almaty',
    bodies: [{ id: 'city', name: name('Almaty City Mäslihat') }],
    lists: [
      { id: 'amanat', name: name('Amanat'), colour: '#0055aa', registrationOrder: 1 },
      { id: 'respublica', name: name('Respublica'), colour: '#aa5500', registrationOrder: 2 },
    ],
    candidates: [
      { id: 'c1', name: name('Candidate 1'), party: 'amanat' },
      { id: 'c2', name: name('Candidate 2'), party: null },
    ],
    contests: [
      { kind: 'list', id: 'city-list', name: name('lists'), body: 'city', seats: 21, thresholdPercent: 5, thresholdBase: 'list-votes-plus-against-all', method: 'hare', lists: ['amanat', 'respublica'] },
      { kind: 'single-member', id: 'city-d1', name: name('district 1'), body: 'city', district: 'd1', candidates: ['c1', 'c2'] },
    ],
    commissions: [
      { id: 'cec', name: name('CEC'), level: 'central', parent: null },
      { id: 'almaty', name: name('Almaty'), level: 'regional', parent: 'cec' },
      { id: 'alm-d1', name: name('District 1'), level: 'district', parent: 'almaty' },
      { id: 'alm-d2', name: name('District 2'), level: 'district', parent: 'almaty' },
      { id: 'p1', name: name('Precinct 1'), level: 'precinct', parent: 'alm-d1', registeredVoters: 1000, contests: ['city-list', 'city-d1'] },
      { id: 'p2', name: name('Precinct 2'), level: 'precinct', parent: 'alm-d2', registeredVoters: 800, contests: ['city-list'] },
    ],
  }),
);

const given = DeciderSpecification.for(precinctDecider, { election });

const meta = (submissionId: string, over: Partial<SubmissionMeta> = {}): SubmissionMeta => ({
  submissionId,
  electionId: 'almaty-2023',
  precinctId: 'p1',
  submittedBy: 'p1',
  receivedAt: '2023-03-19T15:00:00Z',
  signature: null,
  ...over,
});

// 1000 registered; 700 received = 600 issued + 100 cancelled; 590 found = (520 + 50) + 20.
const protocol = (amanat = 400): Protocol => ({
  contestId: 'city-list',
  registeredVoters: 1000,
  addedSameDay: 0,
  ballotsReceived: 700,
  ballotsIssued: { atStation: 560, early: 30, mobile: 10 },
  ballotsCancelled: 100,
  ballotsLost: 0,
  ballotsFound: 590,
  invalid: 20,
  votes: { amanat, respublica: 520 - amanat },
  againstAll: 50,
});
const broken: Protocol = { ...protocol(), ballotsReceived: 701 };

// Commands carry the signed version (scheme v2): a protocol is 1, a correction names the version
// it creates (2 unless given), a turnout report its time's version (1 unless given); null: a v1
// body, which names none.
const submit = (id: string, p: unknown = protocol(), over: Partial<SubmissionMeta> = {}, version: number | null = 1): SubmitProtocol => ({
  type: 'SubmitProtocol',
  meta: meta(id, over),
  protocol: p as Protocol,
  ...(version === null ? {} : { version }),
});
const correct = (id: string, p: Protocol, by: string, extra: { reason?: string; supersedes?: string; version?: number | null } = {}): CorrectProtocol => ({
  type: 'CorrectProtocol',
  meta: meta(id, { submittedBy: by }),
  protocol: p,
  reason: extra.reason ?? 'recount ordered by the district commission',
  ...(extra.supersedes === undefined ? {} : { supersedes: extra.supersedes }),
  ...(extra.version === null ? {} : { version: extra.version ?? 2 }),
});
const turnout = (id: string, time: string, ballotsIssued: number, over: Partial<SubmissionMeta> = {}, version: number | null = 1): ReportTurnout => ({
  type: 'ReportTurnout',
  meta: meta(id, over),
  time,
  ballotsIssued,
  ...(version === null ? {} : { version }),
});

const recorded = (id: string, p: Protocol = protocol(), over: Partial<SubmissionMeta> = {}): ProtocolRecorded => ({
  type: 'ProtocolRecorded',
  data: { ...meta(id, over), contestId: p.contestId, protocol: p, version: 1 },
});
const corrected = (id: string, p: Protocol, by: string, version: number, supersedes: string, reason = 'recount ordered by the district commission', over: Partial<SubmissionMeta> = {}): ProtocolCorrected => ({
  type: 'ProtocolCorrected',
  data: { ...meta(id, { submittedBy: by, ...over }), contestId: p.contestId, protocol: p, version, supersedes, reason },
});
/** version null: a v1-era event, which carries none. */
const reported = (id: string, time: string, ballotsIssued: number, version: number | null = 1, over: Partial<SubmissionMeta> = {}): TurnoutReported => ({
  type: 'TurnoutReported',
  data: { ...meta(id, over), time, ballotsIssued, ...(version === null ? {} : { version }) },
});
/** A signature whose value is `value` (the decider compares values; verifying them is the recorder's). */
const signed = (value: string): Partial<SubmissionMeta> => ({ signature: { keyId: 'k1', value, scheme: 'tally-submission-v2' } });
const refused = (
  m: SubmissionMeta,
  kind: SubmissionRefused['data']['kind'],
  codes: ReadonlyArray<{ code: string; field: string; operands?: Record<string, number | string> }>,
  payload: unknown,
): SubmissionRefused => ({
  type: 'SubmissionRefused',
  data: {
    ...m,
    kind,
    payload,
    reasons: codes.map((c) => ({ code: c.code, field: c.field, message: expect.stringMatching(/\S/), ...(c.operands ? { operands: c.operands } : {}) })) as SubmissionRefused['data']['reasons'],
  },
});

describe('precinct decider', () => {
  describe('SubmitProtocol', () => {
    it('records the first protocol of a contest as version 1', () => {
      given([]).when(submit('s1')).then([recorded('s1')]);
    });

    it('records the parsed protocol, with the optional lines filled in', () => {
      const { addedSameDay: _a, ballotsLost: _l, ...sparse } = protocol();
      given([]).when(submit('s1', sparse)).then([recorded('s1')]);
    });

    it('records each contest of the precinct on its own', () => {
      const district: Protocol = { ...protocol(), contestId: 'city-d1', votes: { c1: 300, c2: 220 } };
      given([recorded('s1')]).when(submit('s2', district)).then([recorded('s2', district)]);
    });

    it('refuses an unknown election, keeping the payload', () => {
      const m = meta('s1', { electionId: 'astana-2023' });
      given([]).when(submit('s1', protocol(), { electionId: 'astana-2023' })).then([
        refused(m, 'protocol', [{ code: 'UNKNOWN_ELECTION', field: 'electionId', operands: { electionId: 'astana-2023', expected: 'almaty-2023' } }], { protocol: protocol(), version: 1 }),
      ]);
    });

    it('refuses an unknown precinct', () => {
      given([]).when(submit('s1', protocol(), { precinctId: 'p9', submittedBy: 'p9' })).then([
        refused(meta('s1', { precinctId: 'p9', submittedBy: 'p9' }), 'protocol', [{ code: 'UNKNOWN_PRECINCT', field: 'precinctId', operands: { precinctId: 'p9' } }], { protocol: protocol(), version: 1 }),
      ]);
    });

    it('refuses an unknown contest', () => {
      const p = { ...protocol(), contestId: 'senate' };
      given([]).when(submit('s1', p)).then([
        refused(meta('s1'), 'protocol', [{ code: 'UNKNOWN_CONTEST', field: 'protocol.contestId', operands: { contestId: 'senate' } }], { protocol: p, version: 1 }),
      ]);
    });

    it('refuses a contest not voted at this precinct', () => {
      const p = { ...protocol(), contestId: 'city-d1', votes: { c1: 300, c2: 220 } };
      const over = { precinctId: 'p2', submittedBy: 'p2' };
      given([]).when(submit('s1', p, over)).then([
        refused(meta('s1', over), 'protocol', [{ code: 'CONTEST_NOT_AT_PRECINCT', field: 'protocol.contestId', operands: { contestId: 'city-d1', precinctId: 'p2' } }], { protocol: p, version: 1 }),
      ]);
    });

    it('refuses a protocol with no contest id as malformed', () => {
      given([]).when(submit('s1', { votes: {} })).then([
        refused(meta('s1'), 'protocol', [{ code: 'MALFORMED', field: 'protocol.contestId' }], { protocol: { votes: {} }, version: 1 }),
      ]);
    });

    it('refuses a protocol submitted by anyone but the precinct itself, even its district', () => {
      given([]).when(submit('s1', protocol(), { submittedBy: 'alm-d1' })).then([
        refused(meta('s1', { submittedBy: 'alm-d1' }), 'protocol', [{ code: 'OUT_OF_SCOPE', field: 'submittedBy', operands: { submittedBy: 'alm-d1', precinctId: 'p1' } }], { protocol: protocol(), version: 1 }),
      ]);
    });

    it('refuses a broken control relation with the validation reasons', () => {
      given([]).when(submit('s1', broken)).then([
        refused(meta('s1'), 'protocol', [{ code: 'BALLOTS_RECEIVED_MISMATCH', field: 'protocol.ballotsReceived', operands: { ballotsReceived: 701, ballotsIssued: 600, ballotsCancelled: 100, ballotsLost: 0 } }], { protocol: broken, version: 1 }),
      ]);
    });

    it('refuses wrong types as malformed', () => {
      const p = { ...protocol(), invalid: '20' };
      given([]).when(submit('s1', p)).then([refused(meta('s1'), 'protocol', [{ code: 'MALFORMED', field: 'protocol.invalid' }], { protocol: p, version: 1 })]);
    });

    it('refuses a second protocol for a recorded contest, even an identical one', () => {
      given([recorded('s1')]).when(submit('s2')).then([
        refused(meta('s2'), 'protocol', [{ code: 'ALREADY_RECORDED', field: 'protocol.contestId', operands: { contestId: 'city-list', version: 1, submissionId: 's1' } }], { protocol: protocol(), version: 1 }),
      ]);
    });

    it('refuses a second protocol after a correction too, naming the current version', () => {
      given([recorded('s1'), corrected('c1', protocol(390), 'alm-d1', 2, 's1')]).when(submit('s2')).then([
        refused(meta('s2'), 'protocol', [{ code: 'ALREADY_RECORDED', field: 'protocol.contestId', operands: { contestId: 'city-list', version: 2, submissionId: 'c1' } }], { protocol: protocol(), version: 1 }),
      ]);
    });

    it('gives every reason at once', () => {
      given([recorded('s1')]).when(submit('s2', broken, { submittedBy: 'p2' })).then([
        refused(meta('s2', { submittedBy: 'p2' }), 'protocol', [
          { code: 'OUT_OF_SCOPE', field: 'submittedBy', operands: { submittedBy: 'p2', precinctId: 'p1' } },
          { code: 'ALREADY_RECORDED', field: 'protocol.contestId', operands: { contestId: 'city-list', version: 1, submissionId: 's1' } },
          { code: 'BALLOTS_RECEIVED_MISMATCH', field: 'protocol.ballotsReceived', operands: { ballotsReceived: 701, ballotsIssued: 600, ballotsCancelled: 100, ballotsLost: 0 } },
        ], { protocol: broken, version: 1 }),
      ]);
    });
  });

  describe('idempotency: a submission id decides once', () => {
    it('a recorded submission id sent again changes nothing, whatever it now carries', () => {
      given([recorded('s1')]).when(submit('s1')).thenNothingHappened();
      given([recorded('s1')]).when(submit('s1', protocol(300))).thenNothingHappened();
      given([recorded('s1')]).when(correct('s1', protocol(300), 'alm-d1')).thenNothingHappened();
    });

    it('a refused submission id sent again, now valid, changes nothing', () => {
      const first = refused(meta('s1'), 'protocol', [{ code: 'BALLOTS_RECEIVED_MISMATCH', field: 'protocol.ballotsReceived' }], broken);
      given([first]).when(submit('s1')).thenNothingHappened();
    });

    it('the same holds for corrections and turnout reports', () => {
      given([recorded('s1'), corrected('c1', protocol(390), 'alm-d1', 2, 's1')]).when(correct('c1', protocol(380), 'alm-d1')).thenNothingHappened();
      given([reported('t1', '10:00', 50)]).when(turnout('t1', '12:00', 90)).thenNothingHappened();
    });
  });

  describe('CorrectProtocol', () => {
    it('chains versions v1 → v2 → v3, each superseding the current one', () => {
      given([recorded('s1')]).when(correct('c1', protocol(390), 'alm-d1', { supersedes: 's1' })).then([corrected('c1', protocol(390), 'alm-d1', 2, 's1')]);
      given([recorded('s1'), corrected('c1', protocol(390), 'alm-d1', 2, 's1')])
        .when(correct('c2', protocol(380), 'almaty', { supersedes: 'c1', reason: 'regional recount', version: 3 }))
        .then([corrected('c2', protocol(380), 'almaty', 3, 'c1', 'regional recount')]);
    });

    it('supersedes the current version when no guard is given', () => {
      given([recorded('s1'), corrected('c1', protocol(390), 'alm-d1', 2, 's1')])
        .when(correct('c2', protocol(380), 'alm-d1', { version: 3 }))
        .then([corrected('c2', protocol(380), 'alm-d1', 3, 'c1')]);
    });

    it('accepts a correction by the central commission, above everything', () => {
      given([recorded('s1')]).when(correct('c1', protocol(390), 'cec')).then([corrected('c1', protocol(390), 'cec', 2, 's1')]);
    });

    it('refuses a stale correction: the version it names is no longer current', () => {
      const cmd = correct('c2', protocol(380), 'alm-d1', { supersedes: 's1', version: 3 });
      given([recorded('s1'), corrected('c1', protocol(390), 'alm-d1', 2, 's1')]).when(cmd).then([
        refused(cmd.meta, 'correction', [{ code: 'STALE_CORRECTION', field: 'supersedes', operands: { supersedes: 's1', current: 'c1', version: 2 } }], { protocol: protocol(380), reason: cmd.reason, supersedes: 's1', version: cmd.version }),
      ]);
    });

    it.each(['', '   \n'])('refuses a correction without a reason (%j)', (reason) => {
      const cmd = correct('c1', protocol(390), 'alm-d1', { reason });
      given([recorded('s1')]).when(cmd).then([refused(cmd.meta, 'correction', [{ code: 'REASON_REQUIRED', field: 'reason' }], { protocol: protocol(390), reason, version: cmd.version })]);
    });

    it.each([
      ['a sibling district commission', 'alm-d2'],
      ['the precinct itself', 'p1'],
      ['another precinct', 'p2'],
      ['an unknown commission', 'nobody'],
    ])('refuses a correction by %s as out of scope', (_, by) => {
      const cmd = correct('c1', protocol(390), by);
      given([recorded('s1')]).when(cmd).then([
        refused(cmd.meta, 'correction', [{ code: 'OUT_OF_SCOPE', field: 'submittedBy', operands: { submittedBy: by, precinctId: 'p1' } }], { protocol: protocol(390), reason: cmd.reason, version: cmd.version }),
      ]);
    });

    it('refuses to correct what was never recorded', () => {
      const cmd = correct('c1', protocol(390), 'alm-d1');
      given([]).when(cmd).then([
        refused(cmd.meta, 'correction', [{ code: 'NOTHING_TO_CORRECT', field: 'protocol.contestId', operands: { contestId: 'city-list' } }], { protocol: protocol(390), reason: cmd.reason, version: cmd.version }),
      ]);
    });

    it('a refused first submission leaves nothing to correct', () => {
      const cmd = correct('c1', protocol(390), 'alm-d1');
      given([refused(meta('s1'), 'protocol', [{ code: 'BALLOTS_RECEIVED_MISMATCH', field: 'protocol.ballotsReceived' }], broken)]).when(cmd).then([
        refused(cmd.meta, 'correction', [{ code: 'NOTHING_TO_CORRECT', field: 'protocol.contestId', operands: { contestId: 'city-list' } }], { protocol: protocol(390), reason: cmd.reason, version: cmd.version }),
      ]);
    });

    it('refuses a correction that breaks a control relation', () => {
      const cmd = correct('c1', broken, 'alm-d1');
      given([recorded('s1')]).when(cmd).then([
        refused(cmd.meta, 'correction', [{ code: 'BALLOTS_RECEIVED_MISMATCH', field: 'protocol.ballotsReceived', operands: { ballotsReceived: 701, ballotsIssued: 600, ballotsCancelled: 100, ballotsLost: 0 } }], { protocol: broken, reason: cmd.reason, version: cmd.version }),
      ]);
    });

    it('refuses a correction in an unknown election', () => {
      const cmd: CorrectProtocol = { ...correct('c1', protocol(390), 'cec'), meta: meta('c1', { electionId: 'x', submittedBy: 'cec' }) };
      given([recorded('s1')]).when(cmd).then([
        refused(cmd.meta, 'correction', [{ code: 'UNKNOWN_ELECTION', field: 'electionId', operands: { electionId: 'x', expected: 'almaty-2023' } }], { protocol: protocol(390), reason: cmd.reason, version: cmd.version }),
      ]);
    });
  });

  describe('ReportTurnout', () => {
    it('records running turnout at a reporting time', () => {
      given([]).when(turnout('t1', '10:00', 120)).then([reported('t1', '10:00', 120)]);
      given([reported('t1', '10:00', 120)]).when(turnout('t2', '12:00', 120)).then([reported('t2', '12:00', 120)]);
    });

    it('refuses a time that is not a reporting time', () => {
      const cmd = turnout('t1', '11:00', 120);
      given([]).when(cmd).then([
        refused(cmd.meta, 'turnout', [{ code: 'UNKNOWN_TURNOUT_TIME', field: 'time', operands: { time: '11:00', turnoutTimes: '10:00,12:00,14:00,16:00,18:00,20:00' } }], { time: '11:00', ballotsIssued: 120, version: 1 }),
      ]);
    });

    it('refuses a count that is no count, or more than the list', () => {
      given([]).when(turnout('t1', '10:00', 1.5)).then([
        refused(meta('t1'), 'turnout', [{ code: 'NOT_A_COUNT', field: 'ballotsIssued', operands: { value: 1.5 } }], { time: '10:00', ballotsIssued: 1.5, version: 1 }),
      ]);
      given([]).when(turnout('t1', '10:00', 1001)).then([
        refused(meta('t1'), 'turnout', [{ code: 'ISSUED_EXCEEDS_REGISTERED', field: 'ballotsIssued', operands: { ballotsIssued: 1001, registeredVoters: 1000 } }], { time: '10:00', ballotsIssued: 1001, version: 1 }),
      ]);
    });

    it('refuses a later report smaller than an earlier one', () => {
      given([reported('t1', '10:00', 120), reported('t2', '12:00', 300)]).when(turnout('t3', '14:00', 250)).then([
        refused(meta('t3'), 'turnout', [{ code: 'TURNOUT_DECREASED', field: 'ballotsIssued', operands: { time: '14:00', ballotsIssued: 250, otherTime: '12:00', otherBallotsIssued: 300 } }], { time: '14:00', ballotsIssued: 250, version: 1 }),
      ]);
    });

    it('refuses a late-arriving earlier report larger than a later one', () => {
      given([reported('t2', '12:00', 300), reported('t3', '16:00', 400)]).when(turnout('t1', '10:00', 350)).then([
        refused(meta('t1'), 'turnout', [{ code: 'TURNOUT_DECREASED', field: 'ballotsIssued', operands: { time: '10:00', ballotsIssued: 350, otherTime: '12:00', otherBallotsIssued: 300 } }], { time: '10:00', ballotsIssued: 350, version: 1 }),
      ]);
      given([reported('t2', '12:00', 300), reported('t3', '16:00', 400)]).when(turnout('t1', '14:00', 350)).then([reported('t1', '14:00', 350)]);
    });

    it('takes an equal figure at a later or an earlier time: turnout that stays level has not decreased', () => {
      given([reported('t1', '12:00', 300)]).when(turnout('t2', '14:00', 300)).then([reported('t2', '14:00', 300)]);
      given([reported('t1', '12:00', 300)]).when(turnout('t2', '10:00', 300)).then([reported('t2', '10:00', 300)]);
    });

    it('names every report the new figure contradicts, earliest first, and says which side it stands on', () => {
      const decrease = (time: string, ballotsIssued: number, otherTime: string, otherBallotsIssued: number, side: string) => ({
        code: 'TURNOUT_DECREASED' as const,
        field: 'ballotsIssued',
        message: `${side} report (${otherTime}) has ${otherBallotsIssued}`,
        operands: { time, ballotsIssued, otherTime, otherBallotsIssued },
      });
      // Recorded in the order 14:00, then 10:00 (a late earlier report): named in the order of the day.
      const day = [reported('t1', '14:00', 400), reported('t2', '10:00', 300)];
      given(day).when(turnout('t3', '16:00', 250)).then([
        { type: 'SubmissionRefused', data: { ...meta('t3'), kind: 'turnout', payload: { time: '16:00', ballotsIssued: 250, version: 1 }, reasons: [decrease('16:00', 250, '10:00', 300, 'an earlier'), decrease('16:00', 250, '14:00', 400, 'an earlier')] } },
      ]);
      given(day).when(turnout('t3', '12:00', 450)).then([
        { type: 'SubmissionRefused', data: { ...meta('t3'), kind: 'turnout', payload: { time: '12:00', ballotsIssued: 450, version: 1 }, reasons: [decrease('12:00', 450, '14:00', 400, 'a later')] } },
      ]);
    });

    it('refuses a report by anyone but the precinct itself', () => {
      given([]).when(turnout('t1', '10:00', 120, { submittedBy: 'alm-d1' })).then([
        refused(meta('t1', { submittedBy: 'alm-d1' }), 'turnout', [{ code: 'OUT_OF_SCOPE', field: 'submittedBy', operands: { submittedBy: 'alm-d1', precinctId: 'p1' } }], { time: '10:00', ballotsIssued: 120, version: 1 }),
      ]);
    });

    it('a second report for the same time replaces the first, and later reports are judged against it', () => {
      given([reported('t1', '10:00', 120)]).when(turnout('t2', '10:00', 110, {}, 2)).then([reported('t2', '10:00', 110, 2)]);
      given([reported('t1', '10:00', 120), reported('t2', '10:00', 110, 2)]).when(turnout('t3', '12:00', 115)).then([reported('t3', '12:00', 115)]);
      given([reported('t1', '10:00', 120), reported('t2', '12:00', 200)]).when(turnout('t3', '10:00', 210, {}, 2)).then([
        refused(meta('t3'), 'turnout', [{ code: 'TURNOUT_DECREASED', field: 'ballotsIssued', operands: { time: '10:00', ballotsIssued: 210, otherTime: '12:00', otherBallotsIssued: 200 } }], { time: '10:00', ballotsIssued: 210, version: 2 }),
      ]);
    });

    it('accepts a report after the final protocol: late data is still data', () => {
      given([recorded('s1')]).when(turnout('t1', '20:00', 600)).then([reported('t1', '20:00', 600)]);
    });

    it('refuses a report for an unknown precinct', () => {
      given([]).when(turnout('t1', '10:00', 1, { precinctId: 'p9' })).then([
        refused(meta('t1', { precinctId: 'p9' }), 'turnout', [{ code: 'UNKNOWN_PRECINCT', field: 'precinctId', operands: { precinctId: 'p9' } }], { time: '10:00', ballotsIssued: 1, version: 1 }),
      ]);
    });
  });

  describe('versions (scheme v2): every signed subject fixes its place in the history', () => {
    it('refuses a v1 body, which names no version, with every other reason, keeping the v1 payload', () => {
      given([]).when(submit('s1', broken, {}, null)).then([
        refused(meta('s1'), 'protocol', [{ code: 'VERSION_REQUIRED', field: 'version' }, { code: 'BALLOTS_RECEIVED_MISMATCH', field: 'protocol.ballotsReceived', operands: { ballotsReceived: 701, ballotsIssued: 600, ballotsCancelled: 100, ballotsLost: 0 } }], broken),
      ]);
      given([]).when(turnout('t1', '10:00', 120, {}, null)).then([refused(meta('t1'), 'turnout', [{ code: 'VERSION_REQUIRED', field: 'version' }], { time: '10:00', ballotsIssued: 120 })]);
      const cmd = correct('c1', protocol(390), 'alm-d1', { version: null });
      given([recorded('s1')]).when(cmd).then([refused(cmd.meta, 'correction', [{ code: 'VERSION_REQUIRED', field: 'version' }], { protocol: protocol(390), reason: cmd.reason })]);
    });

    it('a protocol is version 1', () => {
      given([]).when(submit('s1', protocol(), {}, 2)).then([refused(meta('s1'), 'protocol', [{ code: 'FUTURE_VERSION', field: 'version', operands: { version: 2, expected: 1 } }], { protocol: protocol(), version: 2 })]);
    });

    it('a correction signs current + 1: at or below the current version is stale, beyond the next is from the future', () => {
      const history = [recorded('s1'), corrected('c1', protocol(390), 'alm-d1', 2, 's1')];
      for (const version of [1, 2]) {
        const cmd = correct('c2', protocol(380), 'alm-d1', { version });
        given(history).when(cmd).then([
          refused(cmd.meta, 'correction', [{ code: 'STALE_VERSION', field: 'version', operands: { version, current: 2 } }], { protocol: protocol(380), reason: cmd.reason, version }),
        ]);
      }
      const future = correct('c2', protocol(380), 'alm-d1', { version: 5 });
      given(history).when(future).then([
        refused(future.meta, 'correction', [{ code: 'FUTURE_VERSION', field: 'version', operands: { version: 5, expected: 3 } }], { protocol: protocol(380), reason: future.reason, version: 5 }),
      ]);
      given(history).when(correct('c2', protocol(380), 'alm-d1', { version: 3 })).then([corrected('c2', protocol(380), 'alm-d1', 3, 'c1')]);
    });

    it("a turnout report signs its time's version: 1 for the first report, then current + 1; the figure never goes back", () => {
      given([]).when(turnout('t1', '12:00', 100, {}, 2)).then([
        refused(meta('t1'), 'turnout', [{ code: 'FUTURE_VERSION', field: 'version', operands: { version: 2, expected: 1 } }], { time: '12:00', ballotsIssued: 100, version: 2 }),
      ]);
      const history = [reported('t1', '12:00', 100), reported('t2', '12:00', 150, 2)];
      given(history).when(turnout('t3', '12:00', 100, {}, 2)).then([
        refused(meta('t3'), 'turnout', [{ code: 'STALE_VERSION', field: 'version', operands: { version: 2, current: 2 } }], { time: '12:00', ballotsIssued: 100, version: 2 }),
      ]);
      given(history).when(turnout('t3', '12:00', 160, {}, 3)).then([reported('t3', '12:00', 160, 3)]);
      // Each time has its own versions.
      given(history).when(turnout('t3', '14:00', 200)).then([reported('t3', '14:00', 200)]);
    });

    it('refuses a recorded body re-sent under another submission id as REPLAYED, that alone among the stream reasons', () => {
      const a = { ...meta('t1', signed('sig-A')) };
      const history = [reported('t1', '12:00', 100, 1, signed('sig-A')), reported('t2', '12:00', 150, 2, signed('sig-B'))];
      given(history).when(turnout('t3', '12:00', 100, signed('sig-A'), 1)).then([
        refused({ ...a, submissionId: 't3' }, 'turnout', [{ code: 'REPLAYED', field: 'signature.value', operands: { submissionId: 't1', version: 1 } }], { time: '12:00', ballotsIssued: 100, version: 1 }),
      ]);
      given([recorded('s1', protocol(), signed('sig-P'))]).when(submit('s2', protocol(), signed('sig-P'))).then([
        refused(meta('s2', signed('sig-P')), 'protocol', [{ code: 'REPLAYED', field: 'signature.value', operands: { submissionId: 's1', version: 1 } }], { protocol: protocol(), version: 1 }),
      ]);
      const old = correct('c3', protocol(390), 'alm-d1', { version: 2 });
      const replayed: CorrectProtocol = { ...old, meta: meta('c3', { submittedBy: 'alm-d1', ...signed('sig-C1') }) };
      given([recorded('s1'), corrected('c1', protocol(390), 'alm-d1', 2, 's1', undefined, signed('sig-C1')), corrected('c2', protocol(380), 'alm-d1', 3, 'c1')]).when(replayed).then([
        refused(replayed.meta, 'correction', [{ code: 'REPLAYED', field: 'signature.value', operands: { submissionId: 'c1', version: 2 } }], { protocol: protocol(390), reason: old.reason, version: 2 }),
      ]);
    });

    it("keeps only recorded facts' signatures: a refused body sent again is judged anew", () => {
      const first = refused(meta('t1', signed('sig-A')), 'turnout', [{ code: 'ISSUED_EXCEEDS_REGISTERED', field: 'ballotsIssued' }], { time: '10:00', ballotsIssued: 1001, version: 1 });
      given([first]).when(turnout('t2', '10:00', 1001, signed('sig-A'))).then([
        refused(meta('t2', signed('sig-A')), 'turnout', [{ code: 'ISSUED_EXCEEDS_REGISTERED', field: 'ballotsIssued', operands: { ballotsIssued: 1001, registeredVoters: 1000 } }], { time: '10:00', ballotsIssued: 1001, version: 1 }),
      ]);
      const state = [first, reported('t3', '10:00', 120, 1, signed('sig-B'))].reduce(evolve, initialState());
      expect(state.signatures).toEqual(new Map([['sig-B', { submissionId: 't3', version: 1 }]]));
    });

    it('folds v1-era events: a turnout report without a version is version 1, and the next one signs 2', () => {
      const v1era = [reported('t1', '10:00', 120, null), reported('t2', '10:00', 110, null)];
      expect(v1era.reduce(evolve, initialState()).turnout.get('10:00')).toEqual({ ballotsIssued: 110, submissionId: 't2', version: 1 });
      given(v1era).when(turnout('t3', '10:00', 130, {}, 1)).then([
        refused(meta('t3'), 'turnout', [{ code: 'STALE_VERSION', field: 'version', operands: { version: 1, current: 1 } }], { time: '10:00', ballotsIssued: 130, version: 1 }),
      ]);
      given(v1era).when(turnout('t3', '10:00', 130, {}, 2)).then([reported('t3', '10:00', 130, 2)]);
    });

    it('re-decides history recorded before v2 by the rules of then, when an auditor says so (beforeV2)', () => {
      const auditor = DeciderSpecification.for(precinctDecider, { election, beforeV2: true });
      const v1era = [reported('t1', '10:00', 120, null, signed('sig-A'))];
      // A v1 report replaced its time's figure, carried no version, and nothing checked replays.
      auditor(v1era).when(turnout('t2', '10:00', 110, {}, null)).then([reported('t2', '10:00', 110, null)]);
      auditor(v1era).when(turnout('t2', '10:00', 120, signed('sig-A'), null)).then([reported('t2', '10:00', 120, null, signed('sig-A'))]);
      auditor([recorded('s1')]).when(correct('c1', protocol(390), 'alm-d1', { version: null })).then([corrected('c1', protocol(390), 'alm-d1', 2, 's1')]);
      // The same v1-era body sent to the recorder today: refused for its missing version, and
      // named a replay of the fact it was recorded as (the replay check is skipped for the auditor only).
      given(v1era).when(turnout('t2', '10:00', 120, signed('sig-A'), null)).then([
        refused(meta('t2', signed('sig-A')), 'turnout', [
          { code: 'VERSION_REQUIRED', field: 'version' },
          { code: 'REPLAYED', field: 'signature.value', operands: { submissionId: 't1', version: 1 } },
        ], { time: '10:00', ballotsIssued: 120 }),
      ]);
      // A v2 command is judged by v2 rules all the same.
      auditor(v1era).when(turnout('t2', '10:00', 110, {}, 1)).then([
        refused(meta('t2'), 'turnout', [{ code: 'STALE_VERSION', field: 'version', operands: { version: 1, current: 1 } }], { time: '10:00', ballotsIssued: 110, version: 1 }),
      ]);
    });
  });

  describe('test and live epochs: the count of a test night never becomes the live one', () => {
    const test = { test: true } as const;

    it('the live count starts empty: a protocol and turnout recorded in test mode do not stand in the way of live ones', () => {
      const testNight = [recorded('t1', protocol(), test), reported('t2', '12:00', 300, 1, test)];
      given(testNight).when(submit('l1')).then([recorded('l1')]);
      // 100 at 10:00 is below the test's 300 at 12:00, and is no decrease: that figure is not the live night's.
      given(testNight).when(turnout('l2', '10:00', 100)).then([reported('l2', '10:00', 100)]);
      given(testNight).when(turnout('l2', '12:00', 250)).then([reported('l2', '12:00', 250)]);
    });

    it('a body signed for the test night and sent again live is the same body: REPLAYED', () => {
      given([recorded('t1', protocol(), { ...test, ...signed('sig-T') })]).when(submit('l1', protocol(), signed('sig-T'))).then([
        refused(meta('l1', signed('sig-T')), 'protocol', [{ code: 'REPLAYED', field: 'signature.value', operands: { submissionId: 't1', version: 1 } }], { protocol: protocol(), version: 1 }),
      ]);
    });

    it('epochs only go forward: a test fact recorded after live ones (a recorder late to learn of the switch) keeps its signature, never the live facts’ place', () => {
      const late = [recorded('l1'), recorded('t2', protocol(390), { ...test, ...signed('sig-T') }), reported('t3', '12:00', 300, 1, test)];
      given(late).when(submit('l4')).then([
        refused(meta('l4'), 'protocol', [{ code: 'ALREADY_RECORDED', field: 'protocol.contestId', operands: { contestId: 'city-list', version: 1, submissionId: 'l1' } }], { protocol: protocol(), version: 1 }),
      ]);
      given(late).when(correct('c1', protocol(380), 'alm-d1')).then([corrected('c1', protocol(380), 'alm-d1', 2, 'l1')]);
      given(late).when(turnout('l5', '10:00', 100)).then([reported('l5', '10:00', 100)]);
      given(late).when(submit('l6', protocol(390), signed('sig-T'))).then([
        refused(meta('l6', signed('sig-T')), 'protocol', [{ code: 'REPLAYED', field: 'signature.value', operands: { submissionId: 't2', version: 1 } }], { protocol: protocol(390), version: 1 }),
      ]);
    });
  });

  describe('evolve', () => {
    it('folds the history into the current version per contest, the turnout, and the ids seen', () => {
      const history: PrecinctEvent[] = [
        recorded('s1'),
        corrected('c1', protocol(390), 'alm-d1', 2, 's1'),
        reported('t1', '10:00', 120),
        reported('t2', '10:00', 110, 2),
        refused(meta('x1'), 'protocol', [], null),
      ];
      const state = history.reduce(evolve, initialState());
      expect(state.contests).toEqual(new Map([['city-list', { version: 2, submissionId: 'c1', protocol: protocol(390) }]]));
      expect(state.turnout).toEqual(new Map([['10:00', { ballotsIssued: 110, submissionId: 't2', version: 2 }]]));
      expect(state.seen).toEqual(new Set(['s1', 'c1', 't1', 't2', 'x1']));
    });

    it('returns a new state and leaves the old one as it was', () => {
      const before = initialState();
      const after = evolve(before, recorded('s1'));
      expect(before).toEqual(initialState());
      expect(after.contests.get('city-list')?.version).toBe(1);
    });
  });

  it('the spec helper fails when the decided events differ', () => {
    expect(() => given([]).when(submit('s1')).then([recorded('s2')])).toThrow(/differ at \$\[0\]\.data\.submissionId/);
    expect(() => given([]).when(submit('s1')).thenNothingHappened()).toThrow(/expected no events/);
  });
});

// Each spec below holds a rule a mutant of the decider changed unseen (tools/mutate, `submissions`).
describe('precinct decider: what its mutants showed', () => {
  const test = { test: true } as const;
  const givenWith = (more: Omit<PrecinctDeciderContext, 'election'>) => DeciderSpecification.for(precinctDecider, { election, ...more });
  const reasonsOf = (event: PrecinctEvent) => (event as SubmissionRefused).data.reasons;

  it('currentVersion reads a contest’s protocol version and a time’s turnout version, 0 for neither recorded', () => {
    const state = [recorded('s1'), corrected('c1', protocol(390), 'alm-d1', 2, 's1'), reported('t1', '10:00', 120), reported('t2', '10:00', 130, 2)].reduce(evolve, initialState());
    expect(currentVersion(state, { contestId: 'city-list' })).toBe(2);
    expect(currentVersion(state, { contestId: 'city-d1' })).toBe(0);
    expect(currentVersion(state, { time: '10:00' })).toBe(2);
    expect(currentVersion(state, { time: '12:00' })).toBe(0);
  });

  it('a test night keeps its own facts: a second test protocol is ALREADY_RECORDED, and a test correction supersedes the test protocol', () => {
    const testNight = [recorded('t1', protocol(), test)];
    given(testNight).when(submit('t2', protocol(), test)).then([
      refused(meta('t2', test), 'protocol', [{ code: 'ALREADY_RECORDED', field: 'protocol.contestId', operands: { contestId: 'city-list', version: 1, submissionId: 't1' } }], { protocol: protocol(), version: 1 }),
    ]);
    const correction: CorrectProtocol = { ...correct('t3', protocol(390), 'alm-d1'), meta: meta('t3', { submittedBy: 'alm-d1', ...test }) };
    given(testNight).when(correction).then([corrected('t3', protocol(390), 'alm-d1', 2, 't1', undefined, test)]);
  });

  it('a test refusal recorded after live facts adds no signature, and a v1-era test turnout report after them keeps its signature as version 1', () => {
    const live = [recorded('l1')];
    const before = live.reduce(evolve, initialState());
    const afterRefusal = evolve(before, refused(meta('t2', { ...test, ...signed('sig-R') }), 'protocol', [], null));
    expect(afterRefusal.signatures).toEqual(before.signatures);
    expect(afterRefusal.seen.has('t2')).toBe(true);
    const late = [...live, reported('t3', '12:00', 300, null, { ...test, ...signed('sig-U') })];
    given(late).when(turnout('l4', '12:00', 300, signed('sig-U'))).then([
      refused(meta('l4', signed('sig-U')), 'turnout', [{ code: 'REPLAYED', field: 'signature.value', operands: { submissionId: 't3', version: 1 } }], { time: '12:00', ballotsIssued: 300, version: 1 }),
    ]);
  });

  it('an auditor re-deciding v1-era history (beforeV2) still calls a v2 body that repeats a recorded signature REPLAYED', () => {
    const auditor = givenWith({ beforeV2: true });
    auditor([reported('t1', '10:00', 120, 1, signed('sig-A'))]).when(turnout('t2', '12:00', 150, signed('sig-A'))).then([
      refused(meta('t2', signed('sig-A')), 'turnout', [{ code: 'REPLAYED', field: 'signature.value', operands: { submissionId: 't1', version: 1 } }], { time: '12:00', ballotsIssued: 150, version: 1 }),
    ]);
  });

  it('FUTURE_VERSION says which version is next', () => {
    const [event] = given([recorded('s1')]).when(correct('c1', protocol(390), 'alm-d1', { version: 4 })).events();
    expect(event).toMatchObject({ type: 'SubmissionRefused', data: { reasons: [{ code: 'FUTURE_VERSION', message: 'version 4 skips ahead: the next version is 2', operands: { version: 4, expected: 2 } }] } });
  });

  it('judges a protocol by the election’s own rules: registered voters not checked when they say off', () => {
    const listChanged: Protocol = { ...protocol(), registeredVoters: 990 };
    const relaxed = givenWith({ rules: { registeredVoters: 'off' } });
    relaxed([]).when(submit('s1', listChanged)).then([recorded('s1', listChanged)]);
    relaxed([recorded('s1')]).when(correct('c1', listChanged, 'alm-d1')).then([corrected('c1', listChanged, 'alm-d1', 2, 's1')]);
    const [strict] = given([]).when(submit('s1', listChanged)).events();
    expect(strict.type).toBe('SubmissionRefused');
  });

  it('refuses a correction of a contest the election lacks, with its other reasons', () => {
    const p = { ...protocol(), contestId: 'nowhere' };
    given([recorded('s1')]).when(correct('c1', p, 'alm-d1', { reason: ' ' })).then([
      refused(meta('c1', { submittedBy: 'alm-d1' }), 'correction', [
        { code: 'REASON_REQUIRED', field: 'reason' },
        { code: 'UNKNOWN_CONTEST', field: 'protocol.contestId', operands: { contestId: 'nowhere' } },
      ], { protocol: p, reason: ' ', version: 2 }),
    ]);
  });

  it('a malformed version is refused for that alone: not also stale against the current one', () => {
    given([recorded('s1')]).when(correct('c1', protocol(390), 'alm-d1', { version: 0 })).then([
      refused(meta('c1', { submittedBy: 'alm-d1' }), 'correction', [{ code: 'MALFORMED', field: 'version', operands: { version: '0' } }], { protocol: protocol(390), reason: 'recount ordered by the district commission', version: 0 }),
    ]);
    given([reported('t1', '10:00', 120)]).when(turnout('t2', '10:00', 130, {}, 0)).then([
      refused(meta('t2'), 'turnout', [{ code: 'MALFORMED', field: 'version', operands: { version: '0' } }], { time: '10:00', ballotsIssued: 130, version: 0 }),
    ]);
  });

  it('refuses a correction under a body whose seats are certified, naming the body; a first protocol is still taken', () => {
    const certified = givenWith({ certifiedBodies: new Set(['city']) });
    const [event] = certified([recorded('s1')]).when(correct('c1', protocol(390), 'alm-d1')).events();
    expect(event).toStrictEqual(
      refused(meta('c1', { submittedBy: 'alm-d1' }), 'correction', [{ code: 'RESULTS_CERTIFIED', field: 'protocol.contestId', operands: { contestId: 'city-list', bodyId: 'city' } }], {
        protocol: protocol(390),
        reason: 'recount ordered by the district commission',
        version: 2,
      }),
    );
    expect(reasonsOf(event)[0].message).toBe('the seats of city are certified: a correction under it needs their decertification first');
    certified([]).when(submit('s1')).then([recorded('s1')]);
    givenWith({ certifiedBodies: new Set(['elsewhere']) })([recorded('s1')]).when(correct('c1', protocol(390), 'alm-d1')).then([corrected('c1', protocol(390), 'alm-d1', 2, 's1')]);
  });

  it('a report at a time that is no reporting time is refused for that, not also for the figures of the real times', () => {
    // 23:59 is no reporting time; judged against 10:00's 500, its 100 would read as a decrease.
    const [event] = given([reported('t1', '10:00', 500)]).when(turnout('t2', '23:59', 100)).events();
    expect(reasonsOf(event).map((r) => `${r.code}@${r.field}`)).toEqual(['UNKNOWN_TURNOUT_TIME@time']);
  });

  it('names contradicted reports earliest first, in whatever order they were recorded', () => {
    // A late-arriving earlier report: 12:00 recorded before 10:00. Both are above 14:00's 200.
    for (const history of [[reported('t1', '10:00', 300), reported('t2', '12:00', 400)], [reported('t2', '12:00', 400), reported('t1', '10:00', 300)]]) {
      const [event] = given(history).when(turnout('t4', '14:00', 200)).events();
      expect(reasonsOf(event).map((r) => [r.code, r.operands?.otherTime, r.message])).toEqual([
        ['TURNOUT_DECREASED', '10:00', 'an earlier report (10:00) has 300'],
        ['TURNOUT_DECREASED', '12:00', 'an earlier report (12:00) has 400'],
      ]);
    }
  });
});
