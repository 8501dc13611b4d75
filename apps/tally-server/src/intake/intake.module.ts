// The intake role: the commissions' endpoints and the submission status. Requests are judged by
// AcceptSubmission (CQRS) and queued keyed by precinct; what the commission endpoints refuse goes
// to the refusal sink (INTAKE_REFUSAL_SINK: the recent-refusals ring, and the history for signed
// requests only), listed at GET /v1/admin/intake-refusals. What it acknowledged and a recorder
// dead-lettered is written down as set aside (SetAsideWatcher). (Loading an election is ElectionsModule's.)
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ThrottlerModule } from '@nestjs/throttler';
import { ElectionsModule } from '../elections/elections.module';
import { HTTP_CONFIG, type HttpConfig } from '../http/http.config';
import { rateLimitOptions } from '../http/rate-limit.guard';
import { INTAKE_REFUSAL_SINK } from '../infrastructure/tokens';
import { SubmissionStatusModule } from '../submissions/submission-status.module';
import { AcceptSubmissionHandler } from './accept-submission.handler';
import { CommissionSubmissionsController } from './commission-submissions.controller';
import { IntakeRefusalsAdminController } from './intake-refusals-admin.controller';
import { IntakeRejectionLog } from './intake-rejection-log.service';
import { RecentIntakeRefusals } from './recent-intake-refusals';
import { SetAsideAdminController } from './set-aside-admin.controller';
import { SetAsideWatcher } from './set-aside-watcher.service';
import { SubmissionOutcomeMetrics } from './submission-outcome.metrics';
import { SubmissionStatusController } from './submission-status.controller';

@Module({
  imports: [
    CqrsModule,
    ElectionsModule,
    SubmissionStatusModule,
    // The commission endpoints' rate limit; RateLimitGuard judges by these options (http/rate-limit.guard.ts).
    ThrottlerModule.forRootAsync({ inject: [HTTP_CONFIG], useFactory: rateLimitOptions }),
  ],
  controllers: [CommissionSubmissionsController, SubmissionStatusController, IntakeRefusalsAdminController, SetAsideAdminController],
  providers: [
    AcceptSubmissionHandler,
    { provide: RecentIntakeRefusals, inject: [HTTP_CONFIG], useFactory: (http: HttpConfig) => new RecentIntakeRefusals(http.recentRefusals) },
    SubmissionOutcomeMetrics,
    IntakeRejectionLog,
    { provide: INTAKE_REFUSAL_SINK, useExisting: IntakeRejectionLog },
    SetAsideWatcher,
  ],
})
export class IntakeModule {}
