import { decodeEnvelope, encodeEnvelope, toCommand, type SubmissionEnvelope } from './submission-envelope';

const common = {
  v: 1 as const,
  submissionId: '6f1d0a57-8d43-4c55-9d59-3d1b8c3a0c01',
  electionId: 'almaty-2023',
  precinctId: 'p1',
  submittedBy: 'p1',
  receivedAt: '2023-03-19T15:00:00.000Z',
  signature: null,
};

describe('submission envelope', () => {
  it('decodes what it encodes, and turns each kind into its precinct command', () => {
    const turnout: SubmissionEnvelope = { ...common, kind: 'turnout', time: '10:00', ballotsIssued: 12 };
    const decoded = decodeEnvelope(encodeEnvelope(turnout));
    expect(decoded).toEqual({ ok: true, envelope: turnout });
    const meta = { submissionId: common.submissionId, electionId: 'almaty-2023', precinctId: 'p1', submittedBy: 'p1', receivedAt: common.receivedAt, signature: null };
    expect(toCommand(turnout)).toEqual({ type: 'ReportTurnout', meta, time: '10:00', ballotsIssued: 12 });
    expect(toCommand({ ...common, kind: 'protocol', protocol: { any: 'thing' } })).toEqual({ type: 'SubmitProtocol', meta, protocol: { any: 'thing' } });
    expect(toCommand({ ...common, submittedBy: 'd1', kind: 'correction', protocol: {}, reason: 'typo' })).toMatchObject({
      type: 'CorrectProtocol',
      meta: { submittedBy: 'd1' },
      reason: 'typo',
    });
  });

  it('says why bytes are not an envelope', () => {
    expect(decodeEnvelope(Buffer.from('{"v":1'))).toEqual({ ok: false, reason: expect.stringMatching(/^not JSON/) });
    const wrong = decodeEnvelope(Buffer.from(JSON.stringify({ ...common, submissionId: 'x', kind: 'turnout', time: '10:00', ballotsIssued: 1 })));
    expect(wrong).toEqual({ ok: false, reason: expect.stringContaining('submissionId') });
    expect(decodeEnvelope(Buffer.from(JSON.stringify({ ...common, kind: 'turnout', time: '10:00', ballotsIssued: 1, extra: true })))).toMatchObject({ ok: false });
  });
});
