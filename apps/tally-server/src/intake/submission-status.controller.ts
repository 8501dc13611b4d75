// A submission's status, now or once it has an outcome (long poll: `?wait=10s`, at most 60 s).
import { Controller, Get, Optional, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ReceiptAnswer } from '@tally/merkle-log';
import { problem, ProblemException } from '../http/problem';
import { LogService } from '../log/log.service';
import { SubmissionStatusService, type SubmissionStatus } from '../submissions/submission-status.service';
import { problemSchema } from './intake.openapi';
import { parseWait } from './intake-request.schemas';

const MAX_WAIT_MS = 60_000;
const SUBMISSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type StatusResponse = SubmissionStatus & { readonly submissionId: string; readonly receipt?: ReceiptAnswer };

@ApiTags('commissions')
@Controller('v1/submissions')
export class SubmissionStatusController {
  constructor(
    private readonly status: SubmissionStatusService,
    // Absent when the log is off (TALLY_LOG=off): the status then carries no receipt.
    @Optional() private readonly log?: LogService,
  ) {}

  @Get(':submissionId')
  @ApiOperation({
    summary:
      "A submission's status: queued, recorded (stream, revision, position), refused (reasons), or set-aside (acknowledged, then dead-lettered by a recorder: the letter's code in reasons; the same body sent again is queued anew)",
  })
  @ApiQuery({ name: 'wait', required: false, description: 'long poll: answer once recorded, refused or set aside, or after this long ("10s", "500ms"; at most 60s)' })
  @ApiResponse({ status: 200, description: 'The status' })
  @ApiResponse({ status: 404, description: 'application/problem+json: UNKNOWN_SUBMISSION', schema: problemSchema })
  async get(@Param('submissionId') submissionId: string, @Query('wait') wait?: unknown): Promise<StatusResponse> {
    let waitMs = 0;
    if (wait !== undefined) {
      const parsed = typeof wait === 'string' ? parseWait(wait) : undefined;
      if (parsed === undefined || parsed > MAX_WAIT_MS) {
        throw new ProblemException([problem('MALFORMED', 'wait', 'wait is a duration up to 60s, e.g. "10s" or "500ms"', { wait: String(wait) })]);
      }
      waitMs = parsed;
    }
    if (!SUBMISSION_ID.test(submissionId)) {
      throw new ProblemException([problem('MALFORMED', 'submissionId', 'a submission id is a UUID', { submissionId: submissionId.slice(0, 40) })]);
    }
    const current = this.status.get(submissionId);
    // Not known here may be queued through another intake process: with a wait, its outcome is
    // awaited like any other (the status follows the store, whoever recorded it).
    const status = (current === undefined || current.state === 'queued') && waitMs > 0 ? await this.status.waitForOutcome(submissionId, waitMs) : current;
    if (!status) {
      throw new ProblemException([
        problem('UNKNOWN_SUBMISSION', 'submissionId', `no submission ${submissionId} is known here yet: one queued through another intake process shows once recorded (ask with ?wait=30s)`, { submissionId }),
      ]);
    }
    const receipt = await this.log?.receiptOf(status);
    return { submissionId, ...status, ...(receipt ? { receipt } : {}) };
  }
}
