// GET a precinct's current versions (public, like the definition): what a commission needs to
// sign its next body, and what anyone can check a signed body against. Every process serves it
// (every process has the store).
import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { PrecinctVersionsService, type PrecinctVersions } from './precinct-versions.service';

const versionsSchema = {
  type: 'object',
  properties: {
    contests: {
      type: 'object',
      description: 'by contest id; a correction signs version + 1',
      additionalProperties: { type: 'object', properties: { version: { type: 'integer', minimum: 1 }, submissionId: { type: 'string' } } },
      example: { 'almaty-city-list': { version: 1, submissionId: '3f1c0a54-5bb3-4a7d-9f44-4c1f1b1e0c55' } },
    },
    turnout: {
      type: 'object',
      description: 'by reporting time (HH:MM); the next report of that time signs version + 1, a time not listed signs 1',
      additionalProperties: { type: 'object', properties: { version: { type: 'integer', minimum: 1 }, ballotsIssued: { type: 'integer', minimum: 0 } } },
      example: { '12:00': { version: 2, ballotsIssued: 150 } },
    },
  },
};

@ApiTags('commissions')
@Controller('v1/elections/:electionId/precincts/:precinctId/versions')
export class PrecinctVersionsController {
  constructor(private readonly versions: PrecinctVersionsService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "A precinct's current versions (scheme tally-submission-v2): each contest's protocol and each reporting time's turnout figure" })
  @ApiParam({ name: 'electionId', example: 'almaty-city-2023' })
  @ApiParam({ name: 'precinctId', example: 'almaty-p001' })
  @ApiOkResponse({ description: 'The current versions, read from the store', schema: versionsSchema })
  @ApiNotFoundResponse({ description: 'application/problem+json: UNKNOWN_ELECTION, UNKNOWN_PRECINCT' })
  current(@Param('electionId') electionId: string, @Param('precinctId') precinctId: string): Promise<PrecinctVersions> {
    return this.versions.versions(electionId, precinctId);
  }
}
