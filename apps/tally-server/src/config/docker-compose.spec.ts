// docker-compose.yml cannot start here (no Docker engine), so this checks what can be checked:
// the structure compose needs (the compose-spec JSON schema on npm is a 2021 copy that refuses
// current files, so the parts this deployment relies on are checked here instead), every variable
// set on a Tally service is one the app's config schema reads, the roles, replication and engines
// the architecture asks for, and the hardening: no published database or broker port, secrets only
// as required variables, the least-privilege database role, secure EventStoreDB, SASL and ACLs on
// Kafka, and the one-shot setup services everything waits for. What the file relies on in the app
// runs for real elsewhere: libs/event-store/src/postgres/least-privilege.int-spec.ts (the roles and
// `tally db setup`), libs/intake-queue/src/kafka-sasl.int-spec.ts (the brokers' security).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { SECURITY_PROPERTIES } from '../../../../tools/kafka/secured';
import { appEnvSchema, loadAppConfig } from './app.config';

const ROOT = join(__dirname, '../../../..');
const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');

// The subset of the compose specification this file uses, strictly: a misspelt key fails here.
const envSchema = z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'variable names are upper-case'), z.string());
const serviceSchema = z.strictObject({
  image: z.string().min(1),
  build: z.string().optional(),
  hostname: z.string().optional(),
  user: z.string().optional(),
  entrypoint: z.array(z.string()).optional(),
  command: z.array(z.string()).optional(),
  restart: z.enum(['no', 'always', 'on-failure', 'unless-stopped']).optional(),
  environment: envSchema.optional(),
  ports: z.array(z.string().regex(/^\d+:\d+$/)).optional(),
  volumes: z.array(z.string().regex(/^[^:]+:\/[^:]*(:ro)?$/, 'a volume is source:/absolute/target[:ro]')).optional(),
  depends_on: z.record(z.string(), z.strictObject({ condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']) })).optional(),
  healthcheck: z
    .union([
      z.strictObject({
        test: z.array(z.string()).min(2),
        interval: z.string().regex(/^\d+s$/),
        timeout: z.string().regex(/^\d+s$/),
        start_period: z.string().regex(/^\d+s$/).optional(),
        retries: z.number().int().positive(),
      }),
      z.strictObject({ disable: z.literal(true) }),
    ])
    .optional(),
});
const composeSchema = z.strictObject({
  name: z.string(),
  services: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), serviceSchema),
  volumes: z.record(z.string(), z.null()),
});
type Service = z.infer<typeof serviceSchema>;

// Merge keys are parsed as plain keys ("<<") here, so the strict schema refuses them.
const compose = composeSchema.parse(parse(text, { merge: false }));
const services = compose.services;
const envOf = (service: Service): Record<string, string> => service.environment ?? {};
const tallyServices = Object.entries(services).filter(([, s]) => 'TALLY_ROLES' in envOf(s));
const kafkaNodes = Object.entries(services).filter(([, s]) => 'KAFKA_NODE_ID' in envOf(s));
const REQUIRED = /^\$\{([A-Z][A-Z0-9_]*):\?[^}]+\}$/;

/** What compose substitutes, with every required variable set (a stand-in value) and defaults taken. */
function substituted(value: string): string {
  return value.replace(/\$\{([A-Z_]+):\?[^}]*\}/g, (_m, name: string) => `${name.toLowerCase()}-0123456789abcdef`).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

/** The apache/kafka image's rule from a KAFKA_* variable to a server property (docker/resources/utility). */
function kafkaProperty(variable: string): string {
  return variable
    .slice('KAFKA_'.length)
    .replace(/[^_]_(?=[^_])/g, (pair) => `${pair[0]}.`)
    .replace(/___/g, '-')
    .replace(/__/g, '_')
    .toLowerCase();
}
// Variables the image reads itself instead of turning them into properties.
const KAFKA_NOT_PROPERTIES = new Set(['KAFKA_OPTS', 'KAFKA_HEAP_OPTS', 'KAFKA_LOG4J_OPTS', 'KAFKA_JMX_OPTS', 'KAFKA_VERSION', 'KAFKA_JVM_PERFORMANCE_OPTS', 'KAFKA_GC_LOG_OPTS']);
function kafkaProperties(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('KAFKA_') && !KAFKA_NOT_PROPERTIES.has(k)).map(([k, v]) => [kafkaProperty(k), v]));
}

/** The volume mounted at `target` in `service`, e.g. "eventstore-ca" for /certs/eventstore-ca. */
function volumeAt(service: Service, target: string): string | undefined {
  return service.volumes?.map((v) => v.split(':')).find(([, path]) => target === path || target.startsWith(`${path}/`))?.[0];
}

describe('docker-compose.yml: structure', () => {
  it('declares every named volume it mounts, mounts only repository files that exist, depends only on services it has', () => {
    const problems: string[] = [];
    for (const [name, s] of Object.entries(services)) {
      for (const source of (s.volumes ?? []).map((v) => v.split(':')[0])) {
        if (source.startsWith('./')) {
          if (!existsSync(join(ROOT, source))) problems.push(`${name}: ${source} does not exist`);
        } else if (!(source in compose.volumes)) problems.push(`${name}: volume ${source} is not declared`);
      }
      for (const target of Object.keys(s.depends_on ?? {})) if (!(target in services)) problems.push(`${name}: depends on unknown ${target}`);
    }
    expect(problems).toEqual([]);
  });

  it('uses no YAML merge keys or anchors: each environment is written out in full', () => {
    expect(text).not.toMatch(/<<:|[:-]\s+[&*][A-Za-z]/);
  });
});

describe('docker-compose.yml: the Tally services', () => {
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

  it('gives each Tally service a configuration the app accepts, once the required secrets are set', () => {
    for (const [name, s] of tallyServices) {
      const env = Object.fromEntries(Object.entries(envOf(s)).map(([k, v]) => [k, substituted(v)]));
      let problem = '';
      try {
        const config = loadAppConfig(env);
        expect([name, config.demo, config.queue]).toMatchObject([name, false, { kind: 'kafka', sasl: { mechanism: 'scram-sha-512' } }]);
      } catch (e) {
        problem = (e as Error).message;
      }
      expect([name, problem]).toEqual([name, '']);
    }
  });
});

describe('docker-compose.yml: hardening', () => {
  it('publishes only the Tally HTTP ports: no database, broker or EventStoreDB port reaches the host', () => {
    const published = Object.entries(services).flatMap(([name, s]) => (s.ports ?? []).map((p) => `${name} ${p}`));
    expect(published.sort()).toEqual(['intake-1 3001:3000', 'intake-2 3002:3000', 'projector-1 3011:3000', 'projector-2 3012:3000']);
  });

  it('holds no secret in the file: every password and token is a required variable', () => {
    const problems: string[] = [];
    for (const [name, s] of Object.entries(services)) {
      for (const [key, value] of Object.entries(envOf(s))) {
        if (/PASSWORD|TOKEN|SECRET/.test(key) && !REQUIRED.test(value)) problems.push(`${name}.${key}`);
        // user:password@ in a URL
        const inUrl = /^[a-z+]+:\/\/[^:/@]+:([^@]*)@/.exec(value);
        if (inUrl && !REQUIRED.test(inUrl[1])) problems.push(`${name}.${key} (password in the URL)`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('connects the services as the least-privilege role; only the setup connects as the owner, and no one as the superuser', () => {
    const userOf = (url: string) => new URL(substituted(url)).username;
    for (const [name, s] of tallyServices) expect([name, userOf(envOf(s).DATABASE_URL)]).toEqual([name, 'tally_service']);
    const pg = envOf(services.postgres);
    expect(pg).toMatchObject({ TALLY_DB_OWNER: 'tally_owner', TALLY_DB_SERVICE_ROLE: 'tally_service', TALLY_DB_NAME: 'tally' });
    expect(pg.POSTGRES_USER ?? 'postgres').toBe('postgres');
    expect(services.postgres.volumes).toContain('./deploy/postgres/init-roles.sh:/docker-entrypoint-initdb.d/10-tally-roles.sh:ro');
    const setup = services['db-setup'];
    expect(userOf(envOf(setup).DATABASE_URL)).toBe('tally_owner');
    expect(setup.command).toEqual(['node', 'dist/apps/tally-cli/src/main.js', 'db', 'setup', '--service-role', 'tally_service']);
  });

  it('starts the services only after every one-shot setup succeeded', () => {
    const completed = (s: Service) => Object.entries(s.depends_on ?? {}).filter(([, d]) => d.condition === 'service_completed_successfully').map(([n]) => n).sort();
    for (const [name, s] of tallyServices) expect([name, completed(s)]).toEqual([name, ['db-setup', 'kafka-acls']]);
    for (const [name, s] of kafkaNodes) expect([name, completed(s)]).toEqual([name, ['kafka-setup']]);
    expect(completed(services.eventstore)).toEqual(['eventstore-certs']);
    for (const setup of ['db-setup', 'kafka-setup', 'kafka-acls', 'eventstore-certs']) expect([setup, services[setup].restart]).toEqual([setup, 'no']);
    for (const [name, s] of tallyServices) {
      for (const dependency of ['postgres', 'eventstore', ...kafkaNodes.map(([n]) => n)]) expect([name, dependency, s.depends_on?.[dependency]?.condition]).toEqual([name, dependency, 'service_healthy']);
    }
  });

  it('runs EventStoreDB secure, with the generated certificate, and the services verify it against the CA', () => {
    const es = services.eventstore;
    expect(envOf(es)).toMatchObject({ EVENTSTORE_INSECURE: 'false', EVENTSTORE_CERTIFICATE_FILE: '/certs/node/node.crt', EVENTSTORE_TRUSTED_ROOT_CERTIFICATES_PATH: '/certs/ca' });
    expect(envOf(es).EVENTSTORE_DEFAULT_ADMIN_PASSWORD).toMatch(REQUIRED);
    // What the certs step writes is what the database reads.
    const certs = services['eventstore-certs'];
    expect(volumeAt(es, '/certs/node/node.crt')).toBe(volumeAt(certs, '/node'));
    expect(volumeAt(es, '/certs/ca')).toBe(volumeAt(certs, '/ca'));
    expect(volumeAt(certs, '/ca-private')).toBe('eventstore-ca-private');
    expect(Object.values(services).filter((s) => s.volumes?.some((v) => v.startsWith('eventstore-ca-private:')))).toEqual([certs]);
    for (const [name, s] of tallyServices) {
      const url = new URL(substituted(envOf(s).EVENTSTORE_CONNECTION_STRING).replace(/^esdb:/, 'http:'));
      const caFile = url.searchParams.get('tlsCAFile') ?? '';
      expect([name, url.searchParams.get('tls'), url.hostname, volumeAt(s, caFile)]).toEqual([name, 'true', 'eventstore', 'eventstore-ca']);
    }
  });

  it('secures every Kafka node as the broker the SASL integration spec runs (tools/kafka/secured.js)', () => {
    expect(kafkaNodes).toHaveLength(3);
    for (const [name, s] of kafkaNodes) {
      const properties = kafkaProperties(envOf(s));
      expect([name, properties]).toMatchObject([name, SECURITY_PROPERTIES]);
      // No listener without SASL.
      const protocols = properties['listener.security.protocol.map'].split(',').map((pair) => pair.split(':')[1]);
      expect(protocols.every((p) => p.startsWith('SASL_'))).toBe(true);
      // The image drops a property whose value holds "=": the logins must come from the JAAS file.
      expect(Object.entries(properties).filter(([, v]) => v.includes('='))).toEqual([]);
      expect(envOf(s).KAFKA_OPTS).toBe('-Djava.security.auth.login.config=/etc/kafka/secrets/jaas.conf');
      expect(volumeAt(s, '/etc/kafka/secrets/jaas.conf')).toBe('kafka-secrets');
      expect(s.healthcheck && 'test' in s.healthcheck ? s.healthcheck.test.join(' ') : '').toContain('--command-config /etc/kafka/secrets/admin.properties');
      expect(envOf(s)).toMatchObject({ KAFKA_DEFAULT_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });
    }
  });

  it('gives the service principal ACLs that cover exactly its topic, dead-letter topic and consumer group', () => {
    const setup = envOf(services['kafka-setup']);
    const acls = envOf(services['kafka-acls']);
    for (const [name, s] of tallyServices) {
      const config = loadAppConfig(Object.fromEntries(Object.entries(envOf(s)).map(([k, v]) => [k, substituted(v)])));
      if (config.queue.kind !== 'kafka') throw new Error(`${name} has no Kafka`);
      expect([name, config.queue.sasl?.username]).toEqual([name, acls.SERVICE_USER]);
      expect([name, config.queue.topic.startsWith(acls.TOPIC_PREFIX), `${config.queue.topic}.dead-letter`.startsWith(acls.TOPIC_PREFIX)]).toEqual([name, true, true]);
      expect([name, config.recorder.groupId.startsWith(acls.GROUP_PREFIX)]).toEqual([name, true]);
    }
    expect(setup.SERVICE_USER).toBe(acls.SERVICE_USER);
    expect(setup.CLUSTER_ID).toBe(envOf(kafkaNodes[0][1]).CLUSTER_ID);
    // kafka-setup formats each node's own data volume, and shares the secrets with the nodes.
    for (const [name, s] of kafkaNodes) expect(volumeAt(services['kafka-setup'], `/data/${envOf(s).KAFKA_NODE_ID}`)).toBe(volumeAt(s, '/var/lib/kafka/data') ?? name);
    expect(volumeAt(services['kafka-setup'], '/secrets')).toBe('kafka-secrets');
  });

  it('writes the JAAS file the nodes read: the brokers’ SCRAM login and the controllers’ PLAIN user table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-compose-secrets-'));
    try {
      execFileSync('bash', [join(ROOT, 'deploy/kafka/setup.sh')], {
        env: { PATH: process.env.PATH, CLUSTER_ID: 'x', NODES: '', SECRETS_DIR: dir, ADMIN_PASSWORD: 'a1', SERVICE_PASSWORD: 's1' },
        stdio: 'pipe',
      });
      const jaas = readFileSync(join(dir, 'jaas.conf'), 'utf8');
      expect(jaas).toMatch(/broker\.KafkaServer \{\s+org\.apache\.kafka\.common\.security\.scram\.ScramLoginModule required\s+username="admin" password="a1";\s+\};/);
      expect(jaas).toMatch(/controller\.KafkaServer \{\s+org\.apache\.kafka\.common\.security\.plain\.PlainLoginModule required\s+username="admin" password="a1" user_admin="a1";\s+\};/);
      expect(readFileSync(join(dir, 'admin.properties'), 'utf8')).toContain('sasl.mechanism=SCRAM-SHA-512');
      // A password that would break the JAAS quotes is refused.
      expect(() =>
        execFileSync('bash', [join(ROOT, 'deploy/kafka/setup.sh')], { env: { PATH: process.env.PATH, CLUSTER_ID: 'x', NODES: '', SECRETS_DIR: dir, ADMIN_PASSWORD: 'a"1', SERVICE_PASSWORD: 's1' }, stdio: 'pipe' }),
      ).toThrow(/letters, digits/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a three-node Kafka, EventStoreDB and PostgreSQL', () => {
    const images = Object.values(services).map((s) => s.image);
    expect(images.filter((i) => i.startsWith('apache/kafka')).length).toBeGreaterThanOrEqual(3);
    expect(images.some((i) => /eventstore\/eventstore|kurrentdb/.test(i))).toBe(true);
    expect(images.some((i) => /^postgres:/.test(i))).toBe(true);
  });
});
