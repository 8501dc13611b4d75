// Loading an election definition (admin token; JSON or YAML body) and listing the elections.
import { Body, Controller, Get, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { RequireRole, ApiRoleGuard } from '../auth/api-role.guard';
import { ElectionRegistry } from '../elections/election-registry.service';
import { problem, ProblemException } from '../http/problem';
import { problemSchema } from './intake.openapi';

export interface ElectionSummary {
  readonly id: string;
  readonly name: { readonly kk: string; readonly ru: string; readonly en: string };
  readonly date: string;
  readonly timeZone: string;
  readonly contests: number;
  readonly precincts: number;
  readonly commissions: number;
}

@ApiTags('elections')
@Controller('v1/elections')
export class ElectionsAdminController {
  constructor(private readonly registry: ElectionRegistry) {}

  @Post()
  @UseGuards(ApiRoleGuard)
  @RequireRole('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Load an election definition (application/json or application/yaml); the same one again is a no-op' })
  @ApiBody({ description: 'The election definition (see libs/domain election-definition.ts)', schema: { type: 'object' } })
  @ApiResponse({ status: 201, description: 'Defined' })
  @ApiResponse({ status: 200, description: 'Unchanged: exactly this definition was already loaded' })
  @ApiResponse({ status: 409, description: 'application/problem+json: DEFINITION_CONFLICT', schema: problemSchema })
  @ApiResponse({ status: 422, description: 'application/problem+json: INVALID_DEFINITION, one entry per problem', schema: problemSchema })
  async define(@Body() body: unknown, @Res() res: ServerResponse): Promise<void> {
    const outcome = await this.registry.define(body);
    switch (outcome.kind) {
      case 'defined':
        res.setHeader('Location', `/v1/elections/${outcome.electionId}`);
        return sendJson(res, 201, { electionId: outcome.electionId, outcome: 'defined', position: outcome.position });
      case 'unchanged':
        return sendJson(res, 200, { electionId: outcome.electionId, outcome: 'unchanged' });
      case 'invalid':
        throw new ProblemException(outcome.problems.map((p) => problem('INVALID_DEFINITION', p.path, p.message, { rule: p.rule })));
      case 'conflict':
        throw new ProblemException([
          problem('DEFINITION_CONFLICT', 'id', `election ${outcome.electionId} is already defined differently; a definition is never replaced`, { electionId: outcome.electionId }),
        ]);
      default: {
        const never: never = outcome;
        throw new Error(`unknown define outcome ${JSON.stringify(never)}`);
      }
    }
  }

  @Get()
  @ApiOperation({ summary: 'The elections this service knows' })
  list(): ElectionSummary[] {
    return this.registry.list().map((e) => ({
      id: e.definition.id,
      name: e.definition.name,
      date: e.definition.date,
      timeZone: e.definition.timeZone,
      contests: e.definition.contests.length,
      precincts: e.precinctCount,
      commissions: e.definition.commissions.length,
    }));
  }
}

// The status depends on the outcome (201 or 200), which @HttpCode cannot express.
function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
