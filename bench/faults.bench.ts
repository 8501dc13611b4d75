// The long fault campaign's figures: `npm run bench -- faults` runs `npm run faults -- --cycles
// 100` (tools/cluster/faults.js: three KRaft brokers, intake/recorder/projector ×2, its own
// PostgreSQL, faults injected under a steady signed load; about 20 minutes here) and reports
// what its report says. Not part of a plain `npm run bench` (scripts/bench.js runs it only when
// named). FAULTS_BENCH_REPORT=<report.json> reports a campaign already run instead (its
// .tools/cluster/faults/report.json), FAULTS_BENCH_CYCLES another length (ids say 100 only at 100).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './bench.types';

interface CampaignReport {
  readonly cycles: number;
  readonly acknowledged: number;
  readonly recorded: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly digestEqual: boolean;
  readonly maxRecoverySeconds: number;
  readonly perCycle: readonly { readonly kind: string; readonly recoverySeconds: number }[];
  readonly loadRetries?: number;
  readonly seconds: number;
}

const ROOT = join(__dirname, '..', '..');

function campaign(): CampaignReport {
  const given = process.env.FAULTS_BENCH_REPORT;
  if (given) return JSON.parse(readFileSync(given, 'utf8')) as CampaignReport;
  const cycles = process.env.FAULTS_BENCH_CYCLES ?? '100';
  const run = spawnSync(process.execPath, [join(ROOT, 'tools/cluster/faults.js'), '--cycles', cycles], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const last = (run.stdout ?? '').trim().split('\n').pop() ?? '';
  const report = JSON.parse(last) as CampaignReport & { error?: string };
  if (report.error) throw new Error(`the campaign failed: ${report.error}`);
  return report;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)];
};

export default async function run(): Promise<BenchResult[]> {
  const r = campaign();
  const label = `fault campaign, ${r.cycles} cycles`;
  const id = (name: string) => (r.cycles === 100 ? { id: `faults.100.${name}` } : {});
  const how = `npm run faults -- --cycles ${r.cycles} (${(r.seconds / 60).toFixed(0)} min): three KRaft brokers, intake/recorder/projector ×2, its own PostgreSQL; 20 signed protocols/s over both intakes; ${r.loadRetries ?? 0} load retries`;
  const kinds = [...new Set(r.perCycle.map((c) => c.kind))].sort();
  return [
    {
      ...id('lost'),
      name: `${label}: acknowledged (202) but never recorded`,
      value: r.lost,
      unit: 'submissions',
      note: `of ${r.acknowledged.toLocaleString('en-US')} acknowledged; ${r.recorded.toLocaleString('en-US')} recorded with the signed content (read from the event store); live digests ${r.digestEqual ? 'equal' : 'DIFFER FROM'} a fresh replay. ${how}`,
    },
    { ...id('duplicated'), name: `${label}: recorded more than once`, value: r.duplicated, unit: 'submissions', note: 'by submission id and by signed content' },
    { ...id('recovery.max.s'), name: `${label}: longest recovery`, value: r.maxRecoverySeconds, unit: 's', note: 'until every process is ready and every partition fully replicated again' },
    ...kinds.map((kind) => {
      const times = r.perCycle.filter((c) => c.kind === kind).map((c) => c.recoverySeconds);
      return { name: `${label}: median recovery after ${kind}`, value: median(times), unit: 's', note: `${times.length} cycles, longest ${Math.max(...times)} s` };
    }),
  ];
}
