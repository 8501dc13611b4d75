// What intake can judge alone, in the order a commission needs the answers: the body's syntax,
// the election, the precinct, the protocol's shape, the contest, the version, the signature, the
// scope, then the correction's reason and the control relations. The version comes before the
// signature because a v2 signature covers it: a body without a valid version has nothing intake
// could verify (a v1 body is answered VERSION_REQUIRED, not BAD_SIGNATURE). Whether the version
// is the next one needs the stream: that is the decider's, after the queue.
//
// Intake adds only what it alone knows: the body's syntax, the election registry, and the
// signature, whose signer becomes the command's `submittedBy`. Every rule about the submission
// itself (place, scope, reason, contest, control relations) is the domain's checkSubmission, the
// same function the precinct decider runs again after the queue. Intake answers the first group
// that refuses and names it in its own terms: a precinct in the election of the URL, the scope by
// the key that signed, judged by the keys valid when the request was received (the index's key
// ring). Pure: the election index, the request and nothing else. In two steps (readRequest, then
// judgeRead) so the signature's Ed25519 check can run between them on another thread.
import {
  checkSubmission,
  checkVersion,
  ProtocolShape,
  refusalsFromZod,
  type Commission,
  type ElectionIndex,
  type Protocol,
  type Refusal,
  type SubmissionCheckOptions,
  type SubmissionSignature,
  type SubmissionToCheck,
} from '@tally/domain';
import { SIGNATURE_SCHEME_V2, verifySigner, type SignedClaim, type SignedSubject } from '@tally/signatures';
import { problem, type ProblemItem } from '../http/problem';
import { isIdempotencyKey } from '../submissions/submission-id';
import type { SubmissionRequest } from './accept-submission.command';
import { CorrectProtocolBody, ReportTurnoutBody, SubmitProtocolBody } from './intake-request.schemas';

/** What the envelope carries, the signed `version` included (present once accepted). */
export type AcceptedContent =
  | { readonly kind: 'protocol'; readonly protocol: unknown; readonly version?: number }
  | { readonly kind: 'correction'; readonly protocol: unknown; readonly reason: string; readonly supersedes?: string; readonly version?: number }
  | { readonly kind: 'turnout'; readonly time: string; readonly ballotsIssued: number; readonly version?: number };

/** What a commission's valid key signed, kept with a refusal of it so that an auditor can check the signature (`signedBy` names the commission). */
export interface SignedEvidence {
  readonly subject: SignedSubject;
  readonly signature: SubmissionSignature;
}

/** `signedBy`: the commission whose valid key signed what is refused (scope, reason, relations), and `signed` what it signed; absent before the signature verified. */
type Refused = {
  readonly ok: false;
  readonly problems: readonly ProblemItem[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly signedBy?: string;
  readonly signed?: SignedEvidence;
};

export type Judgement = { readonly ok: true; readonly submittedBy: string; readonly signature: SubmissionSignature; readonly content: AcceptedContent } | Refused;

const refuse = (...problems: ProblemItem[]): Refused => ({ ok: false, problems });

const SIGNATURE_CHALLENGE = { 'WWW-Authenticate': 'Signature realm="tally", algorithm="ed25519"' };

export function judgeSubmission(request: SubmissionRequest, election: ElectionIndex | undefined): Judgement {
  const read = readRequest(request, election);
  return read.ok ? judgeRead(read) : read;
}

/**
 * The request read up to its signature: refused already (syntax, election), or what the signature
 * claims, whose Ed25519 checks (`signatureJobs(election, claim)`) the caller may run ahead, on
 * other threads, and hand to judgeRead as verdicts.
 */
export type ReadRequest =
  | Refused
  | { readonly ok: true; readonly request: SubmissionRequest; readonly election: ElectionIndex; readonly read: ReadSubmission; readonly claim: SignedClaim | undefined };

export function readRequest(request: SubmissionRequest, election: ElectionIndex | undefined): ReadRequest {
  const { electionId } = request;
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return refuse(problem('MALFORMED', '', 'the body is a JSON object', { received: body === undefined ? 'nothing' : Array.isArray(body) ? 'array' : typeof body }));
  }
  const parsed = parseBody(request.kind, body);
  if (!parsed.success) return refuse(...parsed.problems);
  if (request.idempotencyKey !== undefined && !isIdempotencyKey(request.idempotencyKey)) {
    return refuse(problem('MALFORMED', 'Idempotency-Key', 'the Idempotency-Key header is 1 to 255 visible ASCII characters', { length: request.idempotencyKey.length }));
  }
  if (!election) return refuse(problem('UNKNOWN_ELECTION', 'electionId', `no election ${electionId} is defined here`, { electionId }));

  const read = readSubmission(request, parsed.data);
  // A v2 signature covers the version: with none, or an invalid one, there is nothing to verify.
  const subject = checkVersion(read.command('')).length === 0 ? read.subject : undefined;
  const claim = subject === undefined ? undefined : { subject, signature: read.signature, submittedBy: read.claimedBy, at: request.receivedAt };
  return { ok: true, request, election, read, claim };
}

/** The judgement of a request read, with the signature's verdicts when they were computed ahead. */
export function judgeRead(r: Extract<ReadRequest, { ok: true }>, verdicts?: SignedClaim['verdicts']): Judgement {
  const { request, election, read, claim } = r;
  const { electionId } = request;
  const signer = claim === undefined ? undefined : checkSigner(election, { ...claim, ...(verdicts ? { verdicts } : {}) });
  // The key decides who submits. Until it is known the scope cannot be judged, and it is not
  // answered: a signature problem comes first.
  const submittedBy = signer?.ok ? signer.commission.id : '';
  const { place, version, scope, reason, contest, relations } = checkSubmission(read.command(submittedBy), election, read.options).refusals;

  if (place.length > 0) return refuse(...place.map((r) => inElection(r, electionId)));
  if (read.malformed.length > 0) return refuse(...read.malformed);
  if (contest.length > 0) return refuse(...contest);
  if (version.length > 0 || signer === undefined) return refuse(...version);
  if (!signer.ok) return signer;
  // From here the signer is a known commission: its refusals are worth a record (the sink's call),
  // with what it signed (a verified signature implies a subject).
  const signed = claim?.subject ? { signedBy: submittedBy, signed: { subject: claim.subject, signature: signer.signature } } : { signedBy: submittedBy };
  if (scope.length > 0) return { ...refuse(...scope.map((r) => byKey(r, submittedBy))), ...signed };
  if (reason.length > 0 || relations.length > 0) return { ...refuse(...reason, ...relations), ...signed };
  return { ok: true, submittedBy, signature: signer.signature, content: read.content };
}

/** A body of one of the three kinds, as its schema parsed it. */
type Body = { readonly kind: 'protocol'; readonly body: SubmitProtocolBody } | { readonly kind: 'correction'; readonly body: CorrectProtocolBody } | { readonly kind: 'turnout'; readonly body: ReportTurnoutBody };

export interface ReadSubmission {
  /** The protocol's shape problems: syntax, for a signature covers a well-formed protocol only. */
  readonly malformed: readonly ProblemItem[];
  /** What the commission signed; undefined when the protocol is malformed. */
  readonly subject: SignedSubject | undefined;
  readonly signature: SubmissionSignature | undefined;
  /** The commission the client says it signs as (optional; the key decides). */
  readonly claimedBy: string | undefined;
  /** The precinct command it asks for, once the signer is known; the protocol as received. */
  readonly command: (submittedBy: string) => SubmissionToCheck;
  readonly options: SubmissionCheckOptions;
  readonly content: AcceptedContent;
}

function readSubmission(request: SubmissionRequest, parsed: Body): ReadSubmission {
  const { electionId, precinctId } = request;
  const meta = (submittedBy: string) => ({ electionId, precinctId, submittedBy });
  const common = { signature: parsed.body.signature, claimedBy: parsed.body.submittedBy };
  // The signed version goes into the subject, the command and the envelope alike; absent, it is absent from all three.
  const version = parsed.body.version === undefined ? {} : { version: parsed.body.version };
  if (parsed.kind === 'turnout') {
    const { time, ballotsIssued } = parsed.body;
    return {
      ...common,
      malformed: [],
      subject: { kind: 'turnout', electionId, precinctId, time, ballotsIssued, ...version },
      command: (submittedBy) => ({ type: 'ReportTurnout', meta: meta(submittedBy), time, ballotsIssued, ...version }),
      options: {},
      content: { kind: 'turnout', time, ballotsIssued, ...version },
    };
  }
  const received = parsed.body.protocol;
  const shape = ProtocolShape.safeParse(received);
  const malformed = shape.success ? [] : refusalsFromZod(received, shape.error.issues, 'protocol');
  // The command carries the protocol as received: the domain's relations parse it and name what is wrong.
  const protocol = received as Protocol;
  if (parsed.kind === 'correction') {
    const { reason, supersedes } = parsed.body;
    const contestId = request.contestId ?? '';
    return {
      ...common,
      malformed,
      subject: shape.success ? { kind: 'correction', electionId, precinctId, contestId, protocol: shape.data, reason, ...version } : undefined,
      command: (submittedBy) => ({ type: 'CorrectProtocol', meta: meta(submittedBy), protocol, reason, ...(supersedes ? { supersedes } : {}), ...version }),
      // The URL names the contest a correction is for; the protocol must be for it.
      options: { contestId },
      content: { kind: 'correction', protocol: received, reason, ...(supersedes ? { supersedes } : {}), ...version },
    };
  }
  return {
    ...common,
    malformed,
    subject: shape.success ? { kind: 'protocol', electionId, precinctId, contestId: shape.data.contestId, protocol: shape.data, ...version } : undefined,
    command: (submittedBy) => ({ type: 'SubmitProtocol', meta: meta(submittedBy), protocol, ...version }),
    options: {},
    content: { kind: 'protocol', protocol: received, ...version },
  };
}

function parseBody(kind: SubmissionRequest['kind'], body: object): { success: true; data: Body } | { success: false; problems: ProblemItem[] } {
  const schema = kind === 'protocol' ? SubmitProtocolBody : kind === 'correction' ? CorrectProtocolBody : ReportTurnoutBody;
  const parsed = schema.safeParse(body);
  const problems: ProblemItem[] = parsed.success ? [] : refusalsFromZod(body, parsed.error.issues, '');
  // zod treats an `unknown` field as optional; a submission without its protocol is malformed.
  if (kind !== 'turnout' && !Object.prototype.hasOwnProperty.call(body, 'protocol')) problems.unshift(problem('MALFORMED', 'protocol', 'the protocol is required'));
  return problems.length > 0 || !parsed.success ? { success: false, problems } : { success: true, data: { kind, body: parsed.data } as Body };
}

/** The signer, judged by the one check the recorder runs again after the queue (verifySigner), with the keys valid when the request was received. */
function checkSigner(
  election: ElectionIndex,
  claim: SignedClaim,
): { readonly ok: true; readonly commission: Commission; readonly signature: SubmissionSignature } | Refused {
  const verdict = verifySigner(election, claim);
  // Verified under the v2 subject (it names the version): the record says so, for the auditor.
  if (verdict.ok) return { ok: true, commission: verdict.commission, signature: { keyId: verdict.signature.keyId, value: verdict.signature.value, scheme: SIGNATURE_SCHEME_V2 } };
  return { ok: false, problems: [problem('BAD_SIGNATURE', verdict.field, verdict.message, verdict.operands)], headers: SIGNATURE_CHALLENGE };
}

/** Intake names an unknown precinct in the election of its URL. */
const inElection = (r: Refusal, electionId: string): ProblemItem => ({ ...r, operands: { electionId, ...r.operands } });

/** Intake names the scope by what the commission sent: the key that signed. */
const byKey = (r: Refusal, signer: string): ProblemItem => ({ ...r, field: 'signature.keyId', message: `${r.message}; the key belongs to ${signer}` });
