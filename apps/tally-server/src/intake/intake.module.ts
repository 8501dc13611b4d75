// The intake role: the commissions' endpoints and the submission status. Requests are judged by
// AcceptSubmission (CQRS) and queued keyed by precinct; what the commission endpoints refuse goes
// to the refusal sink (INTAKE_REFUSAL_SINK: the history log). (Loading an election is ElectionsModule's.)
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ThrottlerModule } from '@nestjs/throttler';
import { ElectionsModule } from '../elections/elections.module';
import { HTTP_CONFIG, type HttpConfig } from '../http/http.config';
import { INTAKE_REFUSAL_SINK } from '../infrastructure/tokens';
import { SubmissionStatusModule } from '../submissions/submission-status.module';
import { AcceptSubmissionHandler } from './accept-submission.handler';
import { CommissionSubmissionsController } from './commission-submissions.controller';
import { IntakeRejectionLog } from './intake-rejection-log.service';
import { SubmissionOutcomeMetrics } from './submission-outcome.metrics';
import { SubmissionStatusController } from './submission-status.controller';

@Module({
  imports: [
    CqrsModule,
    ElectionsModule,
    SubmissionStatusModule,
    ThrottlerModule.forRootAsync({
      inject: [HTTP_CONFIG],
      useFactory: (http: HttpConfig) => ({ throttlers: [{ ttl: http.rateWindowMs, limit: http.rateLimit }] }),
    }),
  ],
  controllers: [CommissionSubmissionsController, SubmissionStatusController],
  providers: [
    AcceptSubmissionHandler,
    SubmissionOutcomeMetrics,
    IntakeRejectionLog,
    { provide: INTAKE_REFUSAL_SINK, useExisting: IntakeRejectionLog },
  ],
})
export class IntakeModule {}
