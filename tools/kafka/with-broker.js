#!/usr/bin/env node
'use strict';
// node tools/kafka/with-broker.js <command...>
// With KAFKA_BROKERS set, runs the command against it. Otherwise starts a fresh broker, runs the
// command with KAFKA_BROKERS pointing at it, stops the broker (also on failure, SIGINT and
// SIGTERM) and exits with the command's code. A broker already started by `npm run kafka:start`
// on the same port is reused and left running.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { startBroker, stopBroker } = require('./broker');

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node tools/kafka/with-broker.js <command...>');
  process.exit(2);
}

// So `with-broker.js jest ...` works outside npm scripts too.
const binDir = path.resolve(__dirname, '..', '..', 'node_modules', '.bin');
const baseEnv = { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH || ''}` };

function run(env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (error) => {
      console.error(`with-broker: cannot run ${command}: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1));
    });
  });
}

async function main() {
  if (process.env.KAFKA_BROKERS) return run(baseEnv);

  let owned = false;
  let stopping;
  const stopOwned = () => {
    if (!owned) return Promise.resolve();
    stopping ??= stopBroker({ port: broker.port }).catch((error) => console.error(`with-broker: ${error.message}`));
    return stopping;
  };
  // A signal while the broker is still starting: stop it once it is up, then leave.
  let interrupted = false;
  const onSignal = (signal) => {
    interrupted = true;
    if (owned) stopOwned().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const broker = await startBroker({ fresh: true });
  owned = !broker.alreadyRunning;
  if (interrupted) {
    await stopOwned();
    return 130;
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  try {
    return await run({ ...baseEnv, KAFKA_BROKERS: broker.brokers });
  } finally {
    await stopOwned();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`with-broker: ${error.message}`);
    process.exit(1);
  },
);
