import { almatyCity2023Definition, almatyCity2023Protocols, indexElection, type PrecinctCommand } from '@tally/domain';
import { demoKeyPair, signSubmission, verifySigner, verifySubmissionSigner, withDemoKeys, type SignedSubject } from './index';

const election = indexElection(withDemoKeys(almatyCity2023Definition()));
const [first] = almatyCity2023Protocols();
const P = first.precinctId;
const subject: SignedSubject = { kind: 'protocol', electionId: election.definition.id, precinctId: P, contestId: first.contestId, protocol: first.protocol };
const own = demoKeyPair(P);
const signed = signSubmission(subject, own.keyId, own.privateKeyPem);
const at = '2023-03-19T15:00:00.000Z';

describe('verifySigner (intake and the recorder)', () => {
  it('names the commission whose key verifies, with or without a claim that agrees', () => {
    for (const submittedBy of [undefined, P]) {
      expect(verifySigner(election, { subject, signature: signed, submittedBy, at })).toMatchObject({ ok: true, commission: { id: P }, keyId: own.keyId, signature: signed });
    }
  });

  it('says what is wrong, with the field at fault', () => {
    const other = demoKeyPair('almaty-p002');
    const cases: [Parameters<typeof verifySigner>[1], object][] = [
      [{ subject, signature: null, at }, { problem: 'unsigned', field: 'signature' }],
      [{ subject: undefined, signature: signed, at }, { problem: 'unsignable', field: 'protocol', operands: { keyId: own.keyId } }],
      [{ subject, signature: { ...signed, keyId: 'stolen-laptop' }, at }, { problem: 'unknown-key', field: 'signature.keyId', operands: { keyId: 'stolen-laptop', problem: 'unknown-key' } }],
      [
        { subject, signature: signSubmission(subject, own.keyId, other.privateKeyPem), at },
        { problem: 'invalid-signature', field: 'signature.value', operands: { keyId: own.keyId, problem: 'invalid-signature' } },
      ],
      // A forged claim: the key is P's, the sender says it is p002.
      [
        { subject, signature: signed, submittedBy: 'almaty-p002', at },
        { problem: 'not-the-submitter', field: 'signature.keyId', operands: { keyId: own.keyId, problem: 'not-the-submitter', submittedBy: 'almaty-p002', signer: P } },
      ],
      // A claim of a commission that has no such key, signed by nobody's key.
      [
        { subject, signature: signSubmission(subject, own.keyId, other.privateKeyPem), submittedBy: 'almaty-p002', at },
        { problem: 'unknown-key', message: `no commission almaty-p002 of election ${election.definition.id} has a key ${own.keyId}` },
      ],
    ];
    for (const [claim, expected] of cases) expect(verifySigner(election, claim)).toMatchObject({ ok: false, ...expected });
  });

  it('checks a queued command over the subject rebuilt from it, against its submittedBy', () => {
    const meta = { submissionId: 's1', electionId: election.definition.id, precinctId: P, submittedBy: P, receivedAt: at, signature: signed };
    const command: PrecinctCommand = { type: 'SubmitProtocol', meta, protocol: first.protocol };
    expect(verifySubmissionSigner(election, command)).toMatchObject({ ok: true, commission: { id: P } });
    expect(verifySubmissionSigner(election, { ...command, meta: { ...meta, submittedBy: 'almaty-p002' } })).toMatchObject({ ok: false, problem: 'not-the-submitter' });
    expect(verifySubmissionSigner(election, { ...command, protocol: { ...first.protocol, invalid: first.protocol.invalid + 1 } })).toMatchObject({
      ok: false,
      problem: 'invalid-signature',
    });
    expect(verifySubmissionSigner(election, { ...command, protocol: { contestId: 'x' } as never })).toMatchObject({ ok: false, problem: 'unsignable' });
    expect(verifySubmissionSigner(election, { ...command, meta: { ...meta, signature: null } })).toMatchObject({ ok: false, problem: 'unsigned' });
  });
});
