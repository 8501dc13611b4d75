// GET /v1/admin/set-aside: the submissions intake acknowledged and a recorder set aside, not
// recorded or refused since (from the store, so any process answers for all): on election night,
// the precincts whose commissions must send again once the cause is mended. Admin or auditor token.
import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiRoleGuard, RequireRole } from '../auth/api-role.guard';
import { SubmissionStatusService } from '../submissions/submission-status.service';

@ApiTags('operations')
@Controller('v1/admin/set-aside')
export class SetAsideAdminController {
  constructor(private readonly status: SubmissionStatusService) {}

  @Get()
  @UseGuards(ApiRoleGuard)
  @RequireRole('admin', 'auditor')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Submissions acknowledged and then set aside by a recorder (dead-lettered), not recorded or refused since, in the order they were set aside' })
  @ApiResponse({
    status: 200,
    description: '{ setAside: [{ submissionId, electionId, precinctId, receivedAt, reasons: [{ code, message }], stream, revision, position, recordedAt, queuedAgain }] }',
  })
  list() {
    return { setAside: this.status.setAsideOutstanding() };
  }
}
