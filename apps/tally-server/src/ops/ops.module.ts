// Operations, in every process: health, metrics and structured JSON logs (pino; LOG_LEVEL).
import { Global, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { AppConfig } from '../config/app.config';
import { APP_CONFIG } from '../infrastructure/tokens';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { COMMISSION_POSTS, refusalAccessLog } from './refusal-access-log';
import { TallyMetrics } from './metrics.service';

const QUIET_PATHS = /^\/(?:health|metrics)(?:\/|$)/;

@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          // Probes and scrapes every few seconds would drown the log.
          autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
          redact: ['req.headers.authorization', 'req.headers.cookie'],
          customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
        },
        // The commissions' POSTs log their refusals and failures only (refusal-access-log.ts).
        exclude: COMMISSION_POSTS,
      }),
    }),
  ],
  controllers: [HealthController, MetricsController],
  providers: [TallyMetrics],
  exports: [TallyMetrics],
})
export class OpsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(refusalAccessLog(() => PinoLogger.root)).forRoutes(...COMMISSION_POSTS);
  }
}
