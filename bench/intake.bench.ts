// Intake over HTTP on loopback, embedded mode (in-process queue, PGlite in memory, recorder in the
// same process): accepted submissions/s with autocannon (each request a different signed
// protocol: schema, signature, scope and control relations are all checked), the HTTP latency of
// the 202, and the p50/p99 time from 202 to "recorded" as the status service reports it
// (recordedAt, the store's commit clock, minus receivedAt, intake's clock).
// autocannon runs in this process too, so client and server share the 2 cores: a lower bound.
import type { AddressInfo } from 'node:net';
import { generateProtocols, generateSyntheticElection } from '@tally/domain';
import { withDemoKeys } from '@tally/signatures';
import { createApp } from '../apps/tally-server/src/bootstrap';
import { loadAppConfig, type Role } from '../apps/tally-server/src/config/app.config';
import { ElectionRegistry } from '../apps/tally-server/src/elections/election-registry.service';
import { SubmissionStatusService } from '../apps/tally-server/src/submissions/submission-status.service';
import { signedProtocolBody } from '../test/e2e/support/signing';
import type { BenchResult } from './bench.types';

const PRECINCTS = Number(process.env.INTAKE_BENCH_PRECINCTS ?? 4000); // × 2 contests = 8,000 distinct protocols
const CONNECTIONS = 16;

export interface AutocannonResult {
  readonly duration: number;
  readonly requests: { readonly average: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly non2xx: number;
  readonly '2xx': number;
  readonly errors: number;
}
export type AutocannonRequest = {
  readonly method: string;
  readonly setupRequest: (req: Record<string, unknown>) => Record<string, unknown>;
  readonly onResponse: (status: number, body: string) => void;
};
export type Autocannon = (options: {
  url: string;
  connections: number;
  amount: number;
  headers: Record<string, string>;
  requests: AutocannonRequest[];
}) => Promise<AutocannonResult>;

export const autocannon = require('autocannon') as Autocannon;
const log = (line: string) => process.stderr.write(`intake.bench: ${line}\n`);

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

export default async function run(): Promise<BenchResult[]> {
  const definition = withDemoKeys(generateSyntheticElection({ seed: 55, precincts: PRECINCTS }));
  const bodies: Array<{ path: string; body: string }> = [];
  for (const s of generateProtocols(definition, 55)) {
    if (s.kind !== 'protocol') continue;
    bodies.push({
      path: `/v1/elections/${definition.id}/precincts/${s.precinctId}/protocols`,
      body: JSON.stringify(signedProtocolBody(definition.id, s.precinctId, s.protocol)),
    });
  }
  log(`${bodies.length} signed protocols prepared`);

  process.env.TALLY_RATE_LIMIT = '100000000';
  // Intake alone (TALLY_ROLES=intake: nothing records, the queue only buffers): what the HTTP
  // surface itself sustains, before it shares the event loop with the recorder and PGlite.
  const alone = await load(definition, bodies, 'intake');
  log(`intake alone: ${alone.accepted} accepted in ${alone.seconds.toFixed(1)} s`);
  const full = await load(definition, bodies, 'intake,recorder,projector');
  log(`embedded, all roles: ${full.accepted} accepted in ${full.seconds.toFixed(1)} s`);
  const latencies = full.latencies;
  const recorded = latencies.length;
  const note = `${CONNECTIONS} connections, ${bodies.length} distinct signed protocols, autocannon in the same process`;
  return [
    { name: 'accepted submissions/s, intake role alone', value: alone.accepted / alone.seconds, unit: 'req/s', note: `in-process queue, no recorder; ${note}` },
    { name: 'HTTP 202 latency p50, intake role alone', value: alone.p50, unit: 'ms', note },
    { name: 'HTTP 202 latency p99, intake role alone', value: alone.p99, unit: 'ms', note },
    { name: 'accepted submissions/s, embedded (all roles)', value: full.accepted / full.seconds, unit: 'req/s', note: `recorder, projector and PGlite in the same event loop; ${note}` },
    { name: 'HTTP 202 latency p99, embedded (all roles)', value: full.p99, unit: 'ms', note },
    { name: '202 → recorded p50, embedded', value: recorded ? percentile(latencies, 50) : NaN, unit: 'ms', note: `${recorded} of ${full.accepted} recorded, under the full load` },
    { name: '202 → recorded p99, embedded', value: recorded ? percentile(latencies, 99) : NaN, unit: 'ms', note: `${recorded} of ${full.accepted} recorded, under the full load` },
  ];
}

interface Load {
  readonly accepted: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  /** 202 → recorded per recorded submission, ms, sorted (empty without a recorder). */
  readonly latencies: readonly number[];
}

async function load(definition: ReturnType<typeof withDemoKeys>, bodies: ReadonlyArray<{ path: string; body: string }>, roles: string): Promise<Load> {
  // The service refuses intake without a recorder on the in-process queue (nobody would read it);
  // the bench wants exactly that to measure the HTTP surface alone, so it sets the roles itself.
  const config = { ...loadAppConfig({ LOG_LEVEL: 'silent', TALLY_DEMO: 'false', PORT: '0' }), roles: roles.split(',') as Role[] };
  const app = await createApp({ ...config, eventStore: { kind: 'embedded' } }, { logger: false });
  try {
    await app.get(ElectionRegistry).define(definition);
    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const status = app.get(SubmissionStatusService);

    let next = 0;
    const ids: string[] = [];
    const result = await autocannon({
      url,
      connections: CONNECTIONS,
      amount: bodies.length,
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const b = bodies[next++ % bodies.length];
            return { ...req, path: b.path, body: b.body };
          },
          onResponse: (code, body) => {
            if (code === 202) ids.push((JSON.parse(body) as { submissionId: string }).submissionId);
          },
        },
      ],
    });
    if (result.non2xx > 0 || result.errors > 0) log(`${roles}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    let latencies: number[] = [];
    if (roles.includes('recorder')) {
      // Every accepted submission's outcome; the latency is the status service's own figure.
      const outcomes = await Promise.all(ids.map((id) => status.waitForOutcome(id, 300_000)));
      latencies = outcomes
        .filter((s) => s?.state === 'recorded' && s.recordedAt && s.receivedAt)
        .map((s) => Date.parse(s!.recordedAt!) - Date.parse(s!.receivedAt!))
        .sort((a, b) => a - b);
    }
    return { accepted: result['2xx'], seconds: result.duration, p50: result.latency.p50, p99: result.latency.p99, latencies };
  } finally {
    await app.close();
  }
}
