// Admin: rebuild the projections from position zero (and see whether the rebuild matched the
// live state), and read the projector's position and digests.
import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { ProjectorStatus, RebuildReport } from '@tally/projection';
import { ApiRoleGuard, RequireRole } from '../auth/api-role.guard';
import { ElectionRegistry } from '../elections/election-registry.service';
import { ProjectorService } from './projector.service';

class ElectionRebuildDto {
  @ApiProperty() electionId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'SHA-256 of the live view’s canonical state before the rebuild.' }) liveDigest!: string | null;
  @ApiProperty({ description: 'SHA-256 of the rebuilt view’s canonical state.' }) rebuiltDigest!: string;
  @ApiProperty({ description: 'Whether the rebuild reached the live state exactly.' }) identical!: boolean;
}

class RebuildReportDto {
  @ApiProperty({ description: 'The store position both states reflect.' }) position!: string;
  @ApiProperty() eventsRead!: number;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ type: [ElectionRebuildDto] }) elections!: ElectionRebuildDto[];
}

class ProjectionStatusDto {
  @ApiProperty({ description: 'Store position of the last event taken in.' }) position!: string;
  @ApiProperty({ description: 'Whether the projector has delivered everything committed so far.' }) caughtUp!: boolean;
  @ApiProperty() rebuilding!: boolean;
  @ApiProperty() eventsSinceStart!: number;
  @ApiProperty({ type: String, nullable: true }) lastSnapshotPosition!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The subscription’s last failure (it resubscribes by itself).' }) failure!: string | null;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'The supervised subscription: `state` (catching-up, running, restarting, stopped), `position`, `attempt`, `restarts`, `lastError`, `lastErrorAt`.',
  })
  subscription!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Election id → SHA-256 of its view’s canonical state.' })
  digests!: Record<string, string>;
}

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(ApiRoleGuard)
@Controller('v1/admin/projections')
export class ProjectionsAdminController {
  constructor(
    private readonly projector: ProjectorService,
    private readonly registry: ElectionRegistry,
  ) {}

  @Get()
  @RequireRole('admin', 'auditor')
  @ApiOperation({ summary: 'The projector’s position, state and per-election digests.' })
  @ApiOkResponse({ type: ProjectionStatusDto })
  @ApiUnauthorizedResponse({ description: 'No or a wrong admin/auditor token (problem+json).' })
  status(): ProjectorStatus & { digests: Record<string, string> } {
    const digests: Record<string, string> = {};
    for (const e of this.registry.list()) {
      const digest = this.projector.engine.digest(e.definition.id);
      if (digest) digests[e.definition.id] = digest;
    }
    return { ...this.projector.engine.status(), digests };
  }

  @Post('rebuild')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Rebuild every results view from position zero, compare with the live views (digest), swap in, and send one `reset` frame to live subscribers.',
  })
  @ApiOkResponse({ type: RebuildReportDto })
  @ApiUnauthorizedResponse({ description: 'No or a wrong admin token (problem+json).' })
  rebuild(): Promise<RebuildReport> {
    return this.projector.engine.rebuild();
  }
}
