#!/usr/bin/env node
// Starts the service: configuration from the environment (embedded defaults), the roles it asks
// for, the demo election when TALLY_DEMO is on, then prints where the dashboard is.
import 'reflect-metadata';
import { createApp } from './bootstrap';
import { ConfigError, loadAppConfig } from './config/app.config';
import { logDestination } from './ops/log-destination';

async function main(): Promise<void> {
  let config;
  try {
    config = loadAppConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`tally: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const app = await createApp(config, { argv: process.argv.slice(2) });
  await app.listen(config.port, config.host);
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  // Through the loggers' own stream (asynchronous), so the banner comes after the start-up lines
  // (modules, routes) rather than lost among them.
  logDestination.write(
    [
      '',
      `Tally is running (${config.roles.join(', ')}; store: ${config.eventStore.kind}; queue: ${config.queue.kind})`,
      `  Dashboard:  ${url}/`,
      `  API docs:   ${url}/docs`,
      '',
    ].join('\n'),
  );
}

main().catch((e) => {
  process.stderr.write(`tally: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
