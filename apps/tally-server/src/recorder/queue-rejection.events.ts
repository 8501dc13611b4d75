// What recorders before issue 11 wrote for a queue message that did not parse: the message's raw
// bytes, kept in an `intake-rejections-<election>` stream (`unknown` when no election could be
// named). Untrusted bytes are not history, so recorders now dead-letter such a message instead
// (UNDECODABLE, the dead-letter topic) and write none; stores recorded before keep theirs, and
// readers still take them (the submission status service reports them as refused, MALFORMED).
/** @deprecated no longer written; the shape of records in stores written before issue 11. */
export interface UnparseableSubmission {
  readonly type: 'UnparseableSubmission';
  readonly data: {
    /** The message value as received, base64. */
    readonly raw: string;
    /** The message key as received (intake keys by precinct id). */
    readonly key: string;
    readonly topic: string;
    readonly partition: number;
    readonly offset: string;
    /** Why decodeEnvelope refused it. */
    readonly reason: string;
    /** Best effort: the submission id if the bytes were JSON carrying one, so its status resolves. */
    readonly submissionId?: string;
    /** Best effort, as above; it chose the stream (else `unknown`). */
    readonly electionId?: string;
  };
}
