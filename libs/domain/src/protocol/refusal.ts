// Why something was refused: a stable code, the field it concerns, and the operands behind
// the verdict, so API, UI and reports render it alike.

export type RefusalCode =
  // one line of the form
  | 'NOT_A_COUNT' // negative, fractional, not a number, or beyond 2^53
  // control relations
  | 'BALLOTS_RECEIVED_MISMATCH' // received ≠ issued + cancelled + lost
  | 'BALLOTS_FOUND_MISMATCH' // found ≠ valid + invalid
  | 'FOUND_EXCEEDS_ISSUED'
  | 'ISSUED_EXCEEDS_REGISTERED'
  | 'ADDED_EXCEEDS_REGISTERED'
  | 'REGISTERED_MISMATCH' // registered voters differ from the definition's plus same-day additions
  | 'MISSING_CHOICE' // a list/candidate of the contest has no line
  | 'UNKNOWN_CHOICE' // a line for something not on this contest's ballot
  | 'AGAINST_ALL_NOT_ON_BALLOT'
  // identity and scope
  | 'UNKNOWN_ELECTION'
  | 'UNKNOWN_PRECINCT'
  | 'UNKNOWN_CONTEST'
  | 'CONTEST_NOT_AT_PRECINCT'
  | 'CONTEST_MISMATCH' // the protocol names another contest than the one it was submitted for
  | 'OUT_OF_SCOPE' // the submitting commission may not submit/correct this precinct
  | 'BAD_SIGNATURE'
  // stream state
  | 'ALREADY_RECORDED' // a second protocol without a correction
  | 'NOTHING_TO_CORRECT'
  | 'STALE_CORRECTION' // corrects a version that is no longer current
  | 'REASON_REQUIRED'
  | 'UNKNOWN_TURNOUT_TIME'
  | 'TURNOUT_AFTER_PROTOCOL'
  | 'TURNOUT_DECREASED'
  | 'RESULTS_CERTIFIED' // a correction under a body whose seats are certified (decertify first)
  // the signed place in the precinct's history (scheme tally-submission-v2)
  | 'VERSION_REQUIRED' // a v1 body: it names no version
  | 'STALE_VERSION' // the version is at or below the current one
  | 'FUTURE_VERSION' // the version skips past the next one (current + 1)
  | 'REPLAYED' // this signed body is recorded already, under another submission id
  // a message that could not be parsed at all
  | 'MALFORMED';

export interface Refusal {
  readonly code: RefusalCode;
  /** JSON-path-like location of the offending field, e.g. `protocol.ballotsIssued.early`. */
  readonly field: string;
  /** Human-readable, English; clients translate by code. */
  readonly message: string;
  /** The numbers behind the verdict, e.g. { ballotsFound: 812, valid: 800, invalid: 10 }. */
  readonly operands?: Readonly<Record<string, number | string>>;
}
