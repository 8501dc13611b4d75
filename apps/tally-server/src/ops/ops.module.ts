// Operations, in every process: health, metrics and structured JSON logs (pino; LOG_LEVEL). The
// access log is mounted with the HTTP surface (http/node-hooks.ts).
import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '../config/app.config';
import { APP_CONFIG } from '../infrastructure/tokens';
import { HealthController } from './health.controller';
import { logDestination } from './log-destination';
import { MetricsController } from './metrics.controller';
import { TallyMetrics } from './metrics.service';

@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // The root logger's options and its stream, one for every logger (log-destination.ts); the
        // access lines are written by our own hooks (http/node-hooks.ts).
        pinoHttp: [{ level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] }, logDestination],
        // None of nestjs-pino's middleware: it runs every request in an AsyncLocalStorage (access-log.ts).
        forRoutes: [],
      }),
    }),
  ],
  controllers: [HealthController, MetricsController],
  providers: [TallyMetrics],
  exports: [TallyMetrics],
})
export class OpsModule {}
