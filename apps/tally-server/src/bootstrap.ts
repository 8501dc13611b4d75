// Builds the Nest application from a configuration; shared by main.ts and the end-to-end tests,
// so the tests run exactly what production runs.
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { almatyCity2023Definition } from '@tally/domain';
import { withDemoKeys } from '@tally/signatures';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app.config';
import { ElectionRegistry } from './elections/election-registry.service';
import { parseSimulateArgs, startSimulationWhenListening } from './demo/demo-simulator';
import { configureHttp } from './http/configure-http';

export interface CreateAppOptions {
  readonly argv?: readonly string[];
  /** Tests pass false to keep their output clean. */
  readonly logger?: boolean;
}

export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: options.logger === false ? false : ['error', 'warn', 'log'],
    bodyParser: false,
  });
  app.enableShutdownHooks();
  configureHttp(app, config);
  await app.init();
  if (config.demo) {
    const registry = app.get(ElectionRegistry);
    // Demo keys (public seeds, libs/signatures demo-keys.ts) so the demo's simulator can sign.
    const demo = withDemoKeys(almatyCity2023Definition());
    if (!registry.get(demo.id)) await registry.define(demo);
  }
  // `--simulate`: play the demo night through this process's own intake once it listens.
  const simulation = parseSimulateArgs(options.argv ?? []);
  if (simulation) startSimulationWhenListening(app, simulation);
  return app;
}
