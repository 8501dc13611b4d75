// The HTTP surface every process has: problem+json for every error, the body reader's problems
// answered first on every route, the API tokens. Common to all roles, so even a recorder-only
// process answers errors alike.
import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module';
import { OpsModule } from '../ops/ops.module';
import { BodyProblemGuard } from './body-problem.guard';
import { HTTP_CONFIG, loadHttpConfig } from './http.config';
import { ProblemFilter } from './problem.filter';
import { ProblemResponder } from './problem-responder.service';

@Global()
@Module({
  imports: [AuthModule, OpsModule],
  providers: [
    { provide: HTTP_CONFIG, useFactory: () => loadHttpConfig(process.env) },
    ProblemResponder,
    { provide: APP_FILTER, useClass: ProblemFilter },
    { provide: APP_GUARD, useClass: BodyProblemGuard },
  ],
  exports: [HTTP_CONFIG, ProblemResponder],
})
export class HttpModule {}
