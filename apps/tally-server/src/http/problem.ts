// RFC 9457 problem details: every error this service answers is one of these, as
// `application/problem+json`, with a stable code, the field it concerns and the operands behind
// the verdict (the domain's Refusal shape), and the full list when there are several.
import type { ElectionRefusalCode, Refusal, RefusalCode } from '@tally/domain';

/** Codes of the HTTP surface itself, beside the domain's refusal codes (the precinct's and the election decider's). */
export type HttpProblemCode =
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_REQUESTS'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UNKNOWN_SUBMISSION'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'TOKEN_REQUIRED'
  | 'BAD_TOKEN'
  | 'ROLE_NOT_CONFIGURED'
  // seat analysis asked below the contest's allocating scope
  | 'NOT_ALLOCATING_SCOPE'
  // results asked before the election's release instant (operands.until)
  | 'EMBARGOED'
  | 'UNAVAILABLE'
  // the in-process queue is at its bound (its recorder is behind): nothing accepted, try again after Retry-After
  | 'QUEUE_FULL'
  // the process holds as many live streams (or live commissions) as it may: try again after Retry-After
  | 'SUBSCRIBERS_FULL'
  | 'INTERNAL';

/** The election decider's codes (definitions, lots, amendments, withdrawals, deputies) are answered as they are. */
export type ProblemCode = RefusalCode | ElectionRefusalCode | HttpProblemCode;

/** One thing wrong: the domain's Refusal, widened to the HTTP codes. */
export interface ProblemItem extends Omit<Refusal, 'code'> {
  readonly code: ProblemCode;
}

export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  /** The first problem's code, field, message and operands, for clients that read one. */
  readonly code: ProblemCode;
  readonly field: string;
  readonly message: string;
  readonly operands?: Readonly<Record<string, number | string>>;
  /** Every problem found, in the order found. */
  readonly errors: readonly ProblemItem[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const STATUS: Record<ProblemCode, number> = {
  MALFORMED: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNKNOWN_SUBMISSION: 404,
  IDEMPOTENCY_KEY_REUSED: 422,
  UNKNOWN_ELECTION: 404,
  UNKNOWN_PRECINCT: 404,
  TOKEN_REQUIRED: 401,
  BAD_TOKEN: 401,
  BAD_SIGNATURE: 401,
  ROLE_NOT_CONFIGURED: 403,
  OUT_OF_SCOPE: 403,
  DEFINITION_CONFLICT: 409,
  ALREADY_RECORDED: 409,
  NOTHING_TO_CORRECT: 409,
  RESULTS_CERTIFIED: 409,
  STALE_CORRECTION: 409,
  STALE_VERSION: 409,
  FUTURE_VERSION: 409,
  REPLAYED: 409,
  VERSION_REQUIRED: 422,
  INVALID_DEFINITION: 422,
  INVALID_LOT: 422,
  NOT_ALLOCATING_SCOPE: 409,
  EMBARGOED: 403,
  STALE_AMENDMENT: 409,
  SEQUENCE_GAP: 409,
  ALREADY_REVOKED: 409,
  DUPLICATE_KEY: 409,
  UNUSABLE_KEY: 422,
  STALE_ACT: 409,
  PRECINCTS_OUTSTANDING: 409,
  SUMMARY_MISMATCH: 422,
  CERTIFICATION_MISMATCH: 422,
  CANNOT_CERTIFY: 409,
  ALREADY_CERTIFIED: 409,
  NOT_CERTIFIED: 409,
  ALREADY_LIVE: 409,
  NOT_LIVE: 409,
  NOT_A_LIST_CONTEST: 422,
  NOT_ON_A_RANKED_LIST: 422,
  ALREADY_WITHDRAWN: 409,
  WITHDRAWAL_TOO_LATE: 409,
  UNKNOWN_BODY: 422,
  REGISTRATION_NOT_ALLOWED: 409,
  ALREADY_REGISTERED: 409,
  REGISTRATION_DIFFERS: 422,
  NOT_REGISTERED: 409,
  NOT_A_DEPUTY: 422,
  DATE_BEFORE_MANDATE: 422,
  NOT_A_DISTRICT_SEAT: 422,
  SEAT_NOT_VACANT: 409,
  UNKNOWN_COMMISSION: 422,
  UNKNOWN_KEY: 422,
  UNKNOWN_CONTEST: 422,
  CONTEST_NOT_AT_PRECINCT: 422,
  CONTEST_MISMATCH: 422,
  NOT_A_COUNT: 422,
  BALLOTS_RECEIVED_MISMATCH: 422,
  BALLOTS_FOUND_MISMATCH: 422,
  FOUND_EXCEEDS_ISSUED: 422,
  ISSUED_EXCEEDS_REGISTERED: 422,
  ADDED_EXCEEDS_REGISTERED: 422,
  REGISTERED_MISMATCH: 422,
  MISSING_CHOICE: 422,
  UNKNOWN_CHOICE: 422,
  AGAINST_ALL_NOT_ON_BALLOT: 422,
  REASON_REQUIRED: 422,
  UNKNOWN_TURNOUT_TIME: 422,
  TURNOUT_AFTER_PROTOCOL: 422,
  TURNOUT_DECREASED: 422,
  UNAVAILABLE: 503,
  QUEUE_FULL: 503,
  SUBSCRIBERS_FULL: 503,
  INTERNAL: 500,
};

// When several problems are listed, the status is that of the most basic one: a body that does
// not parse is a 400 even if one of its numbers is also negative.
const PRECEDENCE = [400, 415, 413, 404, 405, 401, 403, 409, 422, 429, 503, 500];

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not authenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

export const statusOf = (code: ProblemCode): number => STATUS[code] ?? 400;

export function statusOfAll(items: readonly ProblemItem[]): number {
  const statuses = items.map((i) => statusOf(i.code));
  return PRECEDENCE.find((s) => statuses.includes(s)) ?? statuses[0] ?? 500;
}

/** A stable, dereferenceable-looking type per code; the code itself is the contract. */
export const problemType = (code: ProblemCode): string => `urn:tally:problem:${code.toLowerCase().replace(/_/g, '-')}`;

export function problemDocument(items: readonly ProblemItem[], instance?: string, status = statusOfAll(items)): ProblemDocument {
  const first = items[0] ?? { code: 'INTERNAL' as const, field: '', message: 'unknown error' };
  const detail = items.length === 1 ? first.message : `${items.length} problems; the first: ${first.field ? `${first.field}: ` : ''}${first.message}`;
  return {
    type: problemType(first.code),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...(instance ? { instance } : {}),
    code: first.code,
    field: first.field,
    message: first.message,
    ...(first.operands ? { operands: first.operands } : {}),
    errors: items,
  };
}

/** Thrown by guards and handlers that refuse; the global filter renders it. */
export class ProblemException extends Error {
  constructor(
    readonly problems: readonly ProblemItem[],
    readonly headers: Readonly<Record<string, string>> = {},
    readonly status: number = statusOfAll(problems),
  ) {
    super(problems.map((p) => `${p.code} ${p.field}: ${p.message}`).join('; '));
    this.name = 'ProblemException';
  }
}

export const problem = (code: ProblemCode, field: string, message: string, operands?: Readonly<Record<string, number | string>>): ProblemItem =>
  operands ? { code, field, message, operands } : { code, field, message };
