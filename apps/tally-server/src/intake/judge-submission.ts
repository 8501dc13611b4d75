// What intake can judge alone, in the order a commission needs the answers: the body's syntax,
// the election and precinct, the protocol's shape, the signature, the scope, then the control
// relations (the domain's validateProtocol / validateTurnoutReport: the same rules the decider
// applies again). Pure: the election index, the request and nothing else.
import {
  ProtocolShape,
  refusalsFromZod,
  validateProtocol,
  validateTurnoutReport,
  type Commission,
  type ElectionIndex,
  type PrecinctCommission,
  type Protocol,
  type SubmissionSignature,
} from '@tally/domain';
import { findSigner, type SignedSubject } from '@tally/signatures';
import type { z } from 'zod';
import { problem, type ProblemItem } from '../http/problem';
import type { SubmissionRequest } from './accept-submission.command';
import { CorrectProtocolBody, ReportTurnoutBody, SubmitProtocolBody } from './intake-request.schemas';

export type AcceptedContent =
  | { readonly kind: 'protocol'; readonly protocol: unknown }
  | { readonly kind: 'correction'; readonly protocol: unknown; readonly reason: string; readonly supersedes?: string }
  | { readonly kind: 'turnout'; readonly time: string; readonly ballotsIssued: number };

export type Judgement =
  | { readonly ok: true; readonly submittedBy: string; readonly signature: SubmissionSignature; readonly content: AcceptedContent }
  | { readonly ok: false; readonly problems: readonly ProblemItem[]; readonly headers?: Readonly<Record<string, string>> };

const refuse = (...problems: ProblemItem[]): Judgement => ({ ok: false, problems });

const SIGNATURE_CHALLENGE = { 'WWW-Authenticate': 'Signature realm="tally", algorithm="ed25519"' };

export function judgeSubmission(request: SubmissionRequest, election: ElectionIndex | undefined): Judgement {
  const { kind, electionId, precinctId } = request;
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return refuse(problem('MALFORMED', '', 'the body is a JSON object', { received: body === undefined ? 'nothing' : Array.isArray(body) ? 'array' : typeof body }));
  }
  const parsed = parseBody(request.kind, body);
  if (!parsed.success) return refuse(...parsed.problems);

  if (!election) return refuse(problem('UNKNOWN_ELECTION', 'electionId', `no election ${electionId} is defined here`, { electionId }));
  const precinct = election.precinct(precinctId);
  if (!precinct) return refuse(problem('UNKNOWN_PRECINCT', 'precinctId', `no precinct ${precinctId} in election ${electionId}`, { electionId, precinctId }));

  const data = parsed.data;
  if (kind === 'turnout') {
    const t = data as z.infer<typeof ReportTurnoutBody>;
    const subject: SignedSubject = { kind, electionId, precinctId, time: t.time, ballotsIssued: t.ballotsIssued };
    const signer = checkSigner(election, subject, t.signature, t.submittedBy);
    if ('problems' in signer) return signer;
    if (signer.commission.id !== precinct.id) return refuse(outOfScope(signer.commission, precinct, 'only the precinct commission reports its turnout'));
    const valid = validateTurnoutReport({ time: t.time, ballotsIssued: t.ballotsIssued }, precinct, election.turnoutTimes, { at: '' });
    if (!valid.ok) return refuse(...valid.error);
    return { ok: true, submittedBy: signer.commission.id, signature: signer.signature, content: { kind, time: t.time, ballotsIssued: t.ballotsIssued } };
  }

  const p = data as z.infer<typeof SubmitProtocolBody> & Partial<z.infer<typeof CorrectProtocolBody>>;
  const raw = p.protocol as Record<string, unknown>;
  const contestId = kind === 'correction' ? request.contestId : typeof raw?.contestId === 'string' ? raw.contestId : undefined;
  const shape = ProtocolShape.safeParse(p.protocol);
  if (!shape.success) return refuse(...refusalsFromZod(p.protocol, shape.error.issues, 'protocol'));
  const contest = contestId === undefined ? undefined : election.contest(contestId);
  if (!contest) {
    const field = kind === 'correction' ? 'contestId' : 'protocol.contestId';
    return refuse(problem('UNKNOWN_CONTEST', field, `no contest ${contestId} in election ${electionId}`, { contestId: String(contestId) }));
  }
  const protocol: Protocol = shape.data;
  const subject: SignedSubject =
    kind === 'correction'
      ? { kind, electionId, precinctId, contestId: contest.id, protocol, reason: p.reason ?? '' }
      : { kind, electionId, precinctId, contestId: contest.id, protocol };
  const signer = checkSigner(election, subject, p.signature, p.submittedBy);
  if ('problems' in signer) return signer;
  if (kind === 'protocol' && signer.commission.id !== precinct.id) {
    return refuse(outOfScope(signer.commission, precinct, 'only the precinct commission submits its protocols'));
  }
  if (kind === 'correction' && (signer.commission.level === 'precinct' || !election.isWithin(precinct.id, signer.commission.id))) {
    return refuse(outOfScope(signer.commission, precinct, 'only a territorial commission above the precinct corrects its protocols'));
  }

  const problems: ProblemItem[] = [];
  if (kind === 'correction' && (p.reason ?? '').trim() === '') problems.push(problem('REASON_REQUIRED', 'reason', 'a correction states its reason'));
  const valid = validateProtocol(p.protocol, contest, precinct);
  if (!valid.ok) problems.push(...valid.error);
  if (problems.length > 0) return refuse(...problems);

  const content: AcceptedContent =
    kind === 'correction'
      ? { kind, protocol: p.protocol, reason: p.reason ?? '', ...(p.supersedes ? { supersedes: p.supersedes } : {}) }
      : { kind, protocol: p.protocol };
  return { ok: true, submittedBy: signer.commission.id, signature: signer.signature, content };
}

function parseBody(kind: SubmissionRequest['kind'], body: object): { success: true; data: unknown } | { success: false; problems: ProblemItem[] } {
  const schema = kind === 'protocol' ? SubmitProtocolBody : kind === 'correction' ? CorrectProtocolBody : ReportTurnoutBody;
  const parsed = schema.safeParse(body);
  const problems: ProblemItem[] = parsed.success ? [] : refusalsFromZod(body, parsed.error.issues, '');
  // zod treats an `unknown` field as optional; a submission without its protocol is malformed.
  if (kind !== 'turnout' && !Object.prototype.hasOwnProperty.call(body, 'protocol')) problems.unshift(problem('MALFORMED', 'protocol', 'the protocol is required'));
  return problems.length > 0 ? { success: false, problems } : { success: true, data: parsed.data };
}

function checkSigner(
  election: ElectionIndex,
  subject: SignedSubject,
  signature: SubmissionSignature | undefined,
  submittedBy: string | undefined,
): { commission: Commission; signature: SubmissionSignature } | Extract<Judgement, { ok: false }> {
  if (!signature) {
    return { ok: false, problems: [problem('BAD_SIGNATURE', 'signature', "a submission carries its commission's Ed25519 signature: { keyId, value }")], headers: SIGNATURE_CHALLENGE };
  }
  const found = findSigner(election.definition, subject, signature, submittedBy);
  if (found.ok) return { commission: found.commission, signature: { keyId: signature.keyId, value: signature.value } };
  const message =
    found.problem === 'unknown-key'
      ? `no commission${submittedBy ? ` ${submittedBy}` : ''} of election ${election.definition.id} has a key ${signature.keyId}`
      : `the signature does not verify under key ${signature.keyId}: sign the canonical encoding of exactly this submission (see the README)`;
  return {
    ok: false,
    problems: [problem('BAD_SIGNATURE', found.problem === 'unknown-key' ? 'signature.keyId' : 'signature.value', message, { keyId: signature.keyId, problem: found.problem })],
    headers: SIGNATURE_CHALLENGE,
  };
}

function outOfScope(signer: Commission, precinct: PrecinctCommission, message: string): ProblemItem {
  return problem('OUT_OF_SCOPE', 'signature.keyId', `${message}; the key belongs to ${signer.id}`, { submittedBy: signer.id, precinctId: precinct.id });
}
