// `tally audit export --format cdf|csv [--until ...] --out FILE`: NIST SP 1500-100 v2 results
// (JSON) or per-precinct CSV at a store position; the same position gives the same bytes.
import { exportElection, type ExportFormat } from '@tally/audit';
import { ExitCode, type CliIo } from '../cli.types';
import { progressLine, untilOption, withStore, type AuditDeps } from './audit-support';

export interface AuditExportOptions {
  readonly election?: string;
  readonly format: string;
  readonly until?: string;
  readonly out?: string;
}

const FORMATS: readonly ExportFormat[] = ['cdf', 'csv'];

export async function runAuditExport(options: AuditExportOptions, io: CliIo, deps: AuditDeps): Promise<ExitCode> {
  if (!FORMATS.includes(options.format as ExportFormat)) {
    io.stderr(`tally audit export: --format: one of ${FORMATS.join(', ')}\n`);
    return ExitCode.badInput;
  }
  const until = untilOption(options.until);
  if (!until.ok) {
    io.stderr(`tally audit export: ${until.message}\n`);
    return ExitCode.badInput;
  }
  const code = await withStore(deps, io, 'export', async (store) => {
    let electionId = options.election;
    if (electionId === undefined) {
      const { loadElections } = await import('@tally/audit');
      const ids = [...(await loadElections(store)).elections.keys()];
      if (ids.length !== 1) {
        io.stderr(`tally audit export: --election: required when the store has ${ids.length} elections (${ids.join(', ') || 'none'})\n`);
        return ExitCode.badInput;
      }
      electionId = ids[0];
    }
    const progress = progressLine(io, deps, 'replaying', until.value);
    const result = await exportElection(store, { electionId, format: options.format as ExportFormat, until: until.value, onProgress: progress.onProgress });
    progress.done();
    if (!result.ok) {
      io.stderr(`tally audit export: --election: ${result.error.message}\n`);
      return ExitCode.badInput;
    }
    for (const u of result.value.unreadable) io.stderr(`tally audit export: ${u.streamName}@${u.revision} (${u.type}) does not decode and gives no provenance: ${u.reason}\n`);
    if (options.out === undefined || options.out === '-') io.stdout(result.value.body);
    else {
      await deps.writeFile(options.out, result.value.body);
      io.stderr(`tally audit export: ${options.format} of ${electionId} through position ${result.value.position} (${result.value.status}) written to ${options.out}\n`);
    }
    return ExitCode.ok;
  });
  return code ?? ExitCode.failure;
}
