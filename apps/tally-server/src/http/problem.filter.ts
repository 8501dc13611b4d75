// The one exception filter: whatever was thrown (a ProblemException, Nest's own HttpExceptions such
// as a 404 route or the throttler's 429, or a bug) leaves as application/problem+json.
import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { HttpRequest } from './http-request';
import { problem, ProblemException, type ProblemCode, type ProblemItem } from './problem';
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

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problems');

  constructor(private readonly responder: ProblemResponder) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const req = host.switchToHttp().getRequest<HttpRequest>();
    const res = host.switchToHttp().getResponse<ServerResponse>();
    if (exception instanceof ProblemException) {
      this.responder.send(req, res, exception.problems, exception.headers, exception.status);
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'MALFORMED');
      const message =
        code === 'NOT_FOUND'
          ? `no ${req.method} ${req.path} here (see /docs)`
          : code === 'TOO_MANY_REQUESTS'
            ? 'too many requests; retry after the number of seconds in Retry-After'
            : exception.message;
      const items: ProblemItem[] = [problem(code, '', message, code === 'NOT_FOUND' ? { method: req.method ?? '', path: req.path ?? '' } : undefined)];
      this.responder.send(req, res, items, {}, status);
      return;
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    this.responder.send(req, res, [problem('INTERNAL', '', 'an internal error; it has been logged')], {}, 500);
  }
}
