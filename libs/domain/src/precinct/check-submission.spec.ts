import { indexElection } from '../election/election-index';
import { ALMATY_2023_LIST_CONTEST, almatyCity2023Definition, almatyCity2023Protocols } from '../fixtures';
import type { Protocol } from '../protocol/protocol';
import { checkSubmission, checkVersion, MAX_VERSION, type SubmissionRefusals, type SubmissionToCheck } from './check-submission';

const definition = almatyCity2023Definition();
const election = indexElection(definition);
const P = 'almaty-p001';
const precinct = election.precinct(P)!;
const district = precinct.parent!;
const otherDistrict = definition.commissions.find((c) => c.level === 'district' && c.id !== district)!.id;
const elsewhere = definition.contests.find((c) => !precinct.contests.includes(c.id))!.id;
const good: Protocol = almatyCity2023Protocols(definition).find((p) => p.precinctId === P && p.contestId === ALMATY_2023_LIST_CONTEST)!.protocol;

const meta = (submittedBy = P, precinctId = P) => ({ electionId: definition.id, precinctId, submittedBy });
/** `version`: the signed one (a protocol is 1; a correction here 2); null for a v1 body, which names none. */
const submit = (protocol: unknown, submittedBy?: string, version: number | null = 1): SubmissionToCheck => ({ type: 'SubmitProtocol', meta: meta(submittedBy), protocol: protocol as Protocol, ...(version === null ? {} : { version }) });
const correct = (protocol: unknown, submittedBy: string, reason = 'recount', version: number | null = 2): SubmissionToCheck => ({ type: 'CorrectProtocol', meta: meta(submittedBy), protocol: protocol as Protocol, reason, ...(version === null ? {} : { version }) });

// Every refusal says why in words, not only by its code: a commission reads the message.
const said = (x: { code: string; field: string; message: string }) => (/\S/.test(x.message) ? `${x.code}@${x.field}` : `${x.code}@${x.field} WITHOUT A MESSAGE`);
/** code@field per group, the empty groups left out. */
const shape = (r: SubmissionRefusals): Record<string, string[]> =>
  Object.fromEntries(Object.entries(r).filter(([, list]) => list.length > 0).map(([group, list]) => [group, list.map(said)]));

describe('checkSubmission', () => {
  it('passes a protocol its precinct submits, and gives back the precinct, the contest and the parsed protocol', () => {
    const check = checkSubmission(submit(good), election);
    expect(shape(check.refusals)).toEqual({});
    expect(check).toMatchObject({ precinct: { id: P }, contest: { id: ALMATY_2023_LIST_CONTEST }, protocol: good });
  });

  it('judges nothing else without the place', () => {
    const wrongElection = checkSubmission({ ...submit({}), meta: { ...meta(), electionId: 'elsewhere' } }, election);
    expect(wrongElection.refusals.place).toEqual([expect.objectContaining({ code: 'UNKNOWN_ELECTION', operands: { electionId: 'elsewhere', expected: definition.id } })]);
    const check = checkSubmission({ ...submit({}, 'nobody'), meta: meta('nobody', 'almaty-p999') }, election);
    expect(shape(check.refusals)).toEqual({ place: ['UNKNOWN_PRECINCT@precinctId'] });
    expect(check.refusals.place[0].operands).toEqual({ precinctId: 'almaty-p999' });
    expect(check.precinct).toBeUndefined();
  });

  it('fills every group at once: scope, and the relations of the protocol', () => {
    const broken = { ...good, ballotsReceived: good.ballotsReceived + 1 };
    const check = checkSubmission(submit(broken, district), election);
    expect(shape(check.refusals)).toEqual({ scope: ['OUT_OF_SCOPE@submittedBy'], relations: ['BALLOTS_RECEIVED_MISMATCH@protocol.ballotsReceived'] });
    expect(check.refusals.scope[0].operands).toEqual({ submittedBy: district, precinctId: P });
    expect(check.refusals.scope[0].message).toBe(`only precinct commission ${P} submits its protocols`);
    expect(check.protocol).toBeUndefined();
  });

  it('does not judge the relations without a contest known and voted at the precinct', () => {
    expect(shape(checkSubmission(submit({ ...good, contestId: 'senate', invalid: -1 }), election).refusals)).toEqual({ contest: ['UNKNOWN_CONTEST@protocol.contestId'] });
    expect(shape(checkSubmission(submit({ ...good, contestId: elsewhere }), election).refusals)).toEqual({ contest: ['CONTEST_NOT_AT_PRECINCT@protocol.contestId'] });
    expect(shape(checkSubmission(submit({ votes: {} }), election).refusals)).toEqual({ contest: ['MALFORMED@protocol.contestId'] });
    // A body whose protocol is no object at all is refused the same way, not thrown on.
    for (const protocol of [null, undefined, 'a protocol', 7]) expect(shape(checkSubmission(submit(protocol), election).refusals)).toEqual({ contest: ['MALFORMED@protocol.contestId'] });
  });

  describe('corrections', () => {
    it('are made by a territorial commission above the precinct, the central one included, with a reason', () => {
      expect(shape(checkSubmission(correct(good, district), election).refusals)).toEqual({});
      expect(shape(checkSubmission(correct(good, 'cec'), election).refusals)).toEqual({});
      for (const by of [P, 'almaty-p002', otherDistrict, 'nobody']) {
        expect(shape(checkSubmission(correct(good, by), election).refusals)).toEqual({ scope: ['OUT_OF_SCOPE@submittedBy'] });
      }
      expect(checkSubmission(correct(good, 'nobody'), election).refusals.scope[0].message).toBe(`only a territorial commission above precinct ${P} corrects its protocols; nobody is not one`);
      expect(shape(checkSubmission(correct(good, district, ' \n'), election).refusals)).toEqual({ reason: ['REASON_REQUIRED@reason'] });
      // A reason that is no text (a client's bug, or a hand-made message) is refused the same way, not thrown on.
      for (const reason of [42, null, undefined, { text: 'recount' }]) {
        expect(shape(checkSubmission({ ...correct(good, district), reason } as unknown as SubmissionToCheck, election).refusals)).toEqual({ reason: ['REASON_REQUIRED@reason'] });
      }
    });

    it('name the contest apart from the protocol when the caller has it (the URL), and the protocol must be for it', () => {
      expect(shape(checkSubmission(correct(good, district), election, { contestId: 'senate' }).refusals)).toEqual({ contest: ['UNKNOWN_CONTEST@contestId'] });
      expect(shape(checkSubmission(correct(good, district), election, { contestId: elsewhere }).refusals)).toEqual({ contest: ['CONTEST_NOT_AT_PRECINCT@contestId'] });
      const other = precinct.contests.find((c) => c !== ALMATY_2023_LIST_CONTEST)!;
      expect(shape(checkSubmission(correct(good, district), election, { contestId: other }).refusals).relations).toContain('CONTEST_MISMATCH@protocol.contestId');
    });
  });

  describe('turnout', () => {
    const turnout = (time: string, ballotsIssued: number, submittedBy = P): SubmissionToCheck => ({ type: 'ReportTurnout', meta: meta(submittedBy), time, ballotsIssued, version: 1 });

    it('is reported by the precinct itself, at a reporting time, within its voter list', () => {
      expect(checkSubmission(turnout('10:00', 12), election)).toMatchObject({ refusals: { scope: [], relations: [] }, turnout: { time: '10:00', ballotsIssued: 12 } });
      expect(shape(checkSubmission(turnout('11:00', precinct.registeredVoters + 1, district), election).refusals)).toEqual({
        scope: ['OUT_OF_SCOPE@submittedBy'],
        relations: ['UNKNOWN_TURNOUT_TIME@time', 'ISSUED_EXCEEDS_REGISTERED@ballotsIssued'],
      });
      expect(checkSubmission(turnout('10:00', 12, district), election).refusals.scope[0].message).toBe(`only precinct commission ${P} reports its turnout`);
    });
  });

  describe('the version (scheme tally-submission-v2)', () => {
    it('is required: a v1 body names none', () => {
      const check = checkSubmission(submit(good, P, null), election);
      expect(shape(check.refusals)).toEqual({ version: ['VERSION_REQUIRED@version'] });
      // The rest is still judged: a protocol that is fine otherwise.
      expect(check.protocol).toEqual(good);
      expect(shape(checkSubmission(correct(good, district, 'recount', null), election).refusals)).toEqual({ version: ['VERSION_REQUIRED@version'] });
    });

    it('is a whole number from 1, and 1 for a protocol', () => {
      for (const version of [0, -1, 1.5, Number.NaN, 1_000_001]) {
        expect(checkVersion(submit(good, P, version))).toEqual([expect.objectContaining({ code: 'MALFORMED', field: 'version', operands: { version: String(version) } })]);
      }
      expect(checkVersion(submit(good, P, 2))).toEqual([expect.objectContaining({ code: 'FUTURE_VERSION', field: 'version', operands: { version: 2, expected: 1 } })]);
      expect(shape(checkSubmission(submit(good, P, 2), election).refusals)).toEqual({ version: ['FUTURE_VERSION@version'] });
      // Whether a correction's or a turnout report's version is the next one is the stream's question.
      expect(checkVersion(correct(good, district, 'recount', 7))).toEqual([]);
      // The bound is inclusive, and the refusal says it.
      expect(checkVersion(correct(good, district, 'recount', MAX_VERSION))).toEqual([]);
      expect(checkVersion(correct(good, district, 'recount', MAX_VERSION + 1))[0].message).toBe('a version is a whole number from 1 to 1000000');
    });

    it('is not asked of history recorded before v2, when an auditor re-decides it', () => {
      expect(checkVersion(submit(good, P, null), { beforeV2: true })).toEqual([]);
      expect(shape(checkSubmission(submit(good, P, null), election, { beforeV2: true }).refusals)).toEqual({});
    });

    it('is judged after the place, like everything else', () => {
      const check = checkSubmission({ ...submit(good, P, null), meta: meta(P, 'almaty-p999') }, election);
      expect(shape(check.refusals)).toEqual({ place: ['UNKNOWN_PRECINCT@precinctId'] });
    });
  });
});
