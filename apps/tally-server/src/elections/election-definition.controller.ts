// The rules a count is made under are public: any process answers with the definition its
// registry holds (as recorded in `election-<id>`), so observers, auditors and a commission writing
// its first body read the very document the service applies.
import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { ElectionDefinition } from '@tally/domain';
import { problem, ProblemException } from '../http/problem';
import { ElectionRegistry } from './election-registry.service';

@ApiTags('elections')
@Controller('v1/elections/:electionId/definition')
export class ElectionDefinitionController {
  constructor(private readonly registry: ElectionRegistry) {}

  @Get()
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'The election definition as recorded: commissions, contests, lists, candidates, public keys.' })
  @ApiParam({ name: 'electionId' })
  @ApiOkResponse({ description: 'The definition (see libs/domain election-definition.ts)', schema: { type: 'object' } })
  @ApiNotFoundResponse({ description: 'application/problem+json: UNKNOWN_ELECTION' })
  definition(@Param('electionId') electionId: string): ElectionDefinition {
    const election = this.registry.get(electionId);
    if (!election) throw new ProblemException([problem('UNKNOWN_ELECTION', 'electionId', `no election ${electionId} is defined`, { electionId })]);
    return election.definition;
  }
}
