// Forensic signals of a commission in a contest, over its precincts' counted protocols: the
// election fingerprint and the tests of libs/domain's forensics (README: "Forensic signals").
// Its own controller, like the seat explanation: the embargo gates it where it is mounted.
import { Controller, Get, Header, Headers, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { commissionForensics } from '@tally/domain';
import { z } from 'zod';
import { parseQuery } from '../http/query';
import { ProjectorService } from '../projector/projector.service';
import { ForensicsDtoDoc } from './forensics.dto';
import { forensicsDto, type ForensicsDto } from './forensics.presenter';
import { ResultsEmbargo } from './embargo';
import { ProtocolArrivalsService } from './protocol-arrivals.service';
import { electionView, EMBARGOED, notFound } from './results.controller';

@ApiTags('results')
@Controller('v1/elections')
export class ForensicsController {
  constructor(
    private readonly projector: ProjectorService,
    private readonly arrivals: ProtocolArrivalsService,
    private readonly embargo: ResultsEmbargo,
  ) {}

  @Get(':electionId/commissions/:commissionId/contests/:contestId/forensics')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary:
      'Signals, never verdicts, over the commission’s precinct protocols in the contest: the turnout × leader-share fingerprint (Klimek et al. 2012), integer-percentage spikes in turnout and in the leader’s share (Kobak et al. 2016), the last-digit test, protocols recorded long after the others, and corrections concentrated in one reporting commission. Each names its test, statistic, p-value, threshold (α = 0.001) and the precincts behind it.',
  })
  @ApiParam({ name: 'electionId' })
  @ApiParam({ name: 'commissionId' })
  @ApiParam({ name: 'contestId' })
  @ApiOkResponse({ type: ForensicsDtoDoc })
  @ApiBadRequestResponse({ description: 'A query parameter (none is taken: 400 MALFORMED naming it).' })
  @ApiNotFoundResponse({ description: 'Unknown election, commission or contest, or a contest not voted in under the commission.' })
  @ApiForbiddenResponse(EMBARGOED)
  async forensics(
    @Param('electionId') electionId: string,
    @Param('commissionId') commissionId: string,
    @Param('contestId') contestId: string,
    @Query() query: unknown,
    @Headers('authorization') authorization?: string,
  ): Promise<ForensicsDto> {
    parseQuery(z.object({}).strict(), query);
    const view = electionView(this.projector, electionId);
    // The fingerprint and the signals read the leaders' shares: results, under the embargo.
    this.embargo.assertPublic(view.election.definition, authorization, 'Forensic signals');
    if (!view.election.commission(commissionId)) throw notFound('commissionId', `no commission "${commissionId}" in election "${electionId}"`);
    if (!view.election.contest(contestId)) throw notFound('contestId', `no contest "${contestId}" in election "${electionId}"`);
    const arrivals = await this.arrivals.of(electionId, contestId);
    const r = commissionForensics(view, commissionId, contestId, arrivals);
    if (r.kind !== 'forensics') throw notFound('contestId', `contest "${contestId}" is not voted in under commission "${commissionId}"`);
    return forensicsDto(view, r);
  }
}
