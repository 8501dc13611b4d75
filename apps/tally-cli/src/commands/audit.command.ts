// `tally audit …`: replay, verify, explain and export over the event store configured by the
// environment (as the service: EVENT_STORE, DATABASE_URL, TALLY_DATA_DIR). The work is
// @tally/audit's, shared with the server's auditor endpoints; these files parse and print.
import type { Command } from 'commander';
import { ExitCode, type CliCommand, type CliIo } from '../cli.types';
import { runAuditExplain, type AuditExplainOptions } from './audit-explain.command';
import { runAuditExport, type AuditExportOptions } from './audit-export.command';
import { runAuditReplay, type AuditReplayOptions } from './audit-replay.command';
import { processDeps, type AuditDeps } from './audit-support';
import { runAuditVerify, type AuditVerifyOptions } from './audit-verify.command';
import { runAuditVerifyHead } from './audit-verify-head.command';

const UNTIL = 'a store position (e.g. 812:40311) or an ISO 8601 instant with its offset; the whole store by default';

export function auditCommandWith(deps: () => AuditDeps): CliCommand {
  return {
    name: 'audit',
    register(program: Command, io: CliIo, exit: (code: ExitCode) => void) {
      const audit = program.command('audit').description('replay, verify, explain and export the recorded history (store from EVENT_STORE / DATABASE_URL / TALLY_DATA_DIR)');
      audit
        .command('replay')
        .description("any commission's results as of a store position or a moment, by the projector's own views")
        .option('--until <bound>', UNTIL)
        .option('--election <id>', 'only this election')
        .option('--commission <id>', 'the commission whose results to print (the root by default)')
        .option('--contest <id>', 'only this contest')
        .option('--json', 'print JSON')
        .action(async (options: AuditReplayOptions) => exit(await runAuditReplay(options, io, deps())));
      audit
        .command('verify')
        .description('check hash chains, signatures, control relations and the decider, and recompute what the projector published; exit 0 clean, 1 failure')
        .option('--server <url>', "compare with the running server's projector (GET /v1/admin/projections) instead of its files")
        .option('--token <token>', 'auditor token for --server (default: TALLY_AUDITOR_TOKEN)')
        .option('--head <file>', 'instead: check the store against a signed tree head saved earlier (the root of its first treeSize events)')
        .option('--leaves <file>', "with --head: a mirror of the log's leaves, to name the first bad leaf (default: leaves.bin beside the head)")
        .option('--key <file>', "with --head: the log's public key, to check the head's signature")
        .option('--json', 'print the report as JSON')
        .action(async (options: AuditVerifyOptions & { head?: string; leaves?: string; key?: string }) =>
          exit(await (options.head !== undefined ? runAuditVerifyHead({ ...options, head: options.head }, io, deps()) : runAuditVerify(options, io, deps()))),
        );
      audit
        .command('explain')
        .description('the events behind a figure: protocols, versions, submitters, signatures, corrections and what they changed')
        .requiredOption('--election <id>', 'election id')
        .requiredOption('--commission <id>', 'commission id (any level)')
        .requiredOption('--contest <id>', 'contest id')
        .option('--choice <list>', 'comma-separated list or candidate ids, against-all, invalid (all by default)')
        .option('--turnout <time>', "also the running turnout at this reporting time (e.g. 14:00) and every precinct's reports behind it")
        .option('--until <bound>', UNTIL)
        .option('--json', 'print JSON')
        .action(async (options: AuditExplainOptions) => exit(await runAuditExplain(options, io, deps())));
      audit
        .command('export')
        .description('NIST SP 1500-100 v2 results (cdf, JSON) or per-precinct CSV at a store position')
        .requiredOption('--format <format>', 'cdf or csv')
        .option('--election <id>', 'election id (required when the store has several)')
        .option('--until <bound>', UNTIL)
        .option('--out <file>', 'write here (stdout by default)')
        .action(async (options: AuditExportOptions) => exit(await runAuditExport(options, io, deps())));
    },
  };
}

export const auditCommand: CliCommand = auditCommandWith(processDeps);
