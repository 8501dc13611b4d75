// Signing and checking a commission's submission, live at intake and years later in an audit:
// both call `verifySubmissionSignature` on the same encoding.
import type { KeyObject } from 'node:crypto';
import { judgeSignature, keysNamed, type Commission, type ElectionDefinition, type KeyRing, type PrecinctCommand, type PrecinctEvent, type RingKey, type SubmissionSignature } from '@tally/domain';
import { encodeSignedSubject, normalizeProtocol, SIGNATURE_SCHEME_V2, type SignedSubject } from './canonical-encoding';
import { signBytes, verifyBytes } from './ed25519';

/** A v2 subject (one naming its version) gets a signature that says so; a v1 one, none (as recorded before v2). */
export function signSubmission(subject: SignedSubject, keyId: string, privateKey: KeyObject | string): SubmissionSignature {
  const value = signBytes(privateKey, encodeSignedSubject(subject));
  return subject.version === undefined ? { keyId, value } : { keyId, value, scheme: SIGNATURE_SCHEME_V2 };
}

/** The version a subject rebuilt from a record carries: only under the scheme its signature names. */
const versioned = (signature: SubmissionSignature | null, version: number | undefined): { version?: number } =>
  signature?.scheme === SIGNATURE_SCHEME_V2 && version !== undefined ? { version } : {};

/**
 * The subject a command's signature covers, as the recorder checks it before deciding anything.
 * Undefined when the command carries no well-formed protocol (nothing could have been signed).
 */
export function signedSubjectOfCommand(command: PrecinctCommand): SignedSubject | undefined {
  const { electionId, precinctId, signature } = command.meta;
  switch (command.type) {
    case 'SubmitProtocol': {
      const protocol = normalizeProtocol(command.protocol);
      return protocol && { kind: 'protocol', electionId, precinctId, contestId: protocol.contestId, protocol, ...versioned(signature, command.version) };
    }
    case 'CorrectProtocol': {
      const protocol = normalizeProtocol(command.protocol);
      const reason = command.reason;
      return protocol && typeof reason === 'string'
        ? { kind: 'correction', electionId, precinctId, contestId: protocol.contestId, protocol, reason, ...versioned(signature, command.version) }
        : undefined;
    }
    case 'ReportTurnout':
      return typeof command.time === 'string' && typeof command.ballotsIssued === 'number'
        ? { kind: 'turnout', electionId, precinctId, time: command.time, ballotsIssued: command.ballotsIssued, ...versioned(signature, command.version) }
        : undefined;
    default: {
      const never: never = command;
      throw new TypeError(`unknown precinct command ${JSON.stringify(never)}`);
    }
  }
}

/** True when `signature` is a valid Ed25519 signature of the subject's encoding under the raw base64 public key. */
export function verifySubmissionSignature(subject: SignedSubject, signature: SubmissionSignature, publicKey: string): boolean {
  return verifyBytes(publicKey, encodeSignedSubject(subject), signature.value);
}

export type SignerCheck =
  | { readonly ok: true; readonly commission: Commission; readonly keyId: string }
  | { readonly ok: false; readonly problem: 'unknown-key' | 'invalid-signature'; readonly keyId: string }
  /** The key made the signature but was not valid at `at`: revoked from an earlier instant, or valid only from a later one. */
  | { readonly ok: false; readonly problem: 'revoked-key' | 'not-yet-valid'; readonly keyId: string; readonly key: RingKey };

/**
 * Where the keys come from: an election's key ring (`ElectionIndex.keys`: the definition's keys
 * folded with its amendments, each valid from/until an instant), or bare commissions (a
 * definition without amendments, whose keys are valid at every instant).
 */
export type KeySource = KeyRing | Pick<ElectionDefinition, 'commissions'>;

export interface FindSignerOptions {
  /**
   * The instant the signature is judged at: when the submission was received (intake: the
   * request's; the recorder: the envelope's; an auditor: the recorded event's). A key not valid
   * then is `revoked-key` or `not-yet-valid`. Without it only keys valid at every instant count.
   */
  readonly at?: string;
  /**
   * Answers already computed for this subject and signature, by public key (an auditor's worker
   * threads, `Ed25519VerifyPool`); a key without one is verified here.
   */
  readonly verdicts?: ReadonlyMap<string, boolean>;
}

/** The keys that may have made a signature with this key id (of `submittedBy` only, when given). */
export const signerCandidates = (keys: KeySource, keyId: string, submittedBy?: string): readonly RingKey[] =>
  'commissions' in keys ? keysNamed(keys.commissions, keyId, submittedBy) : keys.named(keyId, submittedBy);

/**
 * Which commission signed the subject. The key id is looked up among every commission's keys
 * (only `submittedBy`'s when given); a key id shared by two commissions is resolved by the
 * signature itself, so no lookup order can let one sign for the other. Which key counts when is
 * the domain's `judgeSignature`, the rule amendments are judged by too.
 */
export function findSigner(
  keys: KeySource,
  subject: SignedSubject,
  signature: SubmissionSignature,
  submittedBy?: string,
  options: FindSignerOptions = {},
): SignerCheck {
  const candidates = signerCandidates(keys, signature.keyId, submittedBy);
  const verdict = judgeSignature(candidates, signature.keyId, options.at, (publicKey) => options.verdicts?.get(publicKey) ?? verifySubmissionSignature(subject, signature, publicKey));
  return verdict.ok ? { ok: true, commission: verdict.key.commission, keyId: verdict.key.keyId } : verdict;
}

/**
 * The subject a recorded precinct event's signature covers, rebuilt from the event alone
 * (for an auditor). Undefined for a refusal whose payload is not a protocol: there is nothing
 * well-formed to have signed.
 */
export function signedSubjectOfEvent(event: PrecinctEvent): SignedSubject | undefined {
  const { electionId, precinctId, signature } = event.data;
  switch (event.type) {
    case 'ProtocolRecorded':
      return { kind: 'protocol', electionId, precinctId, contestId: event.data.contestId, protocol: event.data.protocol, ...versioned(signature, event.data.version) };
    case 'ProtocolCorrected':
      return {
        kind: 'correction',
        electionId,
        precinctId,
        contestId: event.data.contestId,
        protocol: event.data.protocol,
        reason: event.data.reason,
        ...versioned(signature, event.data.version),
      };
    case 'TurnoutReported':
      return { kind: 'turnout', electionId, precinctId, time: event.data.time, ballotsIssued: event.data.ballotsIssued, ...versioned(signature, event.data.version ?? 1) };
    case 'SubmissionRefused': {
      const payload = event.data.payload as Record<string, unknown> | null;
      if (typeof payload !== 'object' || payload === null) return undefined;
      // A v2 refusal keeps the signed version in its payload (`version`), as received; a v2
      // protocol's payload is then { protocol, version } (a v1 protocol's payload is the protocol).
      const version = typeof payload.version === 'number' ? payload.version : undefined;
      const v2Protocol = event.data.kind === 'protocol' && version !== undefined && 'protocol' in payload;
      if (event.data.kind === 'turnout') {
        const { time, ballotsIssued } = payload;
        return typeof time === 'string' && typeof ballotsIssued === 'number'
          ? { kind: 'turnout', electionId, precinctId, time, ballotsIssued, ...versioned(signature, version) }
          : undefined;
      }
      const protocol = normalizeProtocol(event.data.kind === 'protocol' && !v2Protocol ? payload : payload.protocol);
      if (!protocol) return undefined;
      if (event.data.kind === 'protocol') return { kind: 'protocol', electionId, precinctId, contestId: protocol.contestId, protocol, ...versioned(signature, version) };
      const reason = payload.reason;
      return typeof reason === 'string' ? { kind: 'correction', electionId, precinctId, contestId: protocol.contestId, protocol, reason, ...versioned(signature, version) } : undefined;
    }
    default: {
      const never: never = event;
      throw new TypeError(`unknown precinct event ${JSON.stringify(never)}`);
    }
  }
}
