// The public query API over the projector's read models: translate the path, ask the view,
// present. Nothing here computes a figure. Unknown ids are 404 problem+json documents.
import { Controller, Get, Header, Headers, Param, Query } from '@nestjs/common';
import { ApiExtraModels, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { commissionTree, type CommissionNode, type ElectionDefinition, type ResultsView } from '@tally/domain';
import { usesDemoKeys } from '@tally/signatures';
import { z } from 'zod';
import { ElectionRegistry } from '../elections/election-registry.service';
import { problem, ProblemException } from '../http/problem';
import { ProjectorService } from '../projector/projector.service';
import { ResultsEmbargo } from './embargo';
import { figureStatus, withStatus } from './figure-status';
import {
  BodyCompositionDtoDoc,
  CommissionNodeDto,
  CommissionPayloadDto,
  ContestResultsDtoDoc,
  ElectionDetailDto,
  ElectionListItemDto,
} from './results.dto';
import {
  bodyCompositionDto,
  commissionContest,
  commissionPayload,
  electionDetail,
  electionListItem,
  withEmbargo,
  type BodyCompositionDto,
  type CommissionPayload,
  type ContestResultsDto,
  type ElectionDetail,
  type ElectionListItem,
} from './results.presenter';

export const EMBARGOED = {
  description: 'Before the election’s `resultsNotBefore` (default: the close of polls), to a request without the admin or auditor token: 403 problem+json, code EMBARGOED, operands.until.',
};

const NOT_FOUND = { description: 'Unknown election, commission, contest or body (application/problem+json, code UNKNOWN_ELECTION or NOT_FOUND).' };

const TreeQuery = z
  .object({
    from: z.string().min(1).optional(),
    depth: z.coerce.number().int().min(0).max(64).optional(),
    precincts: z.enum(['true', 'false']).optional(),
  })
  .strict();

@ApiTags('results')
@ApiExtraModels(ContestResultsDtoDoc, BodyCompositionDtoDoc)
@Controller('v1/elections')
export class ResultsController {
  private readonly demo = new WeakMap<ElectionDefinition, boolean>();

  constructor(
    private readonly projector: ProjectorService,
    private readonly registry: ElectionRegistry,
    private readonly embargo: ResultsEmbargo,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'The elections this service knows, with names (kk/ru/en) and reporting progress.' })
  @ApiOkResponse({ type: [ElectionListItemDto] })
  list(): ElectionListItem[] {
    return this.registry
      .list()
      .map((e) => this.projector.engine.view(e.definition.id))
      .filter((v): v is ResultsView => v !== undefined)
      .map((v) => electionListItem(v, this.isDemo(v.election.definition), this.embargo.state(v.election.definition)));
  }

  @Get(':electionId')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'One election: bodies, lists with colours, candidates, contests, turnout times, and the summary (progress, refusals, position).' })
  @ApiParam({ name: 'electionId' })
  @ApiOkResponse({ type: ElectionDetailDto })
  @ApiNotFoundResponse(NOT_FOUND)
  detail(@Param('electionId') electionId: string): ElectionDetail {
    const view = this.view(electionId);
    return electionDetail(view, this.isDemo(view.election.definition), this.embargo.state(view.election.definition));
  }

  /** Derived once per definition: a demo key check derives one key pair per commission. */
  private isDemo(definition: ElectionDefinition): boolean {
    let demo = this.demo.get(definition);
    if (demo === undefined) this.demo.set(definition, (demo = usesDemoKeys(definition)));
    return demo;
  }

  @Get(':electionId/tree')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'The commission tree with each commission’s reporting progress, for drill-down.' })
  @ApiParam({ name: 'electionId' })
  @ApiQuery({ name: 'from', required: false, description: 'Root of the subtree (default: the election’s root commission).' })
  @ApiQuery({ name: 'depth', required: false, description: 'Levels of children to include, 0–64 (default: all).' })
  @ApiQuery({ name: 'precincts', required: false, enum: ['true', 'false'], description: 'Include precinct nodes (default false).' })
  @ApiOkResponse({ type: CommissionNodeDto })
  @ApiNotFoundResponse(NOT_FOUND)
  tree(@Param('electionId') electionId: string, @Query() query: Record<string, unknown>): CommissionNode {
    const view = this.view(electionId);
    const parsed = TreeQuery.safeParse(query);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new ProblemException([problem('MALFORMED', i.path.join('.') || 'query', i.message)]);
    }
    const { from, depth, precincts } = parsed.data;
    const tree = commissionTree(view, { from, depth, precincts: precincts === 'true' });
    if (!tree) throw notFound('from', `no commission "${from}" in election "${electionId}"`);
    return tree;
  }

  @Get(':electionId/commissions/:commissionId')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary:
      'Everything a dashboard shows for one commission (any level, precincts included): progress, children, every contest’s results, body compositions. Under the embargo (`embargoed`, until `resultsNotBefore`) the public gets each contest’s turnout and progress only (`embargoed: true`) and no bodies.',
  })
  @ApiParam({ name: 'electionId' })
  @ApiParam({ name: 'commissionId' })
  @ApiOkResponse({ type: CommissionPayloadDto })
  @ApiNotFoundResponse(NOT_FOUND)
  commission(@Param('electionId') electionId: string, @Param('commissionId') commissionId: string, @Headers('authorization') authorization?: string): CommissionPayload {
    const view = this.view(electionId);
    const payload = commissionPayload(view, commissionId);
    if (!payload) throw notFound('commissionId', `no commission "${commissionId}" in election "${electionId}"`);
    const definition = view.election.definition;
    const judged = withStatus(payload, this.registry.lifecycle(electionId), view.election);
    return withEmbargo(judged, this.embargo.state(definition), this.embargo.withholds(definition, authorization));
  }

  @Get(':electionId/commissions/:commissionId/contests/:contestId')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary: 'One contest at one commission: turnout (final and by time), precincts reported, votes and shares, threshold status with certainty, provisional seats or district outcome.',
  })
  @ApiParam({ name: 'electionId' })
  @ApiParam({ name: 'commissionId' })
  @ApiParam({ name: 'contestId' })
  @ApiOkResponse({ type: ContestResultsDtoDoc })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiForbiddenResponse(EMBARGOED)
  contest(
    @Param('electionId') electionId: string,
    @Param('commissionId') commissionId: string,
    @Param('contestId') contestId: string,
    @Headers('authorization') authorization?: string,
  ): ContestResultsDto {
    const view = this.view(electionId);
    this.embargo.assertPublic(view.election.definition, authorization, 'Contest results');
    if (!view.election.commission(commissionId)) throw notFound('commissionId', `no commission "${commissionId}" in election "${electionId}"`);
    if (!view.election.contest(contestId)) throw notFound('contestId', `no contest "${contestId}" in election "${electionId}"`);
    const results = commissionContest(view, commissionId, contestId);
    if (!results) throw notFound('contestId', `contest "${contestId}" is not voted in under commission "${commissionId}"`);
    return { ...results, status: figureStatus(this.registry.lifecycle(electionId), view.election, results) };
  }

  @Get(':electionId/bodies/:bodyId')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'The provisional composition of a body: list seats, district winners, seats per party.' })
  @ApiParam({ name: 'electionId' })
  @ApiParam({ name: 'bodyId' })
  @ApiOkResponse({ type: BodyCompositionDtoDoc })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiForbiddenResponse(EMBARGOED)
  body(@Param('electionId') electionId: string, @Param('bodyId') bodyId: string, @Headers('authorization') authorization?: string): BodyCompositionDto {
    const view = this.view(electionId);
    this.embargo.assertPublic(view.election.definition, authorization, 'Seats');
    const composition = bodyCompositionDto(view, bodyId);
    if (!composition) throw notFound('bodyId', `no body "${bodyId}" in election "${electionId}"`);
    return { ...composition, status: this.registry.lifecycle(electionId)?.certified.has(bodyId) ? 'certified' : 'provisional' };
  }

  private view(electionId: string): ResultsView {
    return electionView(this.projector, electionId);
  }
}

/** The election's results view, or 404 UNKNOWN_ELECTION. */
export function electionView(projector: ProjectorService, electionId: string): ResultsView {
  const view = projector.engine.view(electionId);
  if (!view) throw new ProblemException([problem('UNKNOWN_ELECTION', 'electionId', `no election "${electionId}"`)]);
  return view;
}

export const notFound = (field: string, message: string): ProblemException => new ProblemException([problem('NOT_FOUND', field, message)]);
