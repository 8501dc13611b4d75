// The intake role: the commissions' endpoints and the submission status. Requests are judged by
// AcceptSubmission (CQRS) and queued keyed by precinct; what the commission endpoints refuse goes
// to the refusal sink (INTAKE_REFUSAL_SINK: the recent-refusals ring, and the history for signed
// requests only), listed at GET /v1/admin/intake-refusals. (Loading an election is ElectionsModule's.)
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { normalizeIp, ThrottlerModule } from '@nestjs/throttler';
import type { IncomingMessage } from 'node:http';
import { ElectionsModule } from '../elections/elections.module';
import { HitLogThrottlerStorage } from '../http/hit-log-throttler.storage';
import { HTTP_CONFIG, type HttpConfig } from '../http/http.config';
import { INTAKE_REFUSAL_SINK } from '../infrastructure/tokens';
import { SubmissionStatusModule } from '../submissions/submission-status.module';
import { AcceptSubmissionHandler } from './accept-submission.handler';
import { CommissionSubmissionsController } from './commission-submissions.controller';
import { IntakeRefusalsAdminController } from './intake-refusals-admin.controller';
import { IntakeRejectionLog } from './intake-rejection-log.service';
import { RecentIntakeRefusals } from './recent-intake-refusals';
import { SubmissionOutcomeMetrics } from './submission-outcome.metrics';
import { SubmissionStatusController } from './submission-status.controller';

@Module({
  imports: [
    CqrsModule,
    ElectionsModule,
    SubmissionStatusModule,
    ThrottlerModule.forRootAsync({
      inject: [HTTP_CONFIG],
      useFactory: (http: HttpConfig) => ({
        throttlers: [{ ttl: http.rateWindowMs, limit: http.rateLimit }],
        // O(1) per request (hit-log-throttler.storage.ts); the key as the library builds it, less
        // its SHA-256 (a client's address and a route name need no hashing to stay short).
        storage: new HitLogThrottlerStorage(),
        generateKey: (context, tracker, name) => `${context.getClass().name}-${context.getHandler().name}-${name}-${tracker}`,
        // The peer's address, as the library's default reads it through Express's req.ip (trust
        // proxy is off, so that is the socket's address) without Express's proxy-addr parsing per
        // request; IPv6 clients still count by their /64, as by default.
        getTracker: (req) => normalizeIp((req as IncomingMessage).socket.remoteAddress ?? ''),
      }),
    }),
  ],
  controllers: [CommissionSubmissionsController, SubmissionStatusController, IntakeRefusalsAdminController],
  providers: [
    AcceptSubmissionHandler,
    { provide: RecentIntakeRefusals, inject: [HTTP_CONFIG], useFactory: (http: HttpConfig) => new RecentIntakeRefusals(http.recentRefusals) },
    SubmissionOutcomeMetrics,
    IntakeRejectionLog,
    { provide: INTAKE_REFUSAL_SINK, useExisting: IntakeRejectionLog },
  ],
})
export class IntakeModule {}
