// Loading an election definition (admin token; JSON or YAML body): DefineElection, through the
// registry (which knows the new election at once) and the CommandBus. The list is the query API's.
import { Body, Controller, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { HttpReply } from '../http/http-request';
import { RequireRole, ApiRoleGuard } from '../auth/api-role.guard';
import { ProblemException } from '../http/problem';
import { sendJson } from '../http/send-json';
import { problemSchema } from '../intake/intake.openapi';
import { ElectionRegistry } from './election-registry.service';

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
  async define(@Body() body: unknown, @Res() res: HttpReply): Promise<void> {
    const outcome = await this.registry.define(body);
    switch (outcome.kind) {
      case 'defined':
        res.header('Location', `/v1/elections/${outcome.electionId}`);
        return sendJson(res, 201, { electionId: outcome.electionId, outcome: 'defined', position: outcome.position });
      case 'unchanged':
        return sendJson(res, 200, { electionId: outcome.electionId, outcome: 'unchanged' });
      case 'refused':
        // INVALID_DEFINITION (one per problem, with its rule) or DEFINITION_CONFLICT, as the decider says.
        throw new ProblemException(outcome.reasons);
      default: {
        const never: never = outcome;
        throw new Error(`unknown define outcome ${JSON.stringify(never)}`);
      }
    }
  }
  // GET /v1/elections (the list) is served by the query API (results.controller.ts), which adds progress.
}

