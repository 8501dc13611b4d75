// What every command gets: its I/O as plain functions (so specs need no process), and the
// exit codes the CLI promises.
import type { Command } from 'commander';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly readFile: (path: string) => Promise<string>;
}

export const ExitCode = {
  ok: 0,
  /** Something unexpected (a bug, an I/O failure that is not the user's input). */
  failure: 1,
  /** Bad usage or bad input: the message names the field and the rule. */
  badInput: 2,
  /** Accepted, with no outcome yet (`tally submit`): asking again finds the same submission. */
  pending: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** One subcommand, in its own file, registered in main.ts. */
export interface CliCommand {
  readonly name: string;
  /** Adds the subcommand to `program`; its action reports its exit code through `exit`. */
  register(program: Command, io: CliIo, exit: (code: ExitCode) => void): void;
}
