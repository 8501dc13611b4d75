// Recording a lot drawn to settle a tie (admin token). The draw happens outside the system (by
// law, in public); the system records its outcome as an event, `LotDrawn` in `election-<id>`,
// so the seat the tie blocked is settled by that order in every replay, years later included.
// Parse the body's JSON shape → DrawLot on the CommandBus (the domain's election decider judges
// everything else) → the outcome as HTTP.
import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiRoleGuard, RequireRole } from '../auth/api-role.guard';
import { problem, ProblemException } from '../http/problem';
import { DecideElectionCommand, type DecideElectionOutcome } from './decide-election.command';
import { unavailableOnConflict } from './stream-conflict';

/** The JSON shape only; lengths, trimming and the ballot are the decider's. */
const LotBody = z
  .object({
    order: z.array(z.string()),
    drawnBy: z.string(),
    reason: z.string(),
  })
  .strict();

export interface LotRecorded {
  readonly position: string;
}

@ApiTags('elections')
@Controller('v1/elections/:electionId/contests/:contestId/lots')
export class LotsController {
  constructor(private readonly commandBus: CommandBus) {}

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
    const parsed = LotBody.safeParse(body);
    if (!parsed.success) {
      throw new ProblemException(parsed.error.issues.map((i) => problem('MALFORMED', i.path.join('.') || 'body', i.message)));
    }
    const outcome: DecideElectionOutcome = await unavailableOnConflict(electionId, () =>
      this.commandBus.execute(new DecideElectionCommand({ type: 'DrawLot', electionId, contestId, ...parsed.data })),
    );
    if (outcome.kind === 'refused') throw new ProblemException(outcome.reasons);
    // The same lot again decided nothing: the answer is where it was recorded.
    if (outcome.position === undefined) throw new Error(`lot for ${electionId}/${contestId} decided nothing, yet no record repeats it`);
    return { position: outcome.position };
  }
}
