import { decodeEnvelope, encodeEnvelope, MAX_ENVELOPE_BYTES, toCommand, type SubmissionEnvelope } from './submission-envelope';

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
    expect(decodeEnvelope(Buffer.from('{"v":1'))).toEqual({ ok: false, code: 'UNDECODABLE', reason: expect.stringMatching(/^not JSON/) });
    const wrong = decodeEnvelope(Buffer.from(JSON.stringify({ ...common, submissionId: 'x', kind: 'turnout', time: '10:00', ballotsIssued: 1 })));
    expect(wrong).toEqual({ ok: false, code: 'UNDECODABLE', reason: expect.stringContaining('submissionId') });
    expect(decodeEnvelope(Buffer.from(JSON.stringify({ ...common, kind: 'turnout', time: '10:00', ballotsIssued: 1, extra: true })))).toMatchObject({ ok: false });
  });

  it('refuses bytes that are not UTF-8 (instead of reading U+FFFD into them), and more bytes than an envelope may have', () => {
    const turnout = encodeEnvelope({ ...common, kind: 'turnout', time: '10:00', ballotsIssued: 12 });
    // The same envelope with an invalid byte inside a string: JSON.parse of toString('utf8') would accept it.
    const broken = Buffer.from(turnout.toString('utf8').replace('p1', 'p\u00ff1'), 'latin1');
    expect(decodeEnvelope(broken)).toEqual({ ok: false, code: 'UNDECODABLE', reason: 'not UTF-8' });
    const padded = Buffer.concat([turnout.subarray(0, -1), Buffer.from(`,"pad":"${'x'.repeat(MAX_ENVELOPE_BYTES)}"}`)]);
    expect(decodeEnvelope(padded)).toEqual({ ok: false, code: 'TOO_LARGE', reason: `${padded.length} bytes; an envelope has at most ${MAX_ENVELOPE_BYTES}` });
  });
});
