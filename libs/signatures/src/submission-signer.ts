// Who signed a submission: the ONE check intake (before the queue) and the recorder (after it)
// both run, so that what a signature proves is decided in one place. The key decides who
// submits; a sender's claim (`submittedBy`) is only compared with it.
import { describeKeyOutsideValidity, type Commission, type ElectionIndex, type PrecinctCommand, type SubmissionSignature } from '@tally/domain';
import { encodeSignedSubject, type SignedSubject } from './canonical-encoding';
import type { VerifyAnswer, VerifyJob } from './ed25519-pool';
import { findSigner, signedSubjectOfCommand, signerCandidates } from './submission-signature';

export type SignerProblem =
  /** No signature at all. */
  | 'unsigned'
  /** The submission is too malformed to have been signed (its protocol has no canonical form). */
  | 'unsignable'
  /** No commission (of the claimed one, when there is a claim) has a key of that id. */
  | 'unknown-key'
  /** The key exists, and the signature does not verify under it. */
  | 'invalid-signature'
  /** The signature verifies under another commission's key than the one claimed. */
  | 'not-the-submitter'
  /** The key made the signature but was revoked before the submission was received. */
  | 'revoked-key'
  /** The key made the signature but is valid only from a later instant. */
  | 'not-yet-valid';

export type SignerVerdict =
  | { readonly ok: true; readonly commission: Commission; readonly keyId: string; readonly signature: SubmissionSignature }
  | {
      readonly ok: false;
      readonly problem: SignerProblem;
      /** The field of the submission at fault, as intake names it in a refusal. */
      readonly field: string;
      readonly message: string;
      readonly operands?: Readonly<Record<string, string>>;
    };

export interface SignedClaim {
  /** What the signature must cover; undefined when nothing well-formed could have been signed. */
  readonly subject: SignedSubject | undefined;
  readonly signature: SubmissionSignature | null | undefined;
  /** The commission the sender says it is: optional in a request body, always in an envelope. */
  readonly submittedBy?: string;
  /**
   * ISO 8601 instant the key must be valid at: when intake received the submission. The election's
   * key ring (the definition folded with its amendments) says which keys are valid then.
   */
  readonly at: string;
  /**
   * Ed25519 answers already computed for this subject and signature, by public key (worker
   * threads: `signatureJobs`, `verdictsOf`). The judgement is the same; a key without an answer
   * is verified here.
   */
  readonly verdicts?: ReadonlyMap<string, boolean>;
}

/**
 * The Ed25519 checks verifySigner runs for a claim that verifies (the subject's encoding under each
 * key the claim's key id may name), to be run ahead of it on other threads. None when there is
 * nothing to verify: no signature, nothing signable, no key of that id.
 */
export function signatureJobs(election: Pick<ElectionIndex, 'keys'>, claim: SignedClaim): VerifyJob[] {
  const { subject, signature, submittedBy } = claim;
  if (!signature || !subject) return [];
  const candidates = signerCandidates(election.keys, signature.keyId, submittedBy);
  if (candidates.length === 0) return [];
  const message = encodeSignedSubject(subject);
  return candidates.map((key) => ({ publicKey: key.publicKey, message, signature: signature.value }));
}

/** The answers to signatureJobs as a claim's `verdicts`; an undecided one is left out, to be verified inline. */
export function verdictsOf(jobs: readonly VerifyJob[], answers: readonly VerifyAnswer[]): ReadonlyMap<string, boolean> {
  const verdicts = new Map<string, boolean>();
  jobs.forEach((job, i) => answers[i] !== undefined && verdicts.set(job.publicKey, answers[i]));
  return verdicts;
}

/** The commission whose key signed the claim's subject, or why there is none (with the field at fault). */
export function verifySigner(election: Pick<ElectionIndex, 'definition' | 'keys'>, claim: SignedClaim): SignerVerdict {
  const { subject, signature, submittedBy, at, verdicts } = claim;
  const { definition, keys } = election;
  if (!signature) return { ok: false, problem: 'unsigned', field: 'signature', message: "a submission carries its commission's Ed25519 signature: { keyId, value }" };
  if (!subject) return { ok: false, problem: 'unsignable', field: 'protocol', message: 'the protocol is malformed, so no signature can cover it', operands: { keyId: signature.keyId } };
  const found = findSigner(keys, subject, signature, submittedBy, { at, verdicts });
  if (found.ok) return { ok: true, commission: found.commission, keyId: found.keyId, signature };
  const { keyId } = signature;
  if (found.problem === 'revoked-key' || found.problem === 'not-yet-valid') {
    const outside = describeKeyOutsideValidity(found.key, found.problem, at);
    return { ok: false, problem: found.problem, field: 'signature.keyId', message: outside.message, operands: { keyId, problem: found.problem, ...outside.operands } };
  }
  if (submittedBy !== undefined) {
    // Looked up among the claimed commission's keys only: say whose key it is, if anyone's.
    const anyone = findSigner(keys, subject, signature, undefined, { at, verdicts });
    if (anyone.ok) {
      const signer = anyone.commission.id;
      const message = `the signature is by ${signer}'s key ${keyId}, not by a key of ${submittedBy} (submittedBy)`;
      return { ok: false, problem: 'not-the-submitter', field: 'signature.keyId', message, operands: { keyId, problem: 'not-the-submitter', submittedBy, signer } };
    }
  }
  const message =
    found.problem === 'unknown-key'
      ? `no commission${submittedBy === undefined ? '' : ` ${submittedBy}`} of election ${definition.id} has a key ${keyId}`
      : `the signature does not verify under key ${keyId}: sign the canonical encoding of exactly this submission (see the README)`;
  return { ok: false, problem: found.problem, field: found.problem === 'unknown-key' ? 'signature.keyId' : 'signature.value', message, operands: { keyId, problem: found.problem } };
}

/**
 * The recorder's check of a precinct command from the queue: its signature over the subject
 * rebuilt from the command, against the envelope's `submittedBy`, at its receipt.
 */
export function verifySubmissionSigner(election: Pick<ElectionIndex, 'definition' | 'keys'>, command: PrecinctCommand): SignerVerdict {
  return verifySigner(election, submissionClaim(command));
}

/** What a precinct command from the queue claims: its signature over the subject rebuilt from it, by its `submittedBy`, at its receipt. */
export function submissionClaim(command: PrecinctCommand): SignedClaim {
  const { signature, submittedBy, receivedAt } = command.meta;
  return { subject: signedSubjectOfCommand(command), signature, submittedBy, at: receivedAt };
}
