// The HTTP surface every process has: problem+json for every error, the refusal record, the
// API tokens. Common to all roles, so even a recorder-only process answers errors alike.
import { Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module';
import { ElectionsModule } from '../elections/elections.module';
import { IntakeRejectionLog } from '../intake/intake-rejection-log.service';
import { OpsModule } from '../ops/ops.module';
import { HTTP_CONFIG, loadHttpConfig } from './http.config';
import { ProblemFilter } from './problem.filter';
import { ProblemResponder } from './problem-responder.service';

@Global()
@Module({
  imports: [AuthModule, ElectionsModule, OpsModule],
  providers: [
    { provide: HTTP_CONFIG, useFactory: () => loadHttpConfig(process.env) },
    IntakeRejectionLog,
    ProblemResponder,
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
  exports: [HTTP_CONFIG, ProblemResponder, IntakeRejectionLog],
})
export class HttpModule {}
