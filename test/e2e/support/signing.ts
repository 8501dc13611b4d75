// Signed request bodies for the commission endpoints, made with the demo keys
// (libs/signatures demo-keys.ts) of a definition passed through withDemoKeys.
import type { Protocol } from '@tally/domain';
import { demoKeyPair, signSubmission, normalizeProtocol, type SignedSubject } from '@tally/signatures';

export function signedProtocolBody(electionId: string, precinctId: string, protocol: Protocol, signer = precinctId): Record<string, unknown> {
  const normal = normalizeProtocol(protocol) ?? protocol;
  const subject: SignedSubject = { kind: 'protocol', electionId, precinctId, contestId: protocol.contestId, protocol: normal };
  const key = demoKeyPair(signer);
  return { protocol, signature: signSubmission(subject, key.keyId, key.privateKeyPem) };
}

export function signedCorrectionBody(electionId: string, precinctId: string, contestId: string, protocol: Protocol, reason: string, signer: string): Record<string, unknown> {
  const normal = normalizeProtocol(protocol) ?? protocol;
  const subject: SignedSubject = { kind: 'correction', electionId, precinctId, contestId, protocol: normal, reason };
  const key = demoKeyPair(signer);
  return { protocol, reason, signature: signSubmission(subject, key.keyId, key.privateKeyPem) };
}

export function signedTurnoutBody(electionId: string, precinctId: string, time: string, ballotsIssued: number, signer = precinctId): Record<string, unknown> {
  const subject: SignedSubject = { kind: 'turnout', electionId, precinctId, time, ballotsIssued };
  const key = demoKeyPair(signer);
  return { time, ballotsIssued, signature: signSubmission(subject, key.keyId, key.privateKeyPem) };
}
