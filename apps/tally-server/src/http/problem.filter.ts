// The one exception filter: whatever was thrown (a ProblemException, Nest's own HttpExceptions such
// as a 404 route or the throttler's 429, or a bug) leaves as application/problem+json. Routes that
// do more with their refusals (intake's, intake-refusals.filter.ts) compute the same answer with
// `problemAnswer` and write it through the same responder.
import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { requestPath, type HttpReply, type HttpRequest } from './http-request';
import { problem, ProblemException, statusOfAll, type ProblemCode, type ProblemItem } from './problem';
import { ProblemResponder } from './problem-responder.service';

const CODE_BY_STATUS: Record<number, ProblemCode> = {
  400: 'MALFORMED',
  401: 'TOKEN_REQUIRED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'UNAVAILABLE',
};

const logger = new Logger('Problems');

export interface ProblemAnswer {
  readonly problems: readonly ProblemItem[];
  readonly headers: Readonly<Record<string, string>>;
  readonly status: number;
}

/** The problem+json answer to whatever was thrown while handling the request. A bug is logged here. */
export function problemAnswer(exception: unknown, req: HttpRequest): ProblemAnswer {
  // A body the reader found wrong comes first, whatever was raised after it (Nest's 404 for a
  // route that does not exist): the body is judged before the route.
  if (req.bodyProblems !== undefined) return { problems: req.bodyProblems, headers: {}, status: statusOfAll(req.bodyProblems) };
  if (exception instanceof ProblemException) return { problems: exception.problems, headers: exception.headers, status: exception.status };
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'MALFORMED');
    const path = requestPath(req);
    const message =
      code === 'NOT_FOUND'
        ? `no ${req.method} ${path} here (see /docs)`
        : code === 'TOO_MANY_REQUESTS'
          ? 'too many requests; retry after the number of seconds in Retry-After'
          : exception.message;
    return { problems: [problem(code, '', message, code === 'NOT_FOUND' ? { method: req.method, path } : undefined)], headers: {}, status };
  }
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return { problems: [problem('INTERNAL', '', 'an internal error; it has been logged')], headers: {}, status: 500 };
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly responder: ProblemResponder) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const req = host.switchToHttp().getRequest<HttpRequest>();
    const answer = problemAnswer(exception, req);
    this.responder.send(req, host.switchToHttp().getResponse<HttpReply>(), answer.problems, answer.headers, answer.status);
  }
}
