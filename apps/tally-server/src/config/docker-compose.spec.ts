// docker-compose.yml cannot start here (no Docker engine), so this checks what can be checked:
// every variable it sets on a Tally service is one the app's config schema reads, and the
// deployment has the roles, replication and engines the architecture asks for.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { appEnvSchema, loadAppConfig } from './app.config';

interface ComposeService {
  readonly image?: string;
  readonly build?: unknown;
  readonly environment?: Record<string, string> | string[];
  readonly healthcheck?: unknown;
}

const compose = parse(readFileSync(join(__dirname, '../../../../docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };

function envOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((kv) => [kv.split('=')[0], kv.split('=').slice(1).join('=')]));
  return env;
}

const tallyServices = Object.entries(compose.services).filter(([, s]) => 'TALLY_ROLES' in envOf(s));

describe('docker-compose.yml', () => {
  it('sets only variables the app config knows, on every Tally service', () => {
    const known = new Set(Object.keys(appEnvSchema.shape));
    const unknown = tallyServices.flatMap(([name, s]) => Object.keys(envOf(s)).filter((k) => !known.has(k)).map((k) => `${name}.${k}`));
    expect(unknown).toEqual([]);
  });

  it('splits the service by role: intake ×2, recorder ×2, projector ×2, each with a health check', () => {
    const roles = tallyServices.map(([, s]) => envOf(s).TALLY_ROLES).sort();
    expect(roles).toEqual(['intake', 'intake', 'projector', 'projector', 'recorder', 'recorder']);
    for (const [name, s] of tallyServices) expect([name, Boolean(s.healthcheck)]).toEqual([name, true]);
  });

  it('never loads the demo election, whose keys anyone can derive', () => {
    for (const [name, s] of tallyServices) expect([name, envOf(s).TALLY_DEMO]).toEqual([name, 'false']);
  });

  it('runs a three-node Kafka with replication 3 and min in-sync 2, EventStoreDB and PostgreSQL', () => {
    const kafka = Object.entries(compose.services).filter(([, s]) => 'KAFKA_NODE_ID' in envOf(s));
    expect(kafka).toHaveLength(3);
    for (const [, s] of kafka) expect(envOf(s)).toMatchObject({ KAFKA_DEFAULT_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });
    const images = Object.values(compose.services).map((s) => s.image ?? '');
    expect(images.some((i) => /eventstore|kurrentdb/.test(i))).toBe(true);
    expect(images.some((i) => /^postgres/.test(i))).toBe(true);
  });

  it('gives each Tally service a configuration the app accepts', () => {
    for (const [name, s] of tallyServices) {
      // Compose substitutes ${VAR:-default}; take the default as the deployment would.
      const env = Object.fromEntries(Object.entries(envOf(s)).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]));
      let problem = '';
      try {
        loadAppConfig(env);
      } catch (e) {
        problem = (e as Error).message;
      }
      expect([name, problem]).toEqual([name, '']);
    }
  });
});
