// The projector role: the results projection, the query API over it, live push, and the admin
// rebuild. The demo simulator rides along (it is what makes the dashboards move).
import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DemoModule } from '../demo/demo.module';
import { ElectionsModule } from '../elections/elections.module';
import { LiveResultsController } from '../live/live-results.controller';
import type { AppConfig } from '../config/app.config';
import { APP_CONFIG } from '../infrastructure/tokens';
import { type LiveOptions } from '../live/live-options';
import { LIVE_OPTIONS, LiveResultsService } from '../live/live-results.service';
import { ResultsEmbargo } from '../results/embargo';
import { OpenDataController } from '../results/open-data.controller';
import { ResultsController } from '../results/results.controller';
import { ForensicsController } from '../results/forensics.controller';
import { ProtocolArrivalsService } from '../results/protocol-arrivals.service';
import { SeatAnalysisController } from '../results/seat-analysis.controller';
import { SeatExplanationController } from '../results/seat-explanation.controller';
import { BodyMembersController } from '../results/body-members.controller';
import { ProjectionsAdminController } from './projections-admin.controller';
import { ProjectorService } from './projector.service';

@Module({
  imports: [ElectionsModule, AuthModule, DemoModule],
  controllers: [ResultsController, SeatAnalysisController, SeatExplanationController, ForensicsController, BodyMembersController, OpenDataController, LiveResultsController, ProjectionsAdminController],
  providers: [
    ProjectorService,
    LiveResultsService,
    ResultsEmbargo,
    ProtocolArrivalsService,
    { provide: LIVE_OPTIONS, useFactory: (config: AppConfig): Partial<LiveOptions> => config.live, inject: [APP_CONFIG] },
  ],
  exports: [ProjectorService, LiveResultsService, ResultsEmbargo],
})
export class ProjectorModule {}
