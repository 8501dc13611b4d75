'use strict';
// The security every Tally Kafka node runs with in docker-compose.yml, in one place: SASL on
// every listener (SCRAM-SHA-512 for clients and between brokers; PLAIN on the controller listener,
// since KRaft controllers cannot check SCRAM, whose credentials live in the very metadata they
// serve), the StandardAuthorizer denying whatever no ACL allows, one super user. The integration
// spec libs/intake-queue/src/kafka-sasl.int-spec.ts starts a real broker with exactly these
// properties; apps/tally-server/src/config/docker-compose.spec.ts checks that compose sets them.

/** Listener names: BROKER (clients, inter-broker) and CONTROLLER. */
const SECURITY_PROPERTIES = Object.freeze({
  'listener.security.protocol.map': 'BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
  'inter.broker.listener.name': 'BROKER',
  'controller.listener.names': 'CONTROLLER',
  'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
  'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
  'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
  'sasl.mechanism.controller.protocol': 'PLAIN',
  'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  'allow.everyone.if.no.acl.found': 'false',
  'super.users': 'User:admin',
});

const SUPER_USER = 'admin';

/** JAAS for the two listeners (the broker's own login, and the controller's PLAIN user table). */
function jaasProperties(adminPassword) {
  return {
    'listener.name.broker.scram-sha-512.sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${SUPER_USER}" password="${adminPassword}";`,
    'listener.name.controller.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="${SUPER_USER}" password="${adminPassword}" user_${SUPER_USER}="${adminPassword}";`,
  };
}

/**
 * Options for broker.js's startBroker: a single secured node on loopback (port, controller on
 * port + 1), the super user and `users` ([{ username, password }]) created at format time. The
 * logins come from `jaasFile` (what deploy/kafka/setup.sh writes for the compose nodes) when
 * given, else from listener properties.
 */
function securedBrokerOptions({ port, adminPassword, users = [], jaasFile }) {
  return {
    port,
    fresh: true,
    properties: {
      listeners: `BROKER://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1}`,
      'advertised.listeners': `BROKER://127.0.0.1:${port}`,
      ...SECURITY_PROPERTIES,
      ...(jaasFile ? {} : jaasProperties(adminPassword)),
    },
    jvmOptions: jaasFile ? [`-Djava.security.auth.login.config=${jaasFile}`] : [],
    scramUsers: [{ username: SUPER_USER, password: adminPassword }, ...users].map((u) => ({ mechanism: 'SCRAM-SHA-512', ...u })),
    sasl: { mechanism: 'scram-sha-512', username: SUPER_USER, password: adminPassword },
  };
}

module.exports = { SECURITY_PROPERTIES, SUPER_USER, securedBrokerOptions };
