// `tally sign`: signs a protocol (or a correction, or a turnout report) with a commission's
// private key and prints the request body to POST with curl. The protocol is printed in the form
// that is signed and recorded (optional lines filled in with 0).
import { basename } from 'node:path';
import { refusalsFromZod, ProtocolShape, TurnoutReportShape } from '@tally/domain';
import { demoKeyPair, normalizeProtocol, privateKeyFromPem, signSubmission, type SignedSubject } from '@tally/signatures';
import type { KeyObject } from 'node:crypto';
import type { Command } from 'commander';
import { ExitCode, type CliCommand, type CliIo } from '../cli.types';

export interface SignOptions {
  readonly input: string;
  readonly election: string;
  readonly precinct: string;
  readonly key?: string;
  readonly keyId?: string;
  /** DEMO ONLY: sign with the public demo key of this commission. */
  readonly demoKey?: string;
  readonly kind: string;
  readonly contest?: string;
  readonly reason?: string;
}

type Problem = { readonly field: string; readonly rule: string };

const report = (io: CliIo, problems: readonly Problem[]) => io.stderr(`tally sign: invalid input\n${problems.map((p) => `  ${p.field}: ${p.rule}`).join('\n')}\n`);

/** The private key and its id from --key (and --key-id) or --demo-key; `tally amend` reads its key the same way. */
export async function loadKey(options: Pick<SignOptions, 'key' | 'keyId' | 'demoKey'>, io: CliIo): Promise<{ key: KeyObject | string; keyId: string } | Problem> {
  if (options.demoKey !== undefined) {
    const demo = demoKeyPair(options.demoKey);
    return { key: demo.privateKeyPem, keyId: demo.keyId };
  }
  if (options.key === undefined) return { field: '--key', rule: 'give the private key file (or --demo-key <commission> for the demo election)' };
  let pem: string;
  try {
    pem = await io.readFile(options.key);
  } catch (error) {
    return { field: '--key', rule: `must name a readable PEM file (${(error as Error).message})` };
  }
  let key: KeyObject;
  try {
    key = privateKeyFromPem(pem);
  } catch (error) {
    return { field: '--key', rule: `not an Ed25519 private key in PKCS8 PEM (${(error as Error).message})` };
  }
  const keyId = options.keyId ?? (basename(options.key).endsWith('.key.pem') ? basename(options.key).slice(0, -'.key.pem'.length) : undefined);
  if (!keyId) return { field: '--key-id', rule: 'required when the key file is not named <keyId>.key.pem' };
  return { key, keyId };
}

export async function runSign(options: SignOptions, io: CliIo): Promise<ExitCode> {
  const kinds = ['protocol', 'correction', 'turnout'];
  if (!kinds.includes(options.kind)) {
    report(io, [{ field: '--kind', rule: `one of ${kinds.join(', ')}` }]);
    return ExitCode.badInput;
  }
  let input: unknown;
  try {
    input = JSON.parse(options.input === '-' ? await io.readStdin() : await io.readFile(options.input));
  } catch (error) {
    report(io, [{ field: '--input', rule: `must name a readable JSON file or - for stdin (${(error as Error).message})` }]);
    return ExitCode.badInput;
  }
  const key = await loadKey(options, io);
  if ('field' in key) {
    report(io, [key]);
    return ExitCode.badInput;
  }
  const { election: electionId, precinct: precinctId } = options;

  let subject: SignedSubject;
  let body: Record<string, unknown>;
  let path: string;
  const base = `/v1/elections/${encodeURIComponent(electionId)}/precincts/${encodeURIComponent(precinctId)}`;
  if (options.kind === 'turnout') {
    const parsed = TurnoutReportShape.safeParse(input);
    if (!parsed.success) {
      report(io, refusalsFromZod(input, parsed.error.issues, 'input').map((r) => ({ field: r.field, rule: r.message })));
      return ExitCode.badInput;
    }
    subject = { kind: 'turnout', electionId, precinctId, time: parsed.data.time, ballotsIssued: parsed.data.ballotsIssued };
    body = { ...parsed.data };
    path = `${base}/turnout`;
  } else {
    const protocol = normalizeProtocol(input);
    if (!protocol) {
      const issues = ProtocolShape.safeParse(input).error?.issues ?? [];
      report(io, refusalsFromZod(input, issues, 'protocol').map((r) => ({ field: r.field, rule: r.message })));
      return ExitCode.badInput;
    }
    if (options.kind === 'correction') {
      if (!options.reason || options.reason.trim() === '') {
        report(io, [{ field: '--reason', rule: 'a correction states its reason' }]);
        return ExitCode.badInput;
      }
      const contestId = options.contest ?? protocol.contestId;
      subject = { kind: 'correction', electionId, precinctId, contestId, protocol, reason: options.reason };
      body = { protocol, reason: options.reason };
      path = `${base}/protocols/${encodeURIComponent(contestId)}/corrections`;
    } else {
      subject = { kind: 'protocol', electionId, precinctId, contestId: protocol.contestId, protocol };
      body = { protocol };
      path = `${base}/protocols`;
    }
  }
  body.signature = signSubmission(subject, key.keyId, key.key);
  io.stdout(JSON.stringify(body, null, 2) + '\n');
  io.stderr(`tally sign: POST this body to ${path} (Content-Type: application/json)\n`);
  return ExitCode.ok;
}

export const signCommand: CliCommand = {
  name: 'sign',
  register(program: Command, io: CliIo, exit: (code: ExitCode) => void) {
    program
      .command('sign')
      .description('sign a protocol, correction or turnout report; prints the request body to POST (see the README)')
      .requiredOption('-i, --input <file>', 'the protocol JSON (for --kind turnout: {"time","ballotsIssued"}), or - for stdin')
      .requiredOption('-e, --election <id>', 'the election id')
      .requiredOption('-p, --precinct <id>', 'the precinct id')
      .option('--key <file>', "the commission's private key (PKCS8 PEM, from tally keys)")
      .option('--key-id <id>', 'the key id (default: from a key file named <keyId>.key.pem)')
      .option('--demo-key <commission>', 'DEMO ONLY: sign with the public demo key of this commission')
      .option('--kind <kind>', 'protocol, correction or turnout', 'protocol')
      .option('--contest <id>', 'correction: the contest (default: the protocol\'s contestId)')
      .option('--reason <text>', 'correction: why the protocol is corrected')
      .action(async (options: SignOptions) => exit(await runSign(options, io)));
  },
};
