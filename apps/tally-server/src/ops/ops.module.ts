// Operations, in every process: health, metrics and structured JSON logs (pino; LOG_LEVEL).
import { Global, Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { AppConfig } from '../config/app.config';
import { APP_CONFIG } from '../infrastructure/tokens';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { accessLog } from './access-log';
import { COMMISSION_POSTS, refusalAccessLog } from './refusal-access-log';
import { TallyMetrics } from './metrics.service';

const QUIET_PATHS = /^\/(?:health|metrics)(?:\/|$)/;

@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // The root logger's options; the access lines are written by our own middlewares below.
        pinoHttp: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
        // None of nestjs-pino's middleware: it runs every request in an AsyncLocalStorage (access-log.ts).
        forRoutes: [],
      }),
    }),
  ],
  controllers: [HealthController, MetricsController],
  providers: [TallyMetrics],
  exports: [TallyMetrics],
})
export class OpsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // The commissions' POSTs log their refusals and failures only (refusal-access-log.ts).
    consumer.apply(refusalAccessLog(() => PinoLogger.root)).forRoutes(...COMMISSION_POSTS);
    consumer
      .apply(
        accessLog(() => PinoLogger.root, {
          // Probes and scrapes every few seconds would drown the log.
          autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
          customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
        }),
      )
      .exclude(...COMMISSION_POSTS)
      .forRoutes({ path: '*', method: RequestMethod.ALL });
  }
}
