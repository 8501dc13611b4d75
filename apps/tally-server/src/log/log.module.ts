// The transparency log in every process that has it (TALLY_LOG; by default every process but a
// recorder-only one, config/app.config.ts): global, so the
// submission status can attach receipts without importing it.
import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { LogController } from './log.controller';
import { LogService } from './log.service';

@Global()
@Module({ imports: [AuthModule], providers: [LogService], controllers: [LogController], exports: [LogService] })
export class LogModule {}
