// The public API of @tally/signatures: the signed encoding of a submission, of a key
// amendment and of a commission's act on the count, Ed25519 keys, and the deterministic demo keys.
export {
  encodeSignedSubject,
  normalizeProtocol,
  schemeOf,
  SIGNATURE_SCHEME,
  SIGNATURE_SCHEME_V1,
  SIGNATURE_SCHEME_V2,
  SIGNATURE_SCHEMES,
  signedFields,
  type SignatureScheme,
  type SignedSubject,
} from './canonical-encoding';
export {
  generateEd25519KeyPair,
  keyPairFromSeed,
  privateKeyFromPem,
  publicKeyProblem,
  rawKeyBytes,
  rawPublicKey,
  signatureBytes,
  signBytes,
  verifyBytes,
  type Ed25519KeyPair,
} from './ed25519';
export {
  findSigner,
  signedSubjectOfCommand,
  signedSubjectOfEvent,
  signerCandidates,
  signSubmission,
  verifySubmissionSignature,
  type FindSignerOptions,
  type KeySource,
  type SignerCheck,
} from './submission-signature';
export { signatureJobs, submissionClaim, verdictsOf, verifySigner, verifySubmissionSigner, type SignedClaim, type SignerProblem, type SignerVerdict } from './submission-signer';
export { CoalescingVerifier, Ed25519VerifyPool, VERIFY_BATCH, type VerifyAnswer, type VerifyJob } from './ed25519-pool';
export { VerifiedChecks } from './verified-checks';
export { AMENDMENT_SCHEME, amendmentFields, encodeAmendment, signAmendment, verifyAmendmentSignature, type UnsignedAmendment } from './amendment-signature';
export { DEMO_KEY_LABEL, demoKeyId, demoKeyPair, usesDemoKeys, withDemoKeys, type DemoKeyPair } from './demo-keys';
export { ACT_SCHEME, actFields, encodeAct, signAct, verifyActSignature, votesDigest, type UnsignedAct } from './act-signature';
