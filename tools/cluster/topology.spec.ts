// docker-compose.yml and `npm run cluster:start` describe the same deployment: both follow
// tools/cluster/topology.js. This checks the compose file against it (cluster.js reads it directly).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KAFKA, QUEUE, instances } from './topology';

type Env = Record<string, string>;
const compose = parse(readFileSync(join(__dirname, '../../docker-compose.yml'), 'utf8')) as { services: Record<string, { environment?: Env | string[] }> };

function envOf(name: string): Env {
  const env = compose.services[name].environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((kv) => [kv.split('=')[0], kv.split('=').slice(1).join('=')]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}

const serviceNames = Object.keys(compose.services);
const tally = serviceNames.filter((name) => 'TALLY_ROLES' in envOf(name));
const kafka = serviceNames.filter((name) => 'KAFKA_NODE_ID' in envOf(name));

describe('docker-compose.yml follows tools/cluster/topology.js', () => {
  it('has exactly the topology’s Tally processes, by name, with their TALLY_ROLES', () => {
    const inCompose = tally.map((name) => [name, envOf(name).TALLY_ROLES]).sort();
    const inTopology = instances().map((i) => [i.name, i.TALLY_ROLES]).sort();
    expect(inCompose).toEqual(inTopology);
  });

  it('gives every Tally process the topology’s topic and partition count', () => {
    for (const name of tally) expect([name, envOf(name).KAFKA_TOPIC, envOf(name).KAFKA_PARTITIONS]).toEqual([name, QUEUE.topic, String(QUEUE.partitions)]);
  });

  it('runs the topology’s Kafka nodes with its replication, min in-sync replicas and no unclean election', () => {
    expect(kafka).toHaveLength(KAFKA.nodes);
    for (const name of kafka) {
      expect([name, envOf(name)]).toEqual([
        name,
        expect.objectContaining({
          KAFKA_DEFAULT_REPLICATION_FACTOR: String(KAFKA.replicationFactor),
          KAFKA_MIN_INSYNC_REPLICAS: String(KAFKA.minInsyncReplicas),
          KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: String(KAFKA.uncleanLeaderElection),
        }),
      ]);
    }
    // One quorum of all the nodes.
    const voters = new Set(kafka.map((name) => envOf(name).KAFKA_CONTROLLER_QUORUM_VOTERS));
    expect(voters.size).toBe(1);
    expect([...voters][0].split(',')).toHaveLength(KAFKA.nodes);
  });
});
