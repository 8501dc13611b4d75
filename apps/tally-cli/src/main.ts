#!/usr/bin/env node
// The `tally` command line. Each subcommand lives in its own file under commands/ and is
// listed once in `commands` below; main only wires commander to real I/O and exit codes.
import { readFile } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';
import { ExitCode, type CliCommand, type CliIo } from './cli.types';
import { allocateCommand } from './commands/allocate.command';
import { actCommand } from './commands/act.command';
import { amendCommand } from './commands/amend.command';
import { keysCommand } from './commands/keys.command';
import { signCommand } from './commands/sign.command';
import { submitCommand } from './commands/submit.command';
import { auditCommand } from './commands/audit.command';
import { dbCommand } from './commands/db.command';
import { logCommand } from './commands/log-watch.command';
import { receiptCommand } from './commands/receipt.command';

export const commands: readonly CliCommand[] = [actCommand, allocateCommand, amendCommand, auditCommand, dbCommand, keysCommand, logCommand, receiptCommand, signCommand, submitCommand];

export function buildProgram(io: CliIo, exit: (code: ExitCode) => void): Command {
  const program = new Command('tally')
    .description('Tally: event-sourced election-results tallying — command line')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const command of commands) command.register(program, io, exit);
  return program;
}

/** Runs the CLI on `argv` (without node and script) and resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let code: ExitCode = ExitCode.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; every other commander complaint is bad usage.
      const benign = ['commander.helpDisplayed', 'commander.help', 'commander.version'];
      return benign.includes(error.code) ? ExitCode.ok : ExitCode.badInput;
    }
    io.stderr(`tally: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.failure;
  }
}

const nodeIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFile(path, 'utf8'),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

if (require.main === module) {
  void runCli(process.argv.slice(2), nodeIo).then((code) => {
    // exitCode, not exit(): lets stdout drain when piped.
    process.exitCode = code;
  });
}
