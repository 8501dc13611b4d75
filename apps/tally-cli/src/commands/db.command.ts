// `tally db setup --service-role NAME`: the one-time (and after each upgrade) schema setup of a
// PostgreSQL deployment, run as the role that shall own the tables. It creates or migrates the
// event store's schema and grants the service role only SELECT and INSERT, so the service — which
// then finds the schema current and creates nothing — can never update, delete, truncate, or drop
// or disable the append-only trigger. The connection: --database-url, else DATABASE_URL.
import type { Command } from 'commander';
import { SchemaSetupError, setupPostgresSchema } from '@tally/event-store';
import { ExitCode, type CliCommand, type CliIo } from '../cli.types';

export interface DbSetupOptions {
  readonly serviceRole: string;
  readonly databaseUrl?: string;
}

export async function runDbSetup(options: DbSetupOptions, io: CliIo, env: Readonly<Record<string, string | undefined>> = process.env): Promise<ExitCode> {
  const url = options.databaseUrl ?? env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    io.stderr('tally db setup: --database-url (or DATABASE_URL): a postgres:// URL of the role that will own the schema is required\n');
    return ExitCode.badInput;
  }
  try {
    const result = await setupPostgresSchema({ connectionString: url, serviceRole: options.serviceRole });
    io.stdout(JSON.stringify(result) + '\n');
    io.stderr(`tally db setup: schema current, owned by ${result.owner}; ${result.serviceRole} may ${result.grants.join('; ')}\n`);
    return ExitCode.ok;
  } catch (error) {
    io.stderr(`tally db setup: ${error instanceof SchemaSetupError ? '--service-role: ' : ''}${(error as Error).message}\n`);
    return error instanceof SchemaSetupError ? ExitCode.badInput : ExitCode.failure;
  }
}

export const dbCommand: CliCommand = {
  name: 'db',
  register(program: Command, io: CliIo, exit: (code: ExitCode) => void) {
    const db = program.command('db').description('PostgreSQL deployment tasks');
    db.command('setup')
      .description('as the schema owner: create or migrate the event store schema and grant the service role only SELECT and INSERT')
      .requiredOption('-s, --service-role <name>', 'the role the Tally services log in as')
      .option('-d, --database-url <url>', 'the owner’s connection (default: DATABASE_URL)')
      .action(async (options: DbSetupOptions) => exit(await runDbSetup(options, io)));
  },
};
