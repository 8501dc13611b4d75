// `tally audit verify`: the whole store checked — hash chains, signatures, control relations,
// the decider's consistency — and a full recomputation compared with what the projector
// published (from `--server URL`, else its files under TALLY_DATA_DIR/projections). Each signed
// fact's receivedAt is set against the queue's clock under the deployment's bound
// (TALLY_MAX_QUEUE_DELAY_S, TALLY_MAX_CLOCK_SKEW_S, read as the service reads them).
// Exit 0: clean; 1: a failure (the first is named); 2: bad usage.
import { join, resolve } from 'node:path';
import { loadElections, readPublishedProjections, verifyAudit, type PublishedDigest, type VerifyReport } from '@tally/audit';
import { receivedAtBoundOf, receivedAtEnvSchema, type ReceivedAtBound } from '@tally/domain';
import { ExitCode, type CliIo } from '../cli.types';
import { counted, progressLine, withStore, type AuditDeps } from './audit-support';

export interface AuditVerifyOptions {
  readonly server?: string;
  /** Bearer token for --server; TALLY_AUDITOR_TOKEN by default. */
  readonly token?: string;
  readonly json?: boolean;
}

interface ProjectionStatus {
  readonly position: string;
  readonly digests: Readonly<Record<string, string>>;
}

const isStatus = (v: unknown): v is ProjectionStatus =>
  typeof v === 'object' && v !== null && typeof (v as ProjectionStatus).position === 'string' && typeof (v as ProjectionStatus).digests === 'object';

export async function runAuditVerify(options: AuditVerifyOptions, io: CliIo, deps: AuditDeps): Promise<ExitCode> {
  let serverUrl: URL | undefined;
  if (options.server !== undefined) {
    try {
      serverUrl = new URL('/v1/admin/projections', options.server);
    } catch {
      io.stderr(`tally audit verify: --server: not a URL: ${options.server}\n`);
      return ExitCode.badInput;
    }
  }
  const bound = receivedAtBoundFrom(deps.env);
  if (typeof bound === 'string') {
    io.stderr(`tally audit verify: ${bound}\n`);
    return ExitCode.badInput;
  }
  const code = await withStore(deps, io, 'verify', async (store) => {
    const elections = await loadElections(store);
    const published: PublishedDigest[] = [];
    const unusable: string[] = [];
    if (serverUrl) {
      // Read before the walk: the server's position is then one the store already holds.
      let status: unknown;
      try {
        status = await deps.fetchJson(serverUrl.href, options.token ?? deps.env.TALLY_AUDITOR_TOKEN);
      } catch (error) {
        io.stderr(`tally audit verify: --server: ${error instanceof Error ? error.message : String(error)}\n`);
        return ExitCode.failure;
      }
      if (!isStatus(status)) {
        io.stderr(`tally audit verify: --server: ${serverUrl.href} did not answer with a projector status\n`);
        return ExitCode.failure;
      }
      for (const [electionId, digest] of Object.entries(status.digests)) published.push({ electionId, position: status.position, digest, source: serverUrl.href });
    } else if ((deps.env.EVENT_STORE ?? 'embedded') === 'embedded' || deps.env.TALLY_DATA_DIR) {
      const dir = join(resolve(deps.env.TALLY_DATA_DIR || './data'), 'projections');
      const files = await readPublishedProjections(dir, elections);
      published.push(...files.digests);
      unusable.push(...files.unusable.map((u) => `${u.file}: ${u.reason}`));
    }
    const progress = progressLine(io, deps, 'verifying');
    const report = await verifyAudit(store, { published, elections, onProgress: progress.onProgress, receivedAtBound: bound });
    progress.done();
    if (options.json) io.stdout(`${JSON.stringify({ ...report, unusablePublications: unusable }, null, 2)}\n`);
    else io.stdout(formatVerifyReport(report, unusable));
    return report.ok ? ExitCode.ok : ExitCode.failure;
  });
  return code ?? ExitCode.failure;
}

/**
 * The deployment's bound on receivedAt against the queue's clock, from the service's own
 * variables read by the service's own schema (unset: its defaults), or what is wrong.
 */
function receivedAtBoundFrom(env: Readonly<Record<string, string | undefined>>): ReceivedAtBound | string {
  const parsed = receivedAtEnvSchema.safeParse(env);
  if (parsed.success) return receivedAtBoundOf(parsed.data);
  const [issue] = parsed.error.issues;
  const name = String(issue.path[0]);
  return `${name}: ${issue.message}, as the service reads it (got ${JSON.stringify(env[name]?.trim())})`;
}

/** "1 event", "2,040 events". */

export function formatVerifyReport(report: VerifyReport, unusable: readonly string[] = []): string {
  const lines = [
    `${report.ok ? 'VERIFIED' : 'FAILED'}: ${counted(report.events, 'event')} in ${counted(report.streams, 'stream')} through ${report.through ?? '(empty store)'}; elections ${report.elections.join(', ') || '(none)'}`,
    '',
  ];
  for (const [name, c] of Object.entries(report.checks)) {
    lines.push(`  ${c.status.padEnd(7)} ${name.padEnd(17)} ${String(c.checked).padStart(9)} checked${c.failed > 0 ? `, ${c.failed} failed` : ''}${c.note ? ` — ${c.note}` : ''}`);
  }
  for (const r of report.recomputations) lines.push(`          ${r.electionId} at ${r.position}: ${r.match ? 'matches' : 'DIFFERS from'} ${r.source}`);
  for (const u of unusable) lines.push(`  note: projection file not used: ${u}`);
  for (const [id, digest] of Object.entries(report.digests)) lines.push(`  recomputed ${id}: ${digest}`);
  if (report.firstFailure) {
    const f = report.firstFailure;
    lines.push('', `First failure (${f.check}, ${f.code}): ${f.message}`);
    if (f.position) lines.push(`  at position ${f.position}${f.eventId ? `, event ${f.eventId}` : ''}`);
    if (report.failureCount > 1) lines.push(`  and ${report.failureCount - 1} more (--json lists up to ${report.failures.length})`);
  }
  return `${lines.join('\n')}\n`;
}
