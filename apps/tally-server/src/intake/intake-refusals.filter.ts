// The exception filter on intake's commission endpoints (bound per route, with the route's kind):
// whatever refuses a request there — the judgement (AcceptSubmission), the body reader's problems
// (thrown by BodyProblemGuard, the first guard of every route), the throttler's 429, a queue that
// is down — is written by the same ProblemResponder as everywhere (as a commission's refusal:
// logged and counted), and handed to the intake refusal sink with what intake knows of it. Nest
// routed the request, so the election and the precinct are the route's parameters: nothing reads
// the URL. A refusal of a request whose signature verified (SignedRefusal) names its signer; what
// is worth a record is the sink's to decide.
import { createHash } from 'node:crypto';
import { Catch, Inject, mixin, type ArgumentsHost, type ExceptionFilter, type Type } from '@nestjs/common';
import { requestPath, type HttpReply, type HttpRequest } from '../http/http-request';
import { problemAnswer } from '../http/problem.filter';
import { ProblemResponder } from '../http/problem-responder.service';
import { INTAKE_REFUSAL_SINK } from '../infrastructure/tokens';
import type { SubmissionKind } from './accept-submission.command';
import { SignedRefusal } from './signed-refusal';
import type { IntakeRefusalSink } from './intake-refusal-sink';

/** `@UseFilters(IntakeRefusals('protocol'))` on a commission endpoint. */
export function IntakeRefusals(kind: SubmissionKind): Type<ExceptionFilter> {
  @Catch()
  class IntakeRefusalsFilter implements ExceptionFilter {
    constructor(
      private readonly responder: ProblemResponder,
      @Inject(INTAKE_REFUSAL_SINK) private readonly sink: IntakeRefusalSink,
    ) {}

    catch(exception: unknown, host: ArgumentsHost): void {
      if (host.getType() !== 'http') throw exception;
      const req = host.switchToHttp().getRequest<HttpRequest>();
      const { problems, headers, status } = problemAnswer(exception, req);
      this.responder.sendRefusal(req, host.switchToHttp().getResponse<HttpReply>(), problems, headers, status);
      const raw = req.rawBody;
      const signedBy = exception instanceof SignedRefusal ? { submittedBy: exception.signedBy, ...(exception.signed ? { signed: exception.signed } : {}) } : {};
      this.sink.refused(req.params.electionId ?? '', {
        receivedAt: req.receivedAt ?? new Date().toISOString(),
        method: req.method,
        path: requestPath(req),
        kind,
        precinctId: req.params.precinctId ?? '',
        status,
        reasons: problems,
        bodySha256: raw ? createHash('sha256').update(raw).digest('hex') : null,
        bodyBytes: raw ? raw.length : null,
        ...signedBy,
      });
    }
  }
  return mixin(IntakeRefusalsFilter);
}
