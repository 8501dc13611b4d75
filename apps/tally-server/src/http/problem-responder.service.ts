// Writes every problem response, whether it comes from a handler, a guard, Nest's router or the
// body reader: the problem+json document, the log line, the refusal counter by code, and for a
// commission endpoint of a known election, the refusal record in the event history.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app.config';
import { ElectionRegistry } from '../elections/election-registry.service';
import { APP_CONFIG } from '../infrastructure/tokens';
import { IntakeRejectionLog } from '../intake/intake-rejection-log.service';
import type { SubmissionRefusedAtIntake } from '../intake/intake-rejection.events';
import { TallyMetrics } from '../ops/metrics.service';
import type { HttpRequest } from './http-request';
import { PROBLEM_CONTENT_TYPE, problemDocument, statusOfAll, type ProblemItem } from './problem';

const INTAKE_PATH = /^\/v1\/elections\/([^/]+)\/precincts\/([^/]+)\/(?:(protocols)|protocols\/[^/]+\/corrections|(turnout))\/?$/;

/** Not worth a record in the history: floods (429) and routes that do not exist here. */
const NOT_RECORDED = new Set(['TOO_MANY_REQUESTS', 'NOT_FOUND', 'METHOD_NOT_ALLOWED', 'UNAVAILABLE', 'INTERNAL']);

const decode = (part: string): string | undefined => {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
};

@Injectable()
export class ProblemResponder {
  private readonly logger = new Logger('Problems');
  private readonly intakeRole: boolean;

  constructor(
    private readonly metrics: TallyMetrics,
    private readonly rejections: IntakeRejectionLog,
    private readonly elections: ElectionRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.intakeRole = config.roles.includes('intake');
  }

  send(req: HttpRequest, res: ServerResponse, problems: readonly ProblemItem[], headers: Readonly<Record<string, string>> = {}, status = statusOfAll(problems)): void {
    const path = req.path ?? (req.url ?? '').split('?')[0];
    const document = problemDocument(problems, path, status);
    if (!res.headersSent) {
      res.statusCode = status;
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      res.setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
      res.end(JSON.stringify(document));
    } else if (!res.writableEnded) {
      res.end();
    }
    if (status >= 500) {
      this.logger.error(`${req.method} ${path} → ${status} ${document.code}: ${document.detail}`);
      return;
    }
    const intake = req.method === 'POST' ? INTAKE_PATH.exec(path) : null;
    if (!intake) return;
    for (const p of problems) this.metrics.intakeRefusals.inc({ code: p.code });
    this.logger.log({ msg: 'intake refused a request', path, status, codes: problems.map((p) => p.code), fields: problems.map((p) => p.field) });
    const electionId = decode(intake[1]);
    const precinctId = decode(intake[2]);
    if (!this.intakeRole || electionId === undefined || precinctId === undefined || NOT_RECORDED.has(document.code)) return;
    if (!this.elections.get(electionId)) return; // an unknown election has no history to write to
    const raw = req.rawBody;
    const record: SubmissionRefusedAtIntake = {
      type: 'SubmissionRefusedAtIntake',
      data: {
        receivedAt: req.receivedAt ?? new Date().toISOString(),
        method: req.method ?? 'POST',
        path,
        kind: intake[3] ? 'protocol' : intake[4] ? 'turnout' : 'correction',
        precinctId,
        status,
        reasons: problems.slice(0, 100),
        bodySha256: raw ? createHash('sha256').update(raw).digest('hex') : null,
        bodyBytes: raw ? raw.length : null,
      },
    };
    this.rejections.record(electionId, record);
  }
}
