import { Module } from '@nestjs/common';
import { SubmissionStatusService } from './submission-status.service';

/** In every process: each follows the store, so any process answers for any submission. */
@Module({ providers: [SubmissionStatusService], exports: [SubmissionStatusService] })
export class SubmissionStatusModule {}
