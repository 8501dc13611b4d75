// `tally allocate`: seats from list votes, by the same calculator the projections use.
import { allocate, seatSensitivity } from '@tally/domain';
import type { Command } from 'commander';
import { ExitCode, type CliCommand, type CliIo } from '../cli.types';
import { formatAllocateTable, formatSensitivityTable, toAllocateJson, toSensitivityJson } from './allocate.format';
import { parseAllocateInput, type InputError } from './allocate.input';

export interface AllocateOptions {
  readonly input: string;
  readonly json?: boolean;
  /** Also the votes each list is from a seat more or less (`seatSensitivity`). */
  readonly sensitivity?: boolean;
}

const report = (io: CliIo, errors: readonly InputError[]) =>
  io.stderr(`tally allocate: invalid input\n${errors.map((e) => `  ${e.field}: ${e.rule}`).join('\n')}\n`);

/** The whole command as one function of its options and I/O, so specs can drive it directly. */
export async function runAllocate(options: AllocateOptions, io: CliIo): Promise<ExitCode> {
  let text: string;
  try {
    text = options.input === '-' ? await io.readStdin() : await io.readFile(options.input);
  } catch (error) {
    report(io, [{ field: '--input', rule: `must name a readable file or - for stdin (${error instanceof Error ? error.message : String(error)})` }]);
    return ExitCode.badInput;
  }
  const parsed = parseAllocateInput(text);
  if (!parsed.ok) {
    report(io, parsed.errors);
    return ExitCode.badInput;
  }
  const result = allocate(parsed.value);
  if (result.kind === 'none' && result.reason === 'invalid-input') {
    // The parser should have caught it; the calculator's own check names the field all the same.
    const [field, ...rule] = (result.detail ?? 'input: invalid').split(': ');
    report(io, [{ field, rule: rule.join(': ') }]);
    return ExitCode.badInput;
  }
  const sensitivity = options.sensitivity ? seatSensitivity(parsed.value) : undefined;
  if (options.json) {
    const doc = { ...toAllocateJson(parsed.value, result), ...(sensitivity ? toSensitivityJson(sensitivity) : {}) };
    io.stdout(JSON.stringify(doc, null, 2) + '\n');
  } else {
    io.stdout(formatAllocateTable(parsed.value, result) + (sensitivity ? formatSensitivityTable(sensitivity) : ''));
  }
  return ExitCode.ok;
}

export const allocateCommand: CliCommand = {
  name: 'allocate',
  register(program: Command, io: CliIo, exit: (code: ExitCode) => void) {
    program
      .command('allocate')
      .description('allocate list seats (hare, droop, dhondt, sainte-lague) from a JSON file of votes')
      .requiredOption('-i, --input <file>', 'JSON input file, or - to read stdin')
      .option('--json', 'print the result as JSON')
      .option('--sensitivity', 'also print, per list, the fewest votes for a seat more (gainOne) or a seat less (loseOne)')
      .action(async (options: AllocateOptions) => exit(await runAllocate(options, io)));
  },
};
