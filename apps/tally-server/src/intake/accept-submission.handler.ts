// Judges a request, and if intake may accept it, puts its envelope on the queue keyed by precinct
// (so one precinct's submissions stay in order) and marks it queued. Refusals are returned as
// values; the controller turns them into problem+json.
import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { encodeEnvelope, SUBMISSION_ENVELOPE_VERSION, type SubmissionEnvelope, type SubmissionQueue } from '@tally/intake-queue';
import { ElectionRegistry } from '../elections/election-registry.service';
import { problem } from '../http/problem';
import { SUBMISSION_QUEUE } from '../infrastructure/tokens';
import { SubmissionStatusService } from '../submissions/submission-status.service';
import { AcceptSubmission, type AcceptOutcome } from './accept-submission.command';
import { judgeSubmission } from './judge-submission';
import { SubmissionOutcomeMetrics } from './submission-outcome.metrics';

@CommandHandler(AcceptSubmission)
export class AcceptSubmissionHandler implements ICommandHandler<AcceptSubmission, AcceptOutcome> {
  private readonly logger = new Logger('Intake');

  constructor(
    private readonly elections: ElectionRegistry,
    @Inject(SUBMISSION_QUEUE) private readonly queue: SubmissionQueue,
    private readonly status: SubmissionStatusService,
    private readonly outcomes: SubmissionOutcomeMetrics,
  ) {}

  async execute({ request }: AcceptSubmission): Promise<AcceptOutcome> {
    const judgement = judgeSubmission(request, this.elections.get(request.electionId));
    if (!judgement.ok) return { accepted: false, problems: judgement.problems, headers: judgement.headers };

    const submissionId = randomUUID();
    const common = {
      v: SUBMISSION_ENVELOPE_VERSION,
      submissionId,
      electionId: request.electionId,
      precinctId: request.precinctId,
      submittedBy: judgement.submittedBy,
      receivedAt: request.receivedAt,
      signature: judgement.signature,
    } as const;
    const envelope: SubmissionEnvelope = { ...common, ...judgement.content };
    try {
      await this.queue.publish([{ key: request.precinctId, value: encodeEnvelope(envelope) }]);
    } catch (e) {
      this.logger.error(`publishing submission ${submissionId} failed: ${e instanceof Error ? e.message : String(e)}`);
      return { accepted: false, problems: [problem('UNAVAILABLE', '', 'the submission queue is not reachable; nothing was accepted, try again')], headers: { 'Retry-After': '5' } };
    }
    this.status.markQueued(submissionId, { electionId: request.electionId, precinctId: request.precinctId, receivedAt: request.receivedAt });
    this.outcomes.accepted(submissionId, request.kind);
    return { accepted: true, submissionId, submittedBy: judgement.submittedBy };
  }
}
