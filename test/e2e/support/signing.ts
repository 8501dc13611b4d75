// Signed request bodies for the commission endpoints, made with the demo keys
// (libs/signatures demo-keys.ts) of a definition passed through withDemoKeys. Signed under
// tally-submission-v2: each body names its version, the place it takes in the precinct's history
// (a protocol: 1; a correction: the version it creates; a turnout report: its time's version).
import type { Protocol } from '@tally/domain';
import { demoKeyPair, signSubmission, normalizeProtocol, type SignedSubject } from '@tally/signatures';

export function signedProtocolBody(electionId: string, precinctId: string, protocol: Protocol, signer = precinctId, version = 1): Record<string, unknown> {
  const normal = normalizeProtocol(protocol) ?? protocol;
  const subject: SignedSubject = { kind: 'protocol', electionId, precinctId, contestId: protocol.contestId, protocol: normal, version };
  const key = demoKeyPair(signer);
  return { protocol, version, signature: signSubmission(subject, key.keyId, key.privateKey) };
}

/** `version`: the one this correction creates, the contest's current version + 1 (2 for the first correction). */
export function signedCorrectionBody(
  electionId: string,
  precinctId: string,
  contestId: string,
  protocol: Protocol,
  reason: string,
  signer: string,
  version: number,
): Record<string, unknown> {
  const normal = normalizeProtocol(protocol) ?? protocol;
  const subject: SignedSubject = { kind: 'correction', electionId, precinctId, contestId, protocol: normal, reason, version };
  const key = demoKeyPair(signer);
  return { protocol, reason, version, signature: signSubmission(subject, key.keyId, key.privateKey) };
}

/** `version`: the time's current version + 1 (1 for the first report of that time). */
export function signedTurnoutBody(electionId: string, precinctId: string, time: string, ballotsIssued: number, signer = precinctId, version = 1): Record<string, unknown> {
  const subject: SignedSubject = { kind: 'turnout', electionId, precinctId, time, ballotsIssued, version };
  const key = demoKeyPair(signer);
  return { time, ballotsIssued, version, signature: signSubmission(subject, key.keyId, key.privateKey) };
}
