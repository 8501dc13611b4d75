// The load generator of the SSE bench, in its own process (forked by sse.bench.ts): signs the
// protocols of the bench election ahead (the same synthetic election the server defined, demo
// keys, signed as tools/cluster/load.js signs), then on { go } posts them (with load.js's poster,
// http-post.js) at a fixed rate — open loop: a request is due at its time whether or not earlier
// ones were answered, at most MAX_IN_FLIGHT outstanding (past that the rate achieved falls below
// the one asked, and the report says so). Reports each 202's submission id and the hrtime (ms) it
// arrived.
import { join } from 'node:path';
import type { SignedBody } from '../tools/cluster/load';
import { INTAKE_BENCH_SEED, intakeBenchElection } from './intake-server';

// Plain CommonJS beside the TypeScript (tools/ has no build step), typed by its .d.ts files.
const ROOT = join(__dirname, '..', '..');
const { createPoster }: typeof import('../tools/cluster/http-post') = require(join(ROOT, 'tools', 'cluster', 'http-post.js'));
const { signAhead }: typeof import('../tools/cluster/load') = require(join(ROOT, 'tools', 'cluster', 'load.js'));

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

let bodies: readonly SignedBody[] = [];

function prepare(precincts: number): LoadMessage {
  const definition = intakeBenchElection(precincts);
  bodies = signAhead(definition, INTAKE_BENCH_SEED);
  return { type: 'prepared', electionId: definition.id, bodies: bodies.length };
}

async function go(base: string, from: number, count: number, rate: number): Promise<LoadMessage> {
  const poster = createPoster();
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
      poster
        .post(base, slice[i].path, slice[i].body)
        // A connection error or no answer counts as status 0.
        .catch(() => ({ status: 0, text: '' }))
        .then(({ status, text }) => {
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
  poster.destroy();
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
