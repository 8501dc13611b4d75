// The commissions' endpoints: submit a protocol, correct one, report running turnout. Each parses
// nothing itself: it hands the request (with its Idempotency-Key header) to AcceptSubmission and
// maps the outcome to HTTP: 202 queued, or 200 for a retry of a submission already decided. Whatever
// refuses a request here leaves through IntakeRefusals, which also hands it to the refusal sink.
// The answer is serialized here and sent as it is, not returned for Nest to serialize: these are
// the routes of an election night (under Express, res.json hashed every 202 for an ETag no one
// caches: bench/intake A/B, about a tenth of intake's CPU per request).
import { Body, Controller, HttpCode, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { HttpReply, HttpRequest } from '../http/http-request';
import { ProblemException } from '../http/problem';
import { RateLimitGuard } from '../http/rate-limit.guard';
import type { SubmissionState } from '../submissions/submission-status.service';
import { AcceptSubmission, type SubmissionKind } from './accept-submission.command';
import { IntakeRefusals } from './intake-refusals.filter';
import { SignedRefusal } from './signed-refusal';
import { acceptedSchema, correctProtocolSchema, problemSchema, reportTurnoutSchema, submitProtocolSchema } from './intake.openapi';

export interface AcceptedResponse {
  readonly submissionId: string;
  /** queued (202) for a new submission; a retry of a decided one says recorded or refused (200). */
  readonly state: SubmissionState;
  /** A retry (same signed body, or same Idempotency-Key): the first try's id, nothing queued again. */
  readonly duplicate: boolean;
  readonly submittedBy: string;
  readonly statusUrl: string;
  readonly waitUrl: string;
}


const retried = ApiResponse({ status: 200, description: 'A retry of a submission already recorded or refused: its id and state, nothing queued', schema: acceptedSchema });
const problems = [retried, ...[400, 401, 403, 404, 413, 415, 422, 429, 503].map((status) => ApiResponse({ status, description: 'application/problem+json', schema: problemSchema }))];
const Problems = (): MethodDecorator => (target, key, descriptor) => {
  for (const d of problems) d(target, key, descriptor);
};

@ApiTags('commissions')
@ApiParam({ name: 'electionId', example: 'almaty-city-2023' })
@ApiParam({ name: 'precinctId', example: 'almaty-p001' })
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'Optional, 1–255 visible ASCII characters. The same key from the same commission for the same precinct and kind is the same submission; without one, the signed body is.',
})
@UseGuards(RateLimitGuard)
@Controller('v1/elections/:electionId/precincts/:precinctId')
export class CommissionSubmissionsController {
  constructor(private readonly commands: CommandBus) {}

  @Post('protocols')
  @UseFilters(IntakeRefusals('protocol'))
  @HttpCode(202)
  @ApiOperation({ summary: "Submit a precinct's protocol for one contest, signed by the precinct commission" })
  @ApiBody({ schema: submitProtocolSchema })
  @ApiResponse({ status: 202, description: 'Accepted: queued for recording', schema: acceptedSchema })
  @Problems()
  submit(@Param('electionId') electionId: string, @Param('precinctId') precinctId: string, @Body() body: unknown, @Req() req: HttpRequest, @Res() res: HttpReply): Promise<void> {
    return this.accept('protocol', { electionId, precinctId, body, req, res });
  }

  @Post('protocols/:contestId/corrections')
  @UseFilters(IntakeRefusals('correction'))
  @HttpCode(202)
  @ApiOperation({ summary: 'Correct a recorded protocol (reason required), signed by a territorial commission above the precinct' })
  @ApiParam({ name: 'contestId', example: 'almaty-city-list' })
  @ApiBody({ schema: correctProtocolSchema })
  @ApiResponse({ status: 202, description: 'Accepted: queued for recording', schema: acceptedSchema })
  @Problems()
  correct(
    @Param('electionId') electionId: string,
    @Param('precinctId') precinctId: string,
    @Param('contestId') contestId: string,
    @Body() body: unknown,
    @Req() req: HttpRequest,
    @Res() res: HttpReply,
  ): Promise<void> {
    return this.accept('correction', { electionId, precinctId, contestId, body, req, res });
  }

  @Post('turnout')
  @UseFilters(IntakeRefusals('turnout'))
  @HttpCode(202)
  @ApiOperation({ summary: 'Report running turnout (ballots issued so far) at one of the reporting times' })
  @ApiBody({ schema: reportTurnoutSchema })
  @ApiResponse({ status: 202, description: 'Accepted: queued for recording', schema: acceptedSchema })
  @Problems()
  turnout(@Param('electionId') electionId: string, @Param('precinctId') precinctId: string, @Body() body: unknown, @Req() req: HttpRequest, @Res() res: HttpReply): Promise<void> {
    return this.accept('turnout', { electionId, precinctId, body, req, res });
  }

  private async accept(
    kind: SubmissionKind,
    r: { electionId: string; precinctId: string; contestId?: string; body: unknown; req: HttpRequest; res: HttpReply },
  ): Promise<void> {
    const header = r.req.headers['idempotency-key'];
    // Sent twice, Node joins the values with ", ": the judgement refuses that as a key.
    const idempotencyKey = Array.isArray(header) ? header.join(', ') : header;
    const outcome = await this.commands.execute(
      new AcceptSubmission({
        kind,
        electionId: r.electionId,
        precinctId: r.precinctId,
        ...(r.contestId !== undefined ? { contestId: r.contestId } : {}),
        body: r.body,
        receivedAt: r.req.receivedAt ?? new Date().toISOString(),
        ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      }),
    );
    if (!outcome.accepted) {
      if (outcome.signedBy !== undefined) throw new SignedRefusal(outcome.problems, outcome.headers, outcome.signedBy, outcome.signed);
      throw new ProblemException(outcome.problems, outcome.headers);
    }
    const statusUrl = `/v1/submissions/${outcome.submissionId}`;
    const answer: AcceptedResponse = { submissionId: outcome.submissionId, state: outcome.state, duplicate: outcome.duplicate, submittedBy: outcome.submittedBy, statusUrl, waitUrl: `${statusUrl}?wait=30s` };
    const json = JSON.stringify(answer);
    // A retry of a submission already decided is not accepted anew: 200 with what it became.
    // The headers the rate limiter set on the reply stay.
    r.res.code(outcome.state === 'queued' ? 202 : 200).headers({ Location: statusUrl, 'Content-Type': 'application/json; charset=utf-8' }).send(json);
  }
}
