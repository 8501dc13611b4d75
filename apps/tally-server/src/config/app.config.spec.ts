import { availableParallelism } from 'node:os';
import { ConfigError, defaultSignatureThreads, loadAppConfig } from './app.config';

describe('loadAppConfig', () => {
  it('uses the embedded defaults when nothing is set', () => {
    const c = loadAppConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.roles).toEqual(['intake', 'recorder', 'projector']);
    expect(c.eventStore.kind).toBe('embedded');
    expect(c.queue.kind).toBe('in-process');
    expect(c.demo).toBe(true);
  });

  it('checks signatures on worker threads by default where the event loop bounds the process (both checks of a submission on it), inline for a role alone on two cores; TALLY_SIGNATURE_THREADS says otherwise', () => {
    expect(loadAppConfig({}).signatureThreads).toBe(defaultSignatureThreads(availableParallelism(), ['intake', 'recorder', 'projector']));
    expect(loadAppConfig({ TALLY_ROLES: 'recorder' }).signatureThreads).toBe(defaultSignatureThreads(availableParallelism(), ['recorder']));
    const cores = [1, 2, 3, 4, 6, 8, 64];
    // One loop doing both checks keeps at least one thread; a role alone checks inline on two cores.
    expect(cores.map((n) => defaultSignatureThreads(n, ['intake', 'recorder', 'projector']))).toEqual([1, 1, 2, 3, 4, 4, 4]);
    expect(cores.map((n) => defaultSignatureThreads(n, ['intake', 'recorder']))).toEqual([1, 1, 2, 3, 4, 4, 4]);
    expect(cores.map((n) => defaultSignatureThreads(n, ['intake']))).toEqual([0, 0, 1, 2, 4, 4, 4]);
    expect(cores.map((n) => defaultSignatureThreads(n, ['recorder']))).toEqual([0, 0, 1, 2, 4, 4, 4]);
    expect(loadAppConfig({ TALLY_SIGNATURE_THREADS: '0' }).signatureThreads).toBe(0);
    expect(loadAppConfig({ TALLY_SIGNATURE_THREADS: '3' }).signatureThreads).toBe(3);
    expect(() => loadAppConfig({ TALLY_SIGNATURE_THREADS: '-1' })).toThrow(/TALLY_SIGNATURE_THREADS/);
  });

  it('loads no demo election in production unless asked to (its keys are public)', () => {
    expect(loadAppConfig({ NODE_ENV: 'production' }).demo).toBe(false);
    expect(loadAppConfig({ NODE_ENV: 'production', TALLY_DEMO: 'true' }).demo).toBe(true);
    expect(loadAppConfig({ TALLY_DEMO: 'false' }).demo).toBe(false);
  });

  it('keeps 100,000 precinct states in a recorder unless TALLY_RECORDER_CACHED_STREAMS says otherwise', () => {
    expect(loadAppConfig({}).recorder.cachedStreams).toBe(100_000);
    expect(loadAppConfig({ TALLY_RECORDER_CACHED_STREAMS: '250000' }).recorder.cachedStreams).toBe(250_000);
    expect(loadAppConfig({ TALLY_RECORDER_CACHED_STREAMS: '0' }).recorder.cachedStreams).toBe(0);
    expect(() => loadAppConfig({ TALLY_RECORDER_CACHED_STREAMS: '-1' })).toThrow(/TALLY_RECORDER_CACHED_STREAMS/);
  });

  it('selects PostgreSQL and Kafka from the environment', () => {
    const c = loadAppConfig({
      EVENT_STORE: 'postgres',
      DATABASE_URL: 'postgres://tally@db:5432/tally',
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      TALLY_ROLES: 'recorder',
    });
    expect(c.eventStore.kind).toBe('postgres');
    expect(c.queue).toMatchObject({ kind: 'kafka', brokers: ['k1:9092', 'k2:9092'] });
    expect(c.roles).toEqual(['recorder']);
  });

  it('logs in to Kafka with SASL when all three variables are set, and names what is missing otherwise', () => {
    const kafka = { KAFKA_BROKERS: 'k1:9092' };
    expect(loadAppConfig({ ...kafka, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'tally', KAFKA_SASL_PASSWORD: 'pw', KAFKA_SSL: 'true' }).queue).toMatchObject({
      kind: 'kafka',
      sasl: { mechanism: 'scram-sha-512', username: 'tally', password: 'pw' },
      ssl: true,
    });
    expect(loadAppConfig(kafka).queue).toMatchObject({ kind: 'kafka', sasl: undefined, ssl: false });
    const problem = (env: Record<string, string>) => {
      try {
        loadAppConfig({ ...kafka, ...env });
        return '';
      } catch (e) {
        return (e as ConfigError).problems.join('\n');
      }
    };
    expect(problem({ KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toBe('KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD: required when KAFKA_SASL_MECHANISM is set');
    expect(problem({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'tally' })).toBe('KAFKA_SASL_PASSWORD: required when KAFKA_SASL_MECHANISM is set');
    expect(problem({ KAFKA_SASL_USERNAME: 'tally', KAFKA_SASL_PASSWORD: 'pw' })).toMatch(/^KAFKA_SASL_MECHANISM: required when KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are set/);
    expect(problem({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'tally', KAFKA_SASL_PASSWORD: 'pw' })).toBe(
      'KAFKA_SASL_MECHANISM: KAFKA_SASL_MECHANISM must be one of scram-sha-256, scram-sha-512, plain',
    );
    expect(problem({ KAFKA_SSL: 'yes' })).toBe('KAFKA_SSL: KAFKA_SSL must be true or false');
    expect(problem({ KAFKA_BROKERS: '', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toMatch(/^KAFKA_BROKERS: required when/);
  });

  it('runs the transparency log by default, its files under TALLY_DATA_DIR, a head at least every 10 s', () => {
    expect(loadAppConfig({}).log).toEqual({ enabled: true, dir: 'data/log', keyPem: undefined, headIntervalMs: 10_000 });
    expect(loadAppConfig({ TALLY_LOG: 'off', TALLY_DATA_DIR: '/srv/tally', TALLY_LOG_HEAD_INTERVAL_MS: '500' }).log).toMatchObject({ enabled: false, dir: '/srv/tally/log', headIntervalMs: 500 });
    expect(() => loadAppConfig({ TALLY_LOG_HEAD_INTERVAL_MS: '60000' })).toThrow(/TALLY_LOG_HEAD_INTERVAL_MS/);
    expect(() => loadAppConfig({ TALLY_LOG: 'yes' })).toThrow(/TALLY_LOG/);
  });

  it('leaves the log off in a recorder-only process, which answers nobody outside, unless TALLY_LOG says on', () => {
    const kafka = { KAFKA_BROKERS: '127.0.0.1:9092' };
    expect(loadAppConfig({ ...kafka, TALLY_ROLES: 'recorder' }).log.enabled).toBe(false);
    expect(loadAppConfig({ ...kafka, TALLY_ROLES: 'recorder', TALLY_LOG: 'on' }).log.enabled).toBe(true);
    expect(loadAppConfig({ ...kafka, TALLY_ROLES: 'intake' }).log.enabled).toBe(true);
    expect(loadAppConfig({ ...kafka, TALLY_ROLES: 'projector' }).log.enabled).toBe(true);
    expect(loadAppConfig({ ...kafka, TALLY_ROLES: 'recorder,projector' }).log.enabled).toBe(true);
    expect(loadAppConfig({ ...kafka, TALLY_ROLES: 'projector', TALLY_LOG: 'off' }).log.enabled).toBe(false);
    expect(() => loadAppConfig({ TALLY_LOG_KEY: 'secret' })).toThrow(/TALLY_LOG_KEY is a PKCS8 PEM private key/);
  });

  it('refuses intake without a recorder on the in-process queue (nobody would read what it acknowledges), naming TALLY_ROLES and the rule', () => {
    expect(() => loadAppConfig({ TALLY_ROLES: 'intake' })).toThrow(ConfigError);
    expect(() => loadAppConfig({ TALLY_ROLES: 'intake,projector' })).toThrow(/TALLY_ROLES: the intake role needs a recorder reading its queue.*must include recorder/);
    // The recorder in the same process, or a queue other processes read: fine.
    expect(loadAppConfig({ TALLY_ROLES: 'intake,recorder' }).roles).toEqual(['intake', 'recorder']);
    expect(loadAppConfig({ TALLY_ROLES: 'intake', KAFKA_BROKERS: 'k1:9092' }).roles).toEqual(['intake']);
    expect(loadAppConfig({ TALLY_ROLES: 'projector' }).roles).toEqual(['projector']);
  });

  it('names every bad variable and its rule at once', () => {
    let error: unknown;
    try {
      loadAppConfig({ PORT: 'eighty', TALLY_ROLES: 'intake,counter', EVENT_STORE: 'postgres', KAFKA_BROKERS: 'nohost' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as ConfigError).message;
    expect(text).toMatch(/PORT/);
    expect(text).toMatch(/TALLY_ROLES/);
    expect(text).toMatch(/DATABASE_URL/);
    expect(text).toMatch(/host:port/);
  });
});
