// Builds the Nest application from a configuration; shared by main.ts and the end-to-end tests,
// so the tests run exactly what production runs.
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { almatyCity2023Definition } from '@tally/domain';
import { withDemoKeys } from '@tally/signatures';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app.config';
import { ElectionRegistry } from './elections/election-registry.service';
import { parseSimulateArgs, startSimulationWhenListening } from './demo/demo-simulator';
import { configureHttp } from './http/configure-http';
import { loadHttpConfig } from './http/http.config';

export interface CreateAppOptions {
  readonly argv?: readonly string[];
  /** Tests pass false to keep their output clean. */
  readonly logger?: boolean;
}

/** The application as main.ts and the tests hold it: Nest on Fastify. */
export type TallyApp = NestFastifyApplication;

export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<TallyApp> {
  // Fastify rather than Express: the same work costs about a quarter less CPU per request, and
  // intake's rate on election night is CPU-bound (bench/intake). Paths route as they did under
  // Express: a trailing slash is ignored, and a long id still reaches its route, which says what
  // is wrong with it (Fastify's default, 100 characters, would answer a bare 404 before intake
  // could refuse and count it). The body limit is the body reader's (http.config.ts).
  // No @fastify/middie (skipMiddie): its hook would run on every request; what were middlewares
  // are Fastify hooks (http/node-hooks.ts), and a Nest middleware would fail at start-up, not pass unseen.
  // X-Forwarded-For is believed only from the proxies TALLY_TRUST_PROXY names (http.config.ts).
  const { trustProxy } = loadHttpConfig(process.env);
  // A hop count as Fastify itself reads one (the Nest adapter's type takes no number): the nearest `hops` senders are proxies.
  const trusted = typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy === false ? false : [...trustProxy];
  const adapter = new FastifyAdapter({ skipMiddie: true, trustProxy: trusted, routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1024 } });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: options.logger === false ? false : ['error', 'warn', 'log'],
    // Nest's own start-up lines wait for pino (configureHttp's useLogger) and come out as JSON
    // like every other line, not in Nest's coloured text first; a failed start still prints them.
    bufferLogs: options.logger !== false,
    bodyParser: false,
  });
  app.enableShutdownHooks();
  configureHttp(app, config);
  await app.init();
  // Routes and plugins are in place before anyone calls (supertest on the bare server included).
  await app.getHttpAdapter().getInstance().ready();
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
