// A seat explained, publicly: the quota or divisor table of the contest's provisional allocation,
// the rank of every seat, and the precincts whose counted protocols make up each list's votes.
// Its own controller: the embargo (results withheld before polls close) gates it where it is
// mounted, without this file knowing. Parse, ask the domain, present.
import { Controller, Get, Header, Headers, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { contestExplanation } from '@tally/domain';
import { z } from 'zod';
import { parseQuery } from '../http/query';
import { ProjectorService } from '../projector/projector.service';
import { ResultsEmbargo } from './embargo';
import { electionView, EMBARGOED } from './results.controller';
import { refused } from './seat-analysis.controller';
import { ExplanationDtoDoc } from './seat-explanation.dto';
import { explanationDtoOf, type ExplanationDto } from './seat-explanation.presenter';

const MAX_LIMIT = 10_000;

const ExplanationQuery = z
  .object({
    offset: z.string().regex(/^\d{1,9}$/, 'must be a whole number from 0').transform(Number).default(0),
    limit: z
      .string()
      .regex(/^\d{1,5}$/, `must be a whole number from 1 to ${MAX_LIMIT}`)
      .transform(Number)
      .refine((n) => n >= 1 && n <= MAX_LIMIT, `must be a whole number from 1 to ${MAX_LIMIT}`)
      .default(1000),
  })
  .strict();

@ApiTags('results')
@Controller('v1/elections')
export class SeatExplanationController {
  constructor(
    private readonly projector: ProjectorService,
    private readonly embargo: ResultsEmbargo,
  ) {}

  @Get(':electionId/commissions/:commissionId/contests/:contestId/explanation')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary:
      'Why each seat went where it did, on the live figures: the quota and each list’s remainder (Hare, Droop) or the divisor table (D’Hondt, Sainte-Laguë), the rank of every seat, and the precincts whose counted protocols make up each list’s votes (totals only; signatures are the auditors’ explain). Only at the contest’s allocating scope.',
  })
  @ApiParam({ name: 'electionId' })
  @ApiParam({ name: 'commissionId' })
  @ApiParam({ name: 'contestId' })
  @ApiQuery({ name: 'offset', required: false, description: 'First precinct of the page (0 by default).' })
  @ApiQuery({ name: 'limit', required: false, description: `Precincts per page, 1 to ${MAX_LIMIT} (1,000 by default).` })
  @ApiOkResponse({ type: ExplanationDtoDoc })
  @ApiBadRequestResponse({ description: 'A bad offset or limit, or an unknown parameter (400 MALFORMED naming it).' })
  @ApiNotFoundResponse({ description: 'Unknown election, commission or contest, or a single-member contest.' })
  @ApiConflictResponse({ description: 'A commission below the allocating scope (409 NOT_ALLOCATING_SCOPE, operands.allocatingCommissionId).' })
  @ApiForbiddenResponse(EMBARGOED)
  explanation(
    @Param('electionId') electionId: string,
    @Param('commissionId') commissionId: string,
    @Param('contestId') contestId: string,
    @Query() query: unknown,
    @Headers('authorization') authorization?: string,
  ): ExplanationDto {
    const q = parseQuery(ExplanationQuery, query);
    const view = electionView(this.projector, electionId);
    this.embargo.assertPublic(view.election.definition, authorization, 'Seat explanations');
    const r = contestExplanation(view, commissionId, contestId, { offset: q.offset, limit: q.limit });
    if (r.kind !== 'explanation') throw refused(view, r, commissionId, contestId);
    return explanationDtoOf(view, commissionId, r, q.limit);
  }
}
