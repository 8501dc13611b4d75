// GET /v1/admin/intake-refusals: the refusals intake answered lately (this process's, newest first),
// signed or not, from the bounded in-memory ring. Admin or auditor token.
import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiRoleGuard, RequireRole } from '../auth/api-role.guard';
import { parseQuery } from '../http/query';
import { problemSchema } from './intake.openapi';
import { RecentIntakeRefusals } from './recent-intake-refusals';

const DEFAULT_LIMIT = 100;
const LIMIT_RULE = 'limit is a whole number from 1';
const RecentQuery = z.object({
  limit: z.string({ error: LIMIT_RULE }).regex(/^\d{1,7}$/, LIMIT_RULE).transform(Number).pipe(z.number().min(1, LIMIT_RULE)).default(DEFAULT_LIMIT),
});

@ApiTags('operations')
@Controller('v1/admin/intake-refusals')
export class IntakeRefusalsAdminController {
  constructor(private readonly recent: RecentIntakeRefusals) {}

  @Get()
  @UseGuards(ApiRoleGuard)
  @RequireRole('admin', 'auditor')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Intake's recent refusals in this process, newest first: unauthenticated ones are kept only here (bounded ring), signed ones are in the event history too" })
  @ApiQuery({ name: 'limit', required: false, description: `how many (default ${DEFAULT_LIMIT}, at most the ring's capacity)` })
  @ApiResponse({ status: 200, description: '{ capacity, total, refusals: [{ receivedAt, kind, electionId, precinctId, status, reasons: [{ code, field }], signedBy, bodySha256, bodyBytes }] }' })
  @ApiResponse({ status: 400, description: 'application/problem+json: MALFORMED limit', schema: problemSchema })
  list(@Query() query: unknown) {
    return this.recent.recent(parseQuery(RecentQuery, query).limit);
  }
}
