// The recorder role: queue → verify → decide (precinct decider, via the CommandBus) → event store;
// what can never be recorded → the dead-letter topic.
import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app.config';
import { ElectionsModule } from '../elections/elections.module';
import { APP_CONFIG } from '../infrastructure/tokens';
import { RecordSubmissionsHandler } from './record-submissions.handler';
import { RECORDER_IDENTITY, recorderIdentity } from './recorder-identity';
import { RECORDER_POLICY, recorderPolicy } from './recorder-policy';
import { RecorderService } from './recorder.service';

@Module({
  imports: [ElectionsModule],
  providers: [
    { provide: RECORDER_IDENTITY, useFactory: (config: AppConfig) => recorderIdentity(config.recorder.instanceId), inject: [APP_CONFIG] },
    { provide: RECORDER_POLICY, useFactory: (config: AppConfig) => recorderPolicy(config.recorder, config.receivedAt), inject: [APP_CONFIG] },
    RecordSubmissionsHandler,
    RecorderService,
  ],
  exports: [RecorderService, RECORDER_IDENTITY],
})
export class RecorderModule {}
