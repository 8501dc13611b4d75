// What intake can judge alone, in the order a commission needs the answers: the body's syntax,
// the election, the precinct, the protocol's shape, the contest, the signature, the scope, then
// the correction's reason and the control relations.
//
// Intake adds only what it alone knows: the body's syntax, the election registry, and the
// signature, whose signer becomes the command's `submittedBy`. Every rule about the submission
// itself (place, scope, reason, contest, control relations) is the domain's checkSubmission, the
// same function the precinct decider runs again after the queue. Intake answers the first group
// that refuses and names it in its own terms: a precinct in the election of the URL, the scope by
// the key that signed, judged by the keys valid when the request was received (the index's key
// ring). Pure: the election index, the request and nothing else.
import {
  checkSubmission,
  describeKeyOutsideValidity,
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
import { findSigner, type SignedSubject } from '@tally/signatures';
import { problem, type ProblemItem } from '../http/problem';
import type { SubmissionRequest } from './accept-submission.command';
import { CorrectProtocolBody, ReportTurnoutBody, SubmitProtocolBody } from './intake-request.schemas';

export type AcceptedContent =
  | { readonly kind: 'protocol'; readonly protocol: unknown }
  | { readonly kind: 'correction'; readonly protocol: unknown; readonly reason: string; readonly supersedes?: string }
  | { readonly kind: 'turnout'; readonly time: string; readonly ballotsIssued: number };

type Refused = { readonly ok: false; readonly problems: readonly ProblemItem[]; readonly headers?: Readonly<Record<string, string>> };

export type Judgement = { readonly ok: true; readonly submittedBy: string; readonly signature: SubmissionSignature; readonly content: AcceptedContent } | Refused;

const refuse = (...problems: ProblemItem[]): Refused => ({ ok: false, problems });

const SIGNATURE_CHALLENGE = { 'WWW-Authenticate': 'Signature realm="tally", algorithm="ed25519"' };

export function judgeSubmission(request: SubmissionRequest, election: ElectionIndex | undefined): Judgement {
  const { electionId } = request;
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return refuse(problem('MALFORMED', '', 'the body is a JSON object', { received: body === undefined ? 'nothing' : Array.isArray(body) ? 'array' : typeof body }));
  }
  const parsed = parseBody(request.kind, body);
  if (!parsed.success) return refuse(...parsed.problems);
  if (!election) return refuse(problem('UNKNOWN_ELECTION', 'electionId', `no election ${electionId} is defined here`, { electionId }));

  const read = readSubmission(request, parsed.data);
  const signer = read.subject === undefined ? undefined : checkSigner(election, read.subject, read.signature, read.claimedBy, request.receivedAt);
  // The key decides who submits. Until it is known the scope cannot be judged, and it is not
  // answered: a signature problem comes first.
  const submittedBy = signer?.ok ? signer.commission.id : '';
  const { place, scope, reason, contest, relations } = checkSubmission(read.command(submittedBy), election, read.options).refusals;

  if (place.length > 0) return refuse(...place.map((r) => inElection(r, electionId)));
  if (read.malformed.length > 0 || signer === undefined) return refuse(...read.malformed);
  if (contest.length > 0) return refuse(...contest);
  if (!signer.ok) return signer;
  if (scope.length > 0) return refuse(...scope.map((r) => byKey(r, submittedBy)));
  if (reason.length > 0 || relations.length > 0) return refuse(...reason, ...relations);
  return { ok: true, submittedBy, signature: signer.signature, content: read.content };
}

/** A body of one of the three kinds, as its schema parsed it. */
type Body = { readonly kind: 'protocol'; readonly body: SubmitProtocolBody } | { readonly kind: 'correction'; readonly body: CorrectProtocolBody } | { readonly kind: 'turnout'; readonly body: ReportTurnoutBody };

interface ReadSubmission {
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
  if (parsed.kind === 'turnout') {
    const { time, ballotsIssued } = parsed.body;
    return {
      ...common,
      malformed: [],
      subject: { kind: 'turnout', electionId, precinctId, time, ballotsIssued },
      command: (submittedBy) => ({ type: 'ReportTurnout', meta: meta(submittedBy), time, ballotsIssued }),
      options: {},
      content: { kind: 'turnout', time, ballotsIssued },
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
      subject: shape.success ? { kind: 'correction', electionId, precinctId, contestId, protocol: shape.data, reason } : undefined,
      command: (submittedBy) => ({ type: 'CorrectProtocol', meta: meta(submittedBy), protocol, reason, ...(supersedes ? { supersedes } : {}) }),
      // The URL names the contest a correction is for; the protocol must be for it.
      options: { contestId },
      content: { kind: 'correction', protocol: received, reason, ...(supersedes ? { supersedes } : {}) },
    };
  }
  return {
    ...common,
    malformed,
    subject: shape.success ? { kind: 'protocol', electionId, precinctId, contestId: shape.data.contestId, protocol: shape.data } : undefined,
    command: (submittedBy) => ({ type: 'SubmitProtocol', meta: meta(submittedBy), protocol }),
    options: {},
    content: { kind: 'protocol', protocol: received },
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

/** The signer, judged by the election's keys valid when the request was received (a key revoked by then signs nothing). */
function checkSigner(
  election: ElectionIndex,
  subject: SignedSubject,
  signature: SubmissionSignature | undefined,
  submittedBy: string | undefined,
  receivedAt: string,
): { readonly ok: true; readonly commission: Commission; readonly signature: SubmissionSignature } | Refused {
  if (!signature) {
    return { ok: false, problems: [problem('BAD_SIGNATURE', 'signature', "a submission carries its commission's Ed25519 signature: { keyId, value }")], headers: SIGNATURE_CHALLENGE };
  }
  const found = findSigner(election.keys, subject, signature, submittedBy, { at: receivedAt });
  if (found.ok) return { ok: true, commission: found.commission, signature: { keyId: signature.keyId, value: signature.value } };
  const operands = { keyId: signature.keyId, problem: found.problem };
  let refusal: ProblemItem;
  switch (found.problem) {
    case 'unknown-key':
      refusal = problem('BAD_SIGNATURE', 'signature.keyId', `no commission${submittedBy ? ` ${submittedBy}` : ''} of election ${election.definition.id} has a key ${signature.keyId}`, operands);
      break;
    case 'invalid-signature':
      refusal = problem('BAD_SIGNATURE', 'signature.value', `the signature does not verify under key ${signature.keyId}: sign the canonical encoding of exactly this submission (see the README)`, operands);
      break;
    default: {
      const outside = describeKeyOutsideValidity(found.key, found.problem, receivedAt);
      refusal = problem('BAD_SIGNATURE', 'signature.keyId', outside.message, { ...operands, ...outside.operands });
    }
  }
  return { ok: false, problems: [refusal], headers: SIGNATURE_CHALLENGE };
}

/** Intake names an unknown precinct in the election of its URL. */
const inElection = (r: Refusal, electionId: string): ProblemItem => ({ ...r, operands: { electionId, ...r.operands } });

/** Intake names the scope by what the commission sent: the key that signed. */
const byKey = (r: Refusal, signer: string): ProblemItem => ({ ...r, field: 'signature.keyId', message: `${r.message}; the key belongs to ${signer}` });
