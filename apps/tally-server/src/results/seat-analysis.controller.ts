// The seat analysis of a list contest at its allocating scope: how far each list is from a seat
// more or less, and the same live votes under another method and threshold. Parse, ask the
// domain, present; a commission below the allocating scope is told where seats are decided.
import { Controller, Get, Header, Headers, Param, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AllocationMethod, contestSensitivity, whatIfAllocation, type ResultsView, type SeatAnalysisRefusal } from '@tally/domain';
import { z } from 'zod';
import { problem, ProblemException } from '../http/problem';
import { ProjectorService } from '../projector/projector.service';
import { ResultsEmbargo } from './embargo';
import { electionView, EMBARGOED, notFound } from './results.controller';
import { sensitivityDto, whatIfDto, type SensitivityDto, type WhatIfDto } from './seat-analysis.presenter';

/** What-if thresholds: 0 to 10 percent, at most two decimals (basis points, like a definition's). */
const ThresholdPercent = z
  .string()
  .regex(/^\d{1,2}(\.\d{1,2})?$/, 'must be a number from 0 to 10 with at most two decimals')
  .transform(Number)
  .refine((n) => n <= 10, 'must be a number from 0 to 10 with at most two decimals');

const WhatIfQuery = z
  .object({
    method: z.enum(AllocationMethod.options, { error: `must be one of ${AllocationMethod.options.join(', ')}` }).optional(),
    thresholdPercent: ThresholdPercent.optional(),
  })
  .strict();

const PATH = ':electionId/commissions/:commissionId/contests/:contestId';
const REFUSED = { description: 'Unknown election, commission or contest, or a single-member contest (404); a commission below the allocating scope (409 NOT_ALLOCATING_SCOPE, operands.allocatingCommissionId).' };

@ApiTags('results')
@Controller('v1/elections')
export class SeatAnalysisController {
  constructor(
    private readonly projector: ProjectorService,
    private readonly embargo: ResultsEmbargo,
  ) {}

  @Get(`${PATH}/sensitivity`)
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary:
      'Per list: the fewest votes for it alone that give a seat more (gainOne) or a seat less (loseOne), and its margin over the threshold, on the live figures. Only at the contest’s allocating scope.',
  })
  @ApiParam({ name: 'electionId' })
  @ApiParam({ name: 'commissionId' })
  @ApiParam({ name: 'contestId' })
  @ApiOkResponse({ description: 'SensitivityDto (seat-analysis.presenter.ts).' })
  @ApiNotFoundResponse(REFUSED)
  @ApiConflictResponse(REFUSED)
  @ApiForbiddenResponse(EMBARGOED)
  sensitivity(
    @Param('electionId') electionId: string,
    @Param('commissionId') commissionId: string,
    @Param('contestId') contestId: string,
    @Headers('authorization') authorization?: string,
  ): SensitivityDto {
    const view = this.view(electionId);
    this.embargo.assertPublic(view.election.definition, authorization, 'Seat sensitivities');
    const r = contestSensitivity(view, commissionId, contestId);
    if (r.kind !== 'analysis') throw refused(view, r, commissionId, contestId);
    return sensitivityDto(view, commissionId, r);
  }

  @Get(`${PATH}/what-if`)
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary: 'The same live votes under another method and threshold (0–10%). Never official: labelled `official: false`, the official method and seats beside it.',
  })
  @ApiParam({ name: 'electionId' })
  @ApiParam({ name: 'commissionId' })
  @ApiParam({ name: 'contestId' })
  @ApiQuery({ name: 'method', required: false, enum: AllocationMethod.options, description: 'Default: the contest’s own.' })
  @ApiQuery({ name: 'thresholdPercent', required: false, description: '0 to 10, at most two decimals. Default: the contest’s own.' })
  @ApiOkResponse({ description: 'WhatIfDto (seat-analysis.presenter.ts).' })
  @ApiNotFoundResponse(REFUSED)
  @ApiConflictResponse(REFUSED)
  @ApiForbiddenResponse(EMBARGOED)
  whatIf(
    @Param('electionId') electionId: string,
    @Param('commissionId') commissionId: string,
    @Param('contestId') contestId: string,
    @Query() query: Record<string, unknown>,
    @Headers('authorization') authorization?: string,
  ): WhatIfDto {
    const parsed = WhatIfQuery.safeParse(query);
    if (!parsed.success) {
      throw new ProblemException(
        parsed.error.issues.map((i) =>
          i.code === 'unrecognized_keys' ? problem('MALFORMED', i.keys.join(','), `unknown query parameter; use method and thresholdPercent`) : problem('MALFORMED', i.path.join('.') || 'query', i.message),
        ),
      );
    }
    const view = this.view(electionId);
    this.embargo.assertPublic(view.election.definition, authorization, 'What-if allocations');
    const contest = view.election.contest(contestId);
    const settings = {
      method: parsed.data.method ?? (contest?.kind === 'list' ? contest.method : 'hare'),
      thresholdPercent: parsed.data.thresholdPercent ?? (contest?.kind === 'list' ? contest.thresholdPercent : 0),
    };
    const r = whatIfAllocation(view, commissionId, contestId, settings);
    if (r.kind !== 'what-if') throw refused(view, r, commissionId, contestId);
    return whatIfDto(view, commissionId, r, settings);
  }

  private view(electionId: string): ResultsView {
    return electionView(this.projector, electionId);
  }
}

/** A seat analysis's refusal as problem+json (the sensitivity, the what-if and the seat explanation share it). */
export function refused(view: ResultsView, r: SeatAnalysisRefusal, commissionId: string, contestId: string): ProblemException {
  const electionId = view.election.definition.id;
  switch (r.kind) {
    case 'unknown':
      if (!view.election.commission(commissionId)) return notFound('commissionId', `no commission "${commissionId}" in election "${electionId}"`);
      if (!view.election.contest(contestId)) return notFound('contestId', `no contest "${contestId}" in election "${electionId}"`);
      return notFound('contestId', `contest "${contestId}" is not voted in under commission "${commissionId}"`);
    case 'not-a-list-contest':
      return notFound('contestId', `contest "${contestId}" is a single-member contest: it has no list seats to analyse`);
    case 'not-allocating-scope':
      return new ProblemException([
        problem(
          'NOT_ALLOCATING_SCOPE',
          'commissionId',
          `seats of contest "${contestId}" are decided on the whole contest, not on the part under "${commissionId}": ask at "${r.allocatingCommissionId}"`,
          { allocatingCommissionId: r.allocatingCommissionId },
        ),
      ]);
    default: {
      const never: never = r;
      return never;
    }
  }
}
