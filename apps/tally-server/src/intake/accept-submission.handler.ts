// Judges a request, and if intake may accept it, puts its envelope on the queue keyed by precinct
// (so one precinct's submissions stay in order) and marks it queued. The submission id is derived
// from the request (submissions/submission-id.ts), so a retry is answered with the first try's
// outcome. Refusals are returned as values; the controller turns them into problem+json.
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { misdating } from '@tally/domain';
import { encodeEnvelope, QueueFullError, SUBMISSION_ENVELOPE_VERSION, type SubmissionEnvelope, type SubmissionQueue } from '@tally/intake-queue';
import type { AppConfig } from '../config/app.config';
import { ElectionRegistry } from '../elections/election-registry.service';
import { problem } from '../http/problem';
import { SignatureChecks } from '../infrastructure/signature-checks';
import { APP_CONFIG, SUBMISSION_QUEUE } from '../infrastructure/tokens';
import { deriveSubmissionId, signatureTag } from '../submissions/submission-id';
import { SubmissionStatusService } from '../submissions/submission-status.service';
import { AcceptSubmission, type AcceptOutcome } from './accept-submission.command';
import { judgeRead, readRequest } from './judge-submission';
import { SubmissionOutcomeMetrics } from './submission-outcome.metrics';

@CommandHandler(AcceptSubmission)
export class AcceptSubmissionHandler implements ICommandHandler<AcceptSubmission, AcceptOutcome> {
  private readonly logger = new Logger('Intake');

  constructor(
    private readonly elections: ElectionRegistry,
    @Inject(SUBMISSION_QUEUE) private readonly queue: SubmissionQueue,
    private readonly status: SubmissionStatusService,
    private readonly outcomes: SubmissionOutcomeMetrics,
    private readonly signatures: SignatureChecks,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'receivedAt'>,
  ) {}

  async execute({ request }: AcceptSubmission): Promise<AcceptOutcome> {
    const read = readRequest(request, this.elections.get(request.electionId));
    // The signature's Ed25519 check runs on the signature threads meanwhile (infrastructure/signature-checks.ts).
    const verdicts = read.ok && read.claim ? await this.signatures.verdicts(read.election, read.claim) : undefined;
    const judgement = read.ok ? judgeRead(read, verdicts) : read;
    if (!judgement.ok) {
      const { problems, headers, signedBy, signed } = judgement;
      return { accepted: false, problems, ...(headers ? { headers } : {}), ...(signedBy ? { signedBy } : {}), ...(signed ? { signed } : {}) };
    }

    const { submittedBy, signature } = judgement;
    const submissionId = deriveSubmissionId({
      electionId: request.electionId,
      precinctId: request.precinctId,
      kind: request.kind,
      submittedBy,
      signatureValue: signature.value,
      ...(request.idempotencyKey !== undefined ? { idempotencyKey: request.idempotencyKey } : {}),
    });
    const tag = signatureTag(signature.value);
    // A retry: answered with what became of the first try, and nothing is queued again. Known here
    // means recorded or refused (any process's: the status follows the store) or queued by this one.
    // A try a recorder set aside was not recorded: this one is queued anew, with its own receipt time.
    const known = this.status.get(submissionId);
    if (known !== undefined) {
      const earlier = this.status.signatureTagOf(submissionId);
      if (request.idempotencyKey !== undefined && earlier !== undefined && earlier !== tag) {
        return {
          accepted: false,
          signedBy: submittedBy,
          ...(read.ok && read.claim?.subject ? { signed: { subject: read.claim.subject, signature } } : {}),
          problems: [problem('IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key', `this Idempotency-Key was used for another body, submission ${submissionId}; use a new key for a new submission`, { submissionId })],
        };
      }
      if (known.state !== 'set-aside') {
        this.outcomes.duplicate(request.kind);
        return { accepted: true, submissionId, submittedBy, state: known.state, duplicate: true };
      }
    }

    const envelope: SubmissionEnvelope = {
      v: SUBMISSION_ENVELOPE_VERSION,
      submissionId,
      electionId: request.electionId,
      precinctId: request.precinctId,
      submittedBy,
      receivedAt: request.receivedAt,
      signature,
      ...judgement.content,
    };
    // Not known here may still be on its way through another intake process: queued twice, the
    // decider decides the second copy nothing (a repeated submission id), so the first outcome stands.
    let appendedAt: string | undefined;
    try {
      [appendedAt] = await this.queue.publish([{ key: request.precinctId, value: encodeEnvelope(envelope) }]);
    } catch (e) {
      if (e instanceof QueueFullError) {
        // Backpressure, not a failure: the recorder is behind. Nothing was enqueued; the client retries.
        this.logger.warn(`submission ${submissionId} not accepted: ${e.message}`);
        return {
          accepted: false,
          signedBy: submittedBy,
          problems: [problem('QUEUE_FULL', '', `the submission queue is full (${e.held} ${e.limitKind} of ${e.limit}); nothing was accepted, try again after Retry-After`, { limit: e.limit, held: e.held })],
          headers: { 'Retry-After': String(e.retryAfterSeconds) },
        };
      }
      this.logger.error(`publishing submission ${submissionId} failed: ${e instanceof Error ? e.message : String(e)}`);
      return { accepted: false, problems: [problem('UNAVAILABLE', '', 'the submission queue is not reachable; nothing was accepted, try again')], headers: { 'Retry-After': '5' } };
    }
    // The recorders' own rule on the queue's own clock (libs/domain precinct/received-at.ts): a
    // submission they will dead-letter as MISDATED (queued too long after its receipt, or a clock
    // off past the skew) is not acknowledged. Sent again, it is stamped anew.
    const misdated = misdating(request.receivedAt, appendedAt, this.config.receivedAt);
    if (misdated !== undefined) {
      this.logger.warn(`submission ${submissionId} not acknowledged, recorders would refuse it: ${misdated} (TALLY_MAX_QUEUE_DELAY_S, TALLY_MAX_CLOCK_SKEW_S; check intake's and the brokers' clocks)`);
      return {
        accepted: false,
        problems: [problem('UNAVAILABLE', '', `the submission queue took it at ${appendedAt}, too far from its receipt at ${request.receivedAt} for it to be counted; nothing was accepted, send it again`, { receivedAt: request.receivedAt, queuedAt: appendedAt ?? '' })],
        headers: { 'Retry-After': '5' },
      };
    }
    this.status.markQueued(submissionId, { electionId: request.electionId, precinctId: request.precinctId, receivedAt: request.receivedAt, signatureTag: tag });
    this.outcomes.accepted(submissionId, request.kind);
    return { accepted: true, submissionId, submittedBy, state: 'queued', duplicate: false };
  }
}
