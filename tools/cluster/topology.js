'use strict';
// The one description of the distributed deployment: how many Kafka nodes and with what
// durability, which Tally processes with which TALLY_ROLES. `npm run cluster:start` runs it on
// this machine; tools/cluster/topology.spec.ts checks docker-compose.yml against it, so the two
// cannot drift apart.

/** Three combined KRaft nodes; a write (acks=all) needs two copies, so one node may fail. */
const KAFKA = Object.freeze({
  nodes: 3,
  replicationFactor: 3,
  minInsyncReplicas: 2,
  uncleanLeaderElection: false,
});

/** The submissions topic (and its dead-letter twin): partitions shared out among the recorders. */
const QUEUE = Object.freeze({ topic: 'tally.submissions', partitions: 12 });

/** The service split by role; instance names are `<role>-<n>`, as the compose services are named. */
const ROLES = Object.freeze([
  Object.freeze({ role: 'intake', count: 2, TALLY_ROLES: 'intake' }),
  Object.freeze({ role: 'recorder', count: 2, TALLY_ROLES: 'recorder' }),
  Object.freeze({ role: 'projector', count: 2, TALLY_ROLES: 'projector' }),
]);

/** Every Tally process of the topology: { name, role, index, TALLY_ROLES }. */
function instances() {
  return ROLES.flatMap((r) => Array.from({ length: r.count }, (_, i) => ({ name: `${r.role}-${i + 1}`, role: r.role, index: i + 1, TALLY_ROLES: r.TALLY_ROLES })));
}

module.exports = { KAFKA, QUEUE, ROLES, instances };
