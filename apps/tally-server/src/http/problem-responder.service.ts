// Writes every problem response, whether it comes from a handler, a guard, Nest's router or the
// body reader: the problem+json document, and the service's own failures (5xx) logged as errors.
// A refusal of a commission's request is also logged and counted by code (`sendRefusal`): the
// caller says it is one (intake's exception filter, on intake's own routes); nothing here reads
// the URL to guess.
import { Injectable, Logger } from '@nestjs/common';
import { TallyMetrics } from '../ops/metrics.service';
import { requestPath, type HttpReply, type HttpRequest } from './http-request';
import { PROBLEM_CONTENT_TYPE, problemDocument, statusOfAll, type ProblemItem } from './problem';

@Injectable()
export class ProblemResponder {
  private readonly logger = new Logger('Problems');

  constructor(private readonly metrics: TallyMetrics) {}

  send(req: HttpRequest, res: HttpReply, problems: readonly ProblemItem[], headers: Readonly<Record<string, string>> = {}, status = statusOfAll(problems)): void {
    this.write(req, res, problems, headers, status);
  }

  /** A commission's request refused before the queue: written as `send` writes it, then logged and counted. */
  sendRefusal(req: HttpRequest, res: HttpReply, problems: readonly ProblemItem[], headers: Readonly<Record<string, string>> = {}, status = statusOfAll(problems)): void {
    const path = this.write(req, res, problems, headers, status);
    if (status >= 500) return;
    for (const p of problems) this.metrics.intakeRefusals.inc({ code: p.code });
    this.logger.log({ msg: 'intake refused a request', path, status, codes: problems.map((p) => p.code), fields: problems.map((p) => p.field) });
  }

  /** Writes the document (once: a response already under way is only ended); returns the path it names. */
  private write(req: HttpRequest, res: HttpReply, problems: readonly ProblemItem[], headers: Readonly<Record<string, string>>, status: number): string {
    const path = requestPath(req);
    const document = problemDocument(problems, path, status);
    if (!res.sent && !res.raw.headersSent) {
      // A body too large was left unread: the client is told to stop sending it.
      if (problems.some((p) => p.code === 'PAYLOAD_TOO_LARGE')) res.header('Connection', 'close');
      res.code(status).headers(headers).type(`${PROBLEM_CONTENT_TYPE}; charset=utf-8`).send(JSON.stringify(document));
    } else if (!res.raw.writableEnded) {
      res.raw.end();
    }
    if (status >= 500) this.logger.error(`${req.method} ${path} → ${status} ${document.code}: ${document.detail}`);
    return path;
  }
}
