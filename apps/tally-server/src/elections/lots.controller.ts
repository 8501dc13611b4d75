// Recording a lot drawn to settle a tie (admin token). The draw happens outside the system (by
// law, in public); the system records its outcome as an event, `LotDrawn` in `election-<id>`,
// so the seat the tie blocked is settled by that order in every replay, years later included.
import { createHash } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Contest, LotDrawn } from '@tally/domain';
import { DuplicateEventIdError, streams, WrongExpectedRevisionError, type EventStore } from '@tally/event-store';
import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import { ApiRoleGuard, RequireRole } from '../auth/api-role.guard';
import { problem, ProblemException, type ProblemItem } from '../http/problem';
import { EVENT_STORE } from '../infrastructure/tokens';
import { ElectionRegistry } from './election-registry.service';

/** Namespace for lot event ids (UUIDv5 of the content hash): the same request again is a no-op. */
const LOT_NAMESPACE = '6f0d3c1e-5b7a-4f59-9a44-2d8e1c0b7a51';

const LotBody = z
  .object({
    order: z.array(z.string().min(1)).min(1),
    drawnBy: z.string().trim().min(1).max(500),
    reason: z.string().trim().min(1).max(2000),
  })
  .strict();

export interface LotRecorded {
  readonly position: string;
}

@ApiTags('elections')
@Controller('v1/elections/:electionId/contests/:contestId/lots')
export class LotsController {
  constructor(
    private readonly registry: ElectionRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post()
  @HttpCode(201)
  @UseGuards(ApiRoleGuard)
  @RequireRole('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Record a lot drawn for a tied contest: ids of its ballot in the order drawn, the first drawn wins; a later lot replaces an earlier one' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['order', 'drawnBy', 'reason'],
      properties: { order: { type: 'array', items: { type: 'string' } }, drawnBy: { type: 'string' }, reason: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 201, description: 'Recorded (or already recorded: the same request again): `{ position }`' })
  @ApiResponse({ status: 400, description: 'application/problem+json: MALFORMED' })
  @ApiResponse({ status: 404, description: 'application/problem+json: UNKNOWN_ELECTION, NOT_FOUND (contest)' })
  @ApiResponse({ status: 422, description: 'application/problem+json: UNKNOWN_CHOICE, INVALID_LOT' })
  async record(@Param('electionId') electionId: string, @Param('contestId') contestId: string, @Body() body: unknown): Promise<LotRecorded> {
    const election = this.registry.get(electionId);
    if (!election) throw new ProblemException([problem('UNKNOWN_ELECTION', 'electionId', `no election ${electionId} is defined`, { electionId })]);
    const contest = election.definition.contests.find((c) => c.id === contestId);
    if (!contest) throw new ProblemException([problem('NOT_FOUND', 'contestId', `election ${electionId} has no contest ${contestId}`, { electionId, contestId })]);

    const parsed = LotBody.safeParse(body);
    if (!parsed.success) {
      throw new ProblemException(parsed.error.issues.map((i) => problem('MALFORMED', i.path.join('.') || 'body', i.message)));
    }
    const { order, drawnBy, reason } = parsed.data;
    const ballot = new Set(ballotOf(contest));
    const problems: ProblemItem[] = [];
    const seen = new Set<string>();
    order.forEach((id, i) => {
      if (!ballot.has(id)) problems.push(problem('UNKNOWN_CHOICE', `order.${i}`, `${id} is not on the ballot of contest ${contestId}`, { id }));
      else if (seen.has(id)) problems.push(problem('INVALID_LOT', `order.${i}`, `${id} is drawn more than once`, { id }));
      seen.add(id);
    });
    if (contest.kind === 'list' && contest.tieRule !== 'lot') {
      problems.push(problem('INVALID_LOT', 'contestId', `contest ${contestId} settles ties by ${contest.tieRule}, not by lot`, { tieRule: contest.tieRule }));
    }
    if (problems.length > 0) throw new ProblemException(problems);

    const event: LotDrawn = { type: 'LotDrawn', data: { electionId, contestId, order, drawnBy, reason } };
    const id = uuidv5(createHash('sha256').update(JSON.stringify(event.data)).digest('hex'), LOT_NAMESPACE);
    return { position: await this.append(electionId, id, event) };
  }

  /** Appends at the stream's current revision; once more on a concurrent append; the same event again answers where it is. */
  private async append(electionId: string, id: string, event: LotDrawn, retry = true): Promise<string> {
    const stream = streams.election(electionId);
    const recorded = await this.store.readStream(stream);
    const already = recorded.find((e) => e.id === id);
    if (already) return already.position;
    const last = recorded[recorded.length - 1];
    if (!last) throw new ProblemException([problem('UNKNOWN_ELECTION', 'electionId', `the store has no stream ${stream}`, { electionId })]);
    try {
      const result = await this.store.append(stream, last.revision, [{ id, type: event.type, data: event.data as unknown as Record<string, never> }]);
      return result.position;
    } catch (e) {
      if (retry && (e instanceof WrongExpectedRevisionError || e instanceof DuplicateEventIdError)) return this.append(electionId, id, event, false);
      if (e instanceof WrongExpectedRevisionError) {
        throw new ProblemException([problem('UNAVAILABLE', 'electionId', `the stream of election ${electionId} kept changing; try again`, { electionId })]);
      }
      throw e;
    }
  }
}

function ballotOf(contest: Contest): readonly string[] {
  return contest.kind === 'list' ? contest.lists : contest.candidates;
}
