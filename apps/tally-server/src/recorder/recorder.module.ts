// The recorder role: queue → decide (precinct decider, via the CommandBus) → event store.
import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app.config';
import { ElectionsModule } from '../elections/elections.module';
import { APP_CONFIG } from '../infrastructure/tokens';
import { RecordSubmissionsHandler } from './record-submissions.handler';
import { RECORDER_IDENTITY, recorderIdentity } from './recorder-identity';
import { RecorderService } from './recorder.service';

@Module({
  imports: [ElectionsModule],
  providers: [
    { provide: RECORDER_IDENTITY, useFactory: (config: AppConfig) => recorderIdentity(config.recorder.instanceId), inject: [APP_CONFIG] },
    RecordSubmissionsHandler,
    RecorderService,
  ],
  exports: [RecorderService, RECORDER_IDENTITY],
})
export class RecorderModule {}
