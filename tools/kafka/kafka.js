#!/usr/bin/env node
'use strict';
// node tools/kafka/kafka.js start|stop|status|fetch — the development broker (see broker.js);
// fetch only copies the broker's jars into .tools (what `npm test` does once, before the runs that
// start brokers side by side: two first fetches at once would each empty the other's folder).
// KAFKA_PORT picks the port (default 9092; the controller listens on port + 1).
const { brokerStatus, fetchBroker, startBroker, stopBroker, KAFKA_VERSION } = require('./broker');

async function main(command) {
  switch (command) {
    case 'start': {
      const started = await startBroker({ fresh: true });
      if (started.alreadyRunning) {
        console.log(`kafka: already running (pid ${started.pid}) on ${started.brokers}; storage kept`);
      } else {
        const fetch = started.fetchMs > 0 ? `fetched in ${started.fetchMs} ms, ` : '';
        console.log(`kafka: Apache Kafka ${KAFKA_VERSION} ready on ${started.brokers} (pid ${started.pid}; ${fetch}started in ${started.startMs} ms)`);
      }
      console.log(`export KAFKA_BROKERS=${started.brokers}`);
      return 0;
    }
    case 'stop': {
      const result = await stopBroker({ log: () => undefined });
      console.log(result.stopped ? `kafka: stopped (pid ${result.pid})` : 'kafka: not running');
      return 0;
    }
    case 'status': {
      const status = brokerStatus();
      console.log(status.running ? `kafka: running (pid ${status.pid}) on ${status.brokers}` : `kafka: not running on ${status.brokers}`);
      return status.running ? 0 : 3;
    }
    case 'fetch': {
      const fetched = fetchBroker();
      console.log(fetched.fetched ? `kafka: Apache Kafka ${KAFKA_VERSION} fetched in ${fetched.ms} ms` : `kafka: Apache Kafka ${KAFKA_VERSION} already fetched`);
      return 0;
    }
    default:
      console.error('usage: node tools/kafka/kafka.js start|stop|status|fetch   (KAFKA_PORT, default 9092)');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`kafka: ${error.message}`);
    process.exit(1);
  },
);
