import { ALMATY_2023_LIST_CONTEST, almatyCity2023Definition, almatyCity2023Protocols, indexElection, type Protocol } from '@tally/domain';
import { demoKeyPair, signSubmission, withDemoKeys } from '@tally/signatures';
import { signedCorrectionBody, signedProtocolBody, signedTurnoutBody } from '../../../../test/e2e/support/signing';
import { statusOfAll } from '../http/problem';
import type { SubmissionRequest } from './accept-submission.command';
import { judgeSubmission, type Judgement } from './judge-submission';

const definition = withDemoKeys(almatyCity2023Definition());
const election = indexElection(definition);
const E = definition.id;
const P = 'almaty-p005';
const district = definition.commissions.find((c) => c.id === P)!.parent!;
const good: Protocol = almatyCity2023Protocols(almatyCity2023Definition()).find((p) => p.precinctId === P && p.contestId === ALMATY_2023_LIST_CONTEST)!.protocol;
const notHere = definition.contests.find((c) => !election.precinct(P)!.contests.includes(c.id))!.id;

const request = (kind: SubmissionRequest['kind'], body: unknown, over: Partial<SubmissionRequest> = {}): SubmissionRequest => ({
  kind,
  electionId: E,
  precinctId: P,
  body,
  receivedAt: '2023-03-19T15:00:00.000Z',
  ...over,
});

/** The answer as a commission sees it: the status, and each problem's code, field and operands. */
const answer = (j: Judgement) =>
  j.ok ? { ok: true, submittedBy: j.submittedBy } : { status: statusOfAll(j.problems), problems: j.problems.map(({ code, field, operands }) => ({ code, field, ...(operands ? { operands } : {}) })) };

describe('judgeSubmission: what intake answers', () => {
  it('accepts a protocol signed by its precinct, and a correction signed by the district above it', () => {
    expect(answer(judgeSubmission(request('protocol', signedProtocolBody(E, P, good)), election))).toEqual({ ok: true, submittedBy: P });
    const correction = signedCorrectionBody(E, P, ALMATY_2023_LIST_CONTEST, good, 'recount', district, 2);
    expect(answer(judgeSubmission(request('correction', correction, { contestId: ALMATY_2023_LIST_CONTEST }), election))).toEqual({ ok: true, submittedBy: district });
  });

  it('names an unknown precinct in the election of the URL, before it looks at the signature', () => {
    const j = judgeSubmission(request('protocol', signedProtocolBody(E, 'almaty-p999', good), { precinctId: 'almaty-p999' }), election);
    expect(answer(j)).toEqual({ status: 404, problems: [{ code: 'UNKNOWN_PRECINCT', field: 'precinctId', operands: { electionId: E, precinctId: 'almaty-p999' } }] });
  });

  it('answers a malformed protocol before the signature that cannot cover it', () => {
    const body = { ...signedProtocolBody(E, P, good), protocol: { ...good, invalid: '10' } };
    expect(answer(judgeSubmission(request('protocol', body), election))).toEqual({ status: 400, problems: [{ code: 'MALFORMED', field: 'protocol.invalid' }] });
  });

  it('names the scope by the key that signed', () => {
    const j = judgeSubmission(request('protocol', signedProtocolBody(E, P, good, district)), election);
    expect(answer(j)).toEqual({ status: 403, problems: [{ code: 'OUT_OF_SCOPE', field: 'signature.keyId', operands: { submittedBy: district, precinctId: P } }] });
    expect(!j.ok && j.problems[0].message).toMatch(new RegExp(`the key belongs to ${district}$`));
    const turnout = judgeSubmission(request('turnout', signedTurnoutBody(E, P, '10:00', 10, district)), election);
    expect(answer(turnout)).toMatchObject({ status: 403, problems: [{ code: 'OUT_OF_SCOPE', field: 'signature.keyId' }] });
  });

  it('answers the scope alone, and the reason with the control relations', () => {
    const byPrecinct = signedCorrectionBody(E, P, ALMATY_2023_LIST_CONTEST, { ...good, invalid: -1 }, ' ', P, 2);
    expect(answer(judgeSubmission(request('correction', byPrecinct, { contestId: ALMATY_2023_LIST_CONTEST }), election))).toMatchObject({ status: 403, problems: [{ code: 'OUT_OF_SCOPE' }] });
    const byDistrict = signedCorrectionBody(E, P, ALMATY_2023_LIST_CONTEST, { ...good, invalid: -1 }, ' ', district, 2);
    expect(answer(judgeSubmission(request('correction', byDistrict, { contestId: ALMATY_2023_LIST_CONTEST }), election)).problems?.map((p) => p.code)).toEqual(['REASON_REQUIRED', 'NOT_A_COUNT']);
  });

  it('refuses a contest not voted at the precinct as the decider does: that alone, before the signature', () => {
    const body = { ...signedProtocolBody(E, P, { ...good, contestId: notHere }), signature: { keyId: `demo-${P}`, value: 'AAAA' } };
    expect(answer(judgeSubmission(request('protocol', body), election))).toEqual({
      status: 422,
      problems: [{ code: 'CONTEST_NOT_AT_PRECINCT', field: 'protocol.contestId', operands: { contestId: notHere, precinctId: P } }],
    });
    const correction = signedCorrectionBody(E, P, 'no-such-contest', good, 'recount', district, 2);
    expect(answer(judgeSubmission(request('correction', correction, { contestId: 'no-such-contest' }), election))).toMatchObject({ status: 422, problems: [{ code: 'UNKNOWN_CONTEST', field: 'contestId' }] });
  });

  describe('the version (scheme tally-submission-v2)', () => {
    it('is carried into the envelope with the scheme its signature was verified under', () => {
      const j = judgeSubmission(request('turnout', signedTurnoutBody(E, P, '12:00', 100, P, 3)), election);
      expect(j).toMatchObject({ ok: true, content: { kind: 'turnout', time: '12:00', ballotsIssued: 100, version: 3 }, signature: { keyId: `demo-${P}`, scheme: 'tally-submission-v2' } });
      const correction = judgeSubmission(request('correction', signedCorrectionBody(E, P, ALMATY_2023_LIST_CONTEST, good, 'recount', district, 4), { contestId: ALMATY_2023_LIST_CONTEST }), election);
      expect(correction).toMatchObject({ ok: true, content: { kind: 'correction', version: 4 } });
    });

    it('is required: a v1 body is answered VERSION_REQUIRED (422) naming the field, before its signature', () => {
      const { version: _v, ...v1 } = signedProtocolBody(E, P, good);
      expect(answer(judgeSubmission(request('protocol', v1), election))).toEqual({ status: 422, problems: [{ code: 'VERSION_REQUIRED', field: 'version' }] });
      const { version: _w, signature: _s, ...unsigned } = signedTurnoutBody(E, P, '10:00', 10);
      expect(answer(judgeSubmission(request('turnout', unsigned), election))).toEqual({ status: 422, problems: [{ code: 'VERSION_REQUIRED', field: 'version' }] });
      // After the place and the protocol's shape, as every other problem of the body.
      expect(answer(judgeSubmission(request('protocol', { ...v1, protocol: { ...good, invalid: '10' } }), election))).toMatchObject({ status: 400, problems: [{ code: 'MALFORMED', field: 'protocol.invalid' }] });
    });

    it('is a whole number from 1, and 1 for a protocol', () => {
      expect(answer(judgeSubmission(request('protocol', { ...signedProtocolBody(E, P, good), version: '1' }), election))).toMatchObject({ status: 400, problems: [{ code: 'MALFORMED', field: 'version' }] });
      expect(answer(judgeSubmission(request('turnout', { ...signedTurnoutBody(E, P, '10:00', 10), version: 0 }), election))).toEqual({ status: 400, problems: [{ code: 'MALFORMED', field: 'version', operands: { version: '0' } }] });
      expect(answer(judgeSubmission(request('protocol', signedProtocolBody(E, P, good, P, 2)), election))).toEqual({ status: 409, problems: [{ code: 'FUTURE_VERSION', field: 'version', operands: { version: 2, expected: 1 } }] });
    });

    it('is covered by the signature: a body signed under v1, or for another version, does not verify', () => {
      const key = demoKeyPair(P);
      const v1 = signSubmission({ kind: 'turnout', electionId: E, precinctId: P, time: '10:00', ballotsIssued: 10 }, key.keyId, key.privateKeyPem);
      expect(answer(judgeSubmission(request('turnout', { time: '10:00', ballotsIssued: 10, version: 1, signature: { keyId: v1.keyId, value: v1.value } }), election))).toMatchObject({
        status: 401,
        problems: [{ code: 'BAD_SIGNATURE', field: 'signature.value' }],
      });
      const signedFor2 = signedTurnoutBody(E, P, '10:00', 10, P, 2);
      expect(answer(judgeSubmission(request('turnout', { ...signedFor2, version: 3 }), election))).toMatchObject({ status: 401, problems: [{ code: 'BAD_SIGNATURE' }] });
    });
  });

  it('judges the signature by the keys valid when the request was received: before, exactly at and after a revocation', () => {
    const revokedFrom = '2023-03-19T15:00:00.000Z';
    const amended = election.withKeys(election.keys.amend({ amendment: { kind: 'revoke-key', commissionId: P, keyId: `demo-${P}`, from: revokedFrom }, receivedAt: '2023-03-19T14:00:00Z' }));
    const body = signedTurnoutBody(E, P, '10:00', 10);
    expect(answer(judgeSubmission(request('turnout', body, { receivedAt: '2023-03-19T14:59:59.999Z' }), amended))).toEqual({ ok: true, submittedBy: P });
    for (const receivedAt of [revokedFrom, '2023-03-19T15:00:00.001Z']) {
      const j = judgeSubmission(request('turnout', body, { receivedAt }), amended);
      expect(answer(j)).toEqual({
        status: 401,
        problems: [{ code: 'BAD_SIGNATURE', field: 'signature.keyId', operands: { keyId: `demo-${P}`, problem: 'revoked-key', commissionId: P, revokedFrom, receivedAt } }],
      });
      expect(!j.ok && j.problems[0].message).toBe(`key demo-${P} of ${P} is revoked from ${revokedFrom}; received at ${receivedAt}`);
    }
    // The election as defined still takes the key: the amendment lives in the index's key ring.
    expect(answer(judgeSubmission(request('turnout', body), election))).toEqual({ ok: true, submittedBy: P });
  });
});
