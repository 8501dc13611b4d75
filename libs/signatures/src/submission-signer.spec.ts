import { almatyCity2023Definition, almatyCity2023Protocols, indexElection, type PrecinctCommand } from '@tally/domain';
import { CoalescingVerifier, demoKeyPair, Ed25519VerifyPool, signatureJobs, signSubmission, verdictsOf, verifySigner, verifySubmissionSigner, withDemoKeys, type SignedClaim, type SignedSubject, type VerifyJob } from './index';

const election = indexElection(withDemoKeys(almatyCity2023Definition()));
const [first] = almatyCity2023Protocols();
const P = first.precinctId;
const subject: SignedSubject = { kind: 'protocol', electionId: election.definition.id, precinctId: P, contestId: first.contestId, protocol: first.protocol };
const own = demoKeyPair(P);
const signed = signSubmission(subject, own.keyId, own.privateKeyPem);
const at = '2023-03-19T15:00:00.000Z';

/** Claims verifySigner refuses, with what it says. */
function wrongClaims(): [SignedClaim, object][] {
  const other = demoKeyPair('almaty-p002');
  return [
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
}

describe('verifySigner (intake and the recorder)', () => {
  it('names the commission whose key verifies, with or without a claim that agrees', () => {
    for (const submittedBy of [undefined, P]) {
      expect(verifySigner(election, { subject, signature: signed, submittedBy, at })).toMatchObject({ ok: true, commission: { id: P }, keyId: own.keyId, signature: signed });
    }
  });

  it('says what is wrong, with the field at fault', () => {
    for (const [claim, expected] of wrongClaims()) expect(verifySigner(election, claim)).toMatchObject({ ok: false, ...expected });
  });

  it('says why in words a commission can act on', () => {
    const [unsigned, unsignable, unknown, invalid, forged] = wrongClaims().map(([claim]) => verifySigner(election, claim));
    expect(unsigned).toMatchObject({ message: "a submission carries its commission's Ed25519 signature: { keyId, value }" });
    expect(unsignable).toMatchObject({ message: 'the protocol is malformed, so no signature can cover it' });
    expect(unknown).toMatchObject({ message: `no commission of election ${election.definition.id} has a key stolen-laptop` });
    expect(invalid).toMatchObject({ message: `the signature does not verify under key ${own.keyId}: sign the canonical encoding of exactly this submission (see the README)` });
    expect(forged).toMatchObject({ message: `the signature is by ${P}'s key ${own.keyId}, not by a key of almaty-p002 (submittedBy)` });
  });

  it('refuses a key that signed outside its validity, naming its bound and the instant', () => {
    const from = '2023-03-19T14:00:00.000Z';
    const revoked = election.withKeys(election.keys.amend({ amendment: { kind: 'revoke-key', commissionId: P, keyId: own.keyId, from }, receivedAt: '2023-03-19T13:00:00.000Z' }));
    expect(verifySigner(revoked, { subject, signature: signed, at: '2023-03-19T13:59:59.999Z' })).toMatchObject({ ok: true, commission: { id: P } });
    expect(verifySigner(revoked, { subject, signature: signed, submittedBy: P, at })).toEqual({
      ok: false,
      problem: 'revoked-key',
      field: 'signature.keyId',
      message: `key ${own.keyId} of ${P} is revoked from ${from}; received at ${at}`,
      operands: { keyId: own.keyId, problem: 'revoked-key', commissionId: P, receivedAt: at, revokedFrom: from },
    });
    const added = election.withKeys(
      election.keys.amend({ amendment: { kind: 'add-key', commissionId: P, key: { keyId: 'p-late', publicKey: own.publicKey }, validFrom: '2023-03-19T16:00:00.000Z' }, receivedAt: at }),
    );
    const late = signSubmission(subject, 'p-late', own.privateKeyPem);
    expect(verifySigner(added, { subject, signature: late, at })).toMatchObject({ ok: false, problem: 'not-yet-valid', field: 'signature.keyId', operands: { validFrom: '2023-03-19T16:00:00.000Z' } });
  });

  it('names the real signer of a forged claim by a key valid only from an instant, judged at the receipt', () => {
    const validFrom = '2023-03-19T12:00:00.000Z';
    const added = election.withKeys(election.keys.amend({ amendment: { kind: 'add-key', commissionId: P, key: { keyId: 'p-new', publicKey: own.publicKey }, validFrom }, receivedAt: validFrom }));
    const signature = signSubmission(subject, 'p-new', own.privateKeyPem);
    expect(verifySigner(added, { subject, signature, submittedBy: 'almaty-p002', at })).toMatchObject({ ok: false, problem: 'not-the-submitter', operands: { signer: P } });
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

describe('the Ed25519 checks run ahead, on worker threads (signatureJobs, verdictsOf)', () => {
  const pool = new Ed25519VerifyPool(1);
  const verifier = new CoalescingVerifier(pool);
  afterAll(() => pool.close());

  const ahead = async (claim: SignedClaim) => {
    const jobs = signatureJobs(election, claim);
    return { jobs, verdicts: verdictsOf(jobs, await verifier.verify(jobs)) };
  };

  it('judge every claim as the checks inline do', async () => {
    const claims: SignedClaim[] = [{ subject, signature: signed, at }, { subject, signature: signed, submittedBy: P, at }, ...wrongClaims().map(([claim]) => claim)];
    for (const claim of claims) {
      const { verdicts } = await ahead(claim);
      expect(verifySigner(election, { ...claim, verdicts })).toEqual(verifySigner(election, claim));
    }
  });

  it('are the checks verifySigner would run: one per key the claim may name, none when there is nothing to verify', async () => {
    const { jobs, verdicts } = await ahead({ subject, signature: signed, at });
    expect(jobs).toHaveLength(1);
    expect(jobs[0].publicKey).toBe(own.publicKey);
    expect([...verdicts]).toEqual([[own.publicKey, true]]);
    expect(signatureJobs(election, { subject, signature: null, at })).toEqual([]);
    expect(signatureJobs(election, { subject: undefined, signature: signed, at })).toEqual([]);
    expect(signatureJobs(election, { subject, signature: { ...signed, keyId: 'stolen-laptop' }, at })).toEqual([]);
  });

  it('decide: a verdict given is taken, a key without one is verified inline', () => {
    const [job] = signatureJobs(election, { subject, signature: signed, at });
    expect(verifySigner(election, { subject, signature: signed, at, verdicts: new Map([[job.publicKey, false]]) })).toMatchObject({ ok: false, problem: 'invalid-signature' });
    expect(verifySigner(election, { subject, signature: signed, at, verdicts: new Map() })).toMatchObject({ ok: true, commission: { id: P } });
    // An undecided answer (the worker could not run it) is no verdict.
    expect([...verdictsOf([job], [undefined])]).toEqual([]);
  });

  it('asked for in one turn of the event loop, go to the pool together, each caller answered its own', async () => {
    const calls: number[] = [];
    const fake = { verify: async (jobs: readonly VerifyJob[]) => (calls.push(jobs.length), jobs.map((j) => j.signature === 'yes')) };
    const coalescing = new CoalescingVerifier(fake);
    const job = (signature: string): VerifyJob => ({ publicKey: own.publicKey, message: Buffer.from('m'), signature });
    const answers = await Promise.all([coalescing.verify([job('yes'), job('no')]), coalescing.verify([]), coalescing.verify([job('no'), job('no'), job('yes')])]);
    expect(answers).toEqual([[true, false], [], [false, false, true]]);
    expect(calls).toEqual([5]);
    await coalescing.verify([job('yes')]);
    expect(calls).toEqual([5, 1]);
  });
});
