// The load generator of the SSE bench, in its own process (forked by sse.bench.ts): signs the
// protocols of the bench election ahead (the same synthetic election the server defined, demo
// keys), then on { go } posts them at a fixed rate — open loop: a request is due at its time
// whether or not earlier ones were answered, at most MAX_IN_FLIGHT outstanding (past that the
// rate achieved falls below the one asked, and the report says so). Reports each 202's
// submission id and the hrtime (ms) it arrived.
import { Agent, request } from 'node:http';
import { generateProtocols } from '@tally/domain';
import { signedProtocolBody } from '../test/e2e/support/signing';
import { INTAKE_BENCH_SEED, intakeBenchElection } from './intake-server';

export type LoadParent =
  | { readonly type: 'prepare'; readonly precincts: number }
  | { readonly type: 'go'; readonly url: string; readonly from: number; readonly count: number; readonly rate: number }
  | { readonly type: 'stop' };

export type LoadMessage =
  | { readonly type: 'prepared'; readonly electionId: string; readonly bodies: number }
  | {
      readonly type: 'done';
      readonly accepted: readonly (readonly [submissionId: string, ackMs: number])[];
      readonly statuses: Readonly<Record<string, number>>;
      readonly seconds: number;
      readonly startedMs: number;
    };

const MAX_IN_FLIGHT = 256;
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

type Body = { readonly path: string; readonly body: string };
let bodies: Body[] = [];

function prepare(precincts: number): LoadMessage {
  const definition = intakeBenchElection(precincts);
  bodies = [];
  for (const s of generateProtocols(definition, INTAKE_BENCH_SEED)) {
    if (s.kind !== 'protocol') continue;
    bodies.push({ path: `/v1/elections/${definition.id}/precincts/${s.precinctId}/protocols`, body: JSON.stringify(signedProtocolBody(definition.id, s.precinctId, s.protocol)) });
  }
  return { type: 'prepared', electionId: definition.id, bodies: bodies.length };
}

function post(agent: Agent, url: URL, b: Body): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, path: b.path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b.body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', () => resolve({ status: 0, text: '' }));
    req.end(b.body);
  });
}

async function go(base: string, from: number, count: number, rate: number): Promise<LoadMessage> {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  const accepted: (readonly [string, number])[] = [];
  const statuses: Record<string, number> = {};
  const slice = bodies.slice(from, from + count);
  let inFlight = 0;
  let freed: (() => void) | undefined;
  const pending: Promise<void>[] = [];
  const startedMs = nowMs();
  for (let i = 0; i < slice.length; i++) {
    const wait = startedMs + (i * 1000) / rate - nowMs();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (freed = r));
    inFlight++;
    pending.push(
      post(agent, url, slice[i]).then(({ status, text }) => {
        const at = nowMs();
        inFlight--;
        freed?.();
        freed = undefined;
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 202) accepted.push([(JSON.parse(text) as { submissionId: string }).submissionId, at]);
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return { type: 'done', accepted, statuses, seconds: (nowMs() - startedMs) / 1000, startedMs };
}

if (require.main === module) {
  const send = (m: LoadMessage) => process.send?.(m);
  process.on('message', (m: LoadParent) => {
    if (m.type === 'prepare') send(prepare(m.precincts));
    else if (m.type === 'go') void go(m.url, m.from, m.count, m.rate).then(send);
    else process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));
}
