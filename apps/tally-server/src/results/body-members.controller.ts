// A body's members and its comparison with the last election. Translate the path, ask the domain
// (bodyMembers, compareWithBaseline), present. The withdrawn candidates come from the election's
// stream (the registry's fold); the baseline's figures from the definition or, for a baseline that
// is another election of this service, from that election's own results view.
import { Controller, Get, Header, Headers, Param, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { bodyMembers, CalendarDate, compareWithBaseline, inlineBaselineFigures, membersOn, resultsBaselineFigures, type BaselineFigures, type MembersOnDate } from '@tally/domain';
import { z } from 'zod';
import { problem, ProblemException } from '../http/problem';
import { ElectionRegistry } from '../elections/election-registry.service';
import { ProjectorService } from '../projector/projector.service';
import { baselineComparisonDto, bodyMembersDto, type BaselineComparisonDto, type BodyMembersDto, type MembersOnDateDto } from './body-members.presenter';

const MembersQuery = z.object({ on: CalendarDate.optional() }).strict();
import { ResultsEmbargo } from './embargo';
import { electionView, notFound } from './results.controller';

const PATH = ':electionId/bodies/:bodyId';

@ApiTags('results')
@Controller('v1/elections')
export class BodyMembersController {
  constructor(
    private readonly projector: ProjectorService,
    private readonly registry: ElectionRegistry,
    private readonly embargo: ResultsEmbargo,
  ) {}

  @Get(`${PATH}/members`)
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary:
      "The body's provisional membership: list seats named in ranked-list order (withdrawn candidates skipped; null where no eligible candidate is left), district winners; the majority line (more than half the seats), who holds it and how many seats the largest party lacks.",
  })
  @ApiParam({ name: 'electionId' })
  @ApiParam({ name: 'bodyId' })
  @ApiOkResponse({
    description:
      '{ bodyId, name, basis: "provisional", seatsTotal, members: [{ seat: { kind: "list", contestId, list, number } | { kind: "district", contestId, district }, party, candidate: { id, name, rank? } | null }], majority: { seats, of, largest: { party, seats } | null, heldBy, lacking } }',
  })
  @ApiQuery({
    name: 'on',
    required: false,
    description:
      'YYYY-MM-DD: the registered membership on that date instead, from the election stream (registration, early terminations with their grounds, successions, by-elections): { bodyId, name, basis: "registered", on, registeredOn, seatsTotal, members: [{ seat, party, candidate, since }], vacancies: [{ seat, party, since, ground }], majority }.',
  })
  @ApiNotFoundResponse({ description: 'UNKNOWN_ELECTION, or NOT_FOUND for an unknown body (application/problem+json).' })
  @ApiConflictResponse({ description: 'NOT_REGISTERED: `on` is before the deputies were registered, or they are not yet (application/problem+json, field `on`).' })
  members(
    @Param('electionId') electionId: string,
    @Param('bodyId') bodyId: string,
    @Query() query: Record<string, unknown>,
    @Headers('authorization') authorization?: string,
  ): BodyMembersDto | MembersOnDateDto {
    const parsed = MembersQuery.safeParse(query);
    if (!parsed.success) throw new ProblemException(parsed.error.issues.map((i) => problem('MALFORMED', i.path.join('.') || 'query', i.code === 'unrecognized_keys' ? 'unknown query parameter; use on=YYYY-MM-DD' : i.message)));
    const view = electionView(this.projector, electionId);
    // Who takes the seats is a result: withheld, like the seats, until the embargo ends.
    this.embargo.assertPublic(view.election.definition, authorization, 'Members');
    const body = view.election.body(bodyId);
    if (!body) throw notFound('bodyId', `no body "${bodyId}" in election "${electionId}"`);
    const { on } = parsed.data;
    if (on !== undefined) {
      const state = this.registry.state(electionId);
      const mandates = state?.status === 'defined' ? state.mandates.get(bodyId) : undefined;
      const sitting: MembersOnDate | undefined = mandates ? membersOn(view.election.definition, bodyId, mandates, on) : undefined;
      if (!sitting) {
        const operands: Record<string, string> = mandates ? { bodyId, registeredOn: mandates.registeredOn } : { bodyId };
        throw new ProblemException([problem('NOT_REGISTERED', 'on', mandates ? `the deputies of ${bodyId} were registered on ${mandates.registeredOn}, after ${on}` : `the deputies of ${bodyId} are not registered yet`, operands)]);
      }
      return { ...sitting, name: body.name, basis: 'registered' };
    }
    const members = bodyMembers(view, bodyId, this.registry.withdrawn(electionId));
    if (!members) throw notFound('bodyId', `no body "${bodyId}" in election "${electionId}"`);
    return bodyMembersDto(members, body.name);
  }

  @Get(`${PATH}/baseline`)
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary:
      "The body against the last election named by the definition's baseline: per list its share, previous share (successors mapped), swing in percentage points and seat change (null while any seat of the body is undecided); turnout and its change. Shares exact, with the rounded percent beside; points rounded half away from zero to two decimals.",
  })
  @ApiParam({ name: 'electionId' })
  @ApiParam({ name: 'bodyId' })
  @ApiOkResponse({
    description:
      '{ bodyId, baseline: { name, date, source: "inline" | "election" }, lists: [{ list, share, seats, previousShare, previousSeats, swingPoints, seatChange, predecessors }], turnout: { current, previous, changePoints }, unmatched: [{ party, share, seats }] }',
  })
  @ApiNotFoundResponse({ description: 'UNKNOWN_ELECTION; NOT_FOUND for an unknown body, a body without a baseline or list contest, or a baseline election this service does not hold (application/problem+json).' })
  baseline(@Param('electionId') electionId: string, @Param('bodyId') bodyId: string, @Headers('authorization') authorization?: string): BaselineComparisonDto {
    const view = electionView(this.projector, electionId);
    this.embargo.assertPublic(view.election.definition, authorization, 'Swings and seat changes');
    if (!view.election.body(bodyId)) throw notFound('bodyId', `no body "${bodyId}" in election "${electionId}"`);
    const baseline = view.election.definition.baselines?.find((b) => b.body === bodyId);
    if (!baseline) throw notFound('bodyId', `body "${bodyId}" of election "${electionId}" names no baseline`);
    let figures: BaselineFigures | undefined;
    if (baseline.kind === 'inline') figures = inlineBaselineFigures(baseline);
    else {
      const previous = this.projector.engine.view(baseline.electionId);
      figures = previous ? resultsBaselineFigures(previous, baseline.previousBody) : undefined;
      if (!figures) throw notFound('baseline.electionId', `the baseline election "${baseline.electionId}" (body "${baseline.previousBody}") is not held by this service`);
    }
    const comparison = compareWithBaseline(view, baseline, figures);
    if (!comparison) throw notFound('bodyId', `body "${bodyId}" has no list contest to compare`);
    return baselineComparisonDto(comparison);
  }
}
