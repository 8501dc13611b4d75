// `tally sign`: signs a protocol (or a correction, or a turnout report) with a commission's
// private key and prints the request body to POST with curl. The protocol is printed in the form
// that is signed and recorded (optional lines filled in with 0).
//
// Signed under tally-submission-v2: the body names its version, its place in the precinct's
// history, and the signature covers it, so the body can be applied once at most. The version is
// `--version N`, or asked of a server (`--server URL`: the precinct's current version + 1, from
// GET …/precincts/{p}/versions). Without either: a protocol is 1 (always), a turnout report 1 (the
// first report of its time); a correction needs one of the two (its version depends on the
// corrections before it), and is refused as a usage error naming them.
import { basename } from 'node:path';
import { checkVersion, countRefusals, protocolLines, refusalsFromZod, ProtocolShape, TurnoutReportShape, type Refusal, type SubmissionToCheck } from '@tally/domain';
import { demoKeyPair, normalizeProtocol, privateKeyFromPem, signSubmission, type SignedSubject } from '@tally/signatures';
import type { KeyObject } from 'node:crypto';
import type { Command } from 'commander';
import { ExitCode, type CliCommand, type CliIo } from '../cli.types';
import { fetchJson } from '../fetch-json';

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
  /** The version to sign (text, as given). */
  readonly version?: string;
  /** A Tally server to ask for the precinct's current version. */
  readonly server?: string;
}

export interface SignDeps {
  readonly fetchJson: (url: string) => Promise<unknown>;
}

/** What GET …/precincts/{p}/versions answers (apps/tally-server precinct-versions.service.ts). */
interface PrecinctVersions {
  readonly contests?: Readonly<Record<string, { readonly version?: unknown }>>;
  readonly turnout?: Readonly<Record<string, { readonly version?: unknown }>>;
}

/** What is signed, before its version is known. */
type Unversioned =
  | { readonly kind: 'protocol'; readonly electionId: string; readonly precinctId: string; readonly contestId: string; readonly protocol: SignedProtocol }
  | { readonly kind: 'correction'; readonly electionId: string; readonly precinctId: string; readonly contestId: string; readonly protocol: SignedProtocol; readonly reason: string }
  | { readonly kind: 'turnout'; readonly electionId: string; readonly precinctId: string; readonly time: string; readonly ballotsIssued: number };
type SignedProtocol = Extract<SignedSubject, { kind: 'protocol' }>['protocol'];

type Problem = { readonly field: string; readonly rule: string };

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

/**
 * The version to sign: --version as given; or the server's current one + 1; or, without either,
 * what needs no history (a protocol, the first report of a time). A Problem is a usage error.
 */
async function versionOf(subject: Unversioned, options: SignOptions, deps: SignDeps): Promise<{ version: number; from: string } | Problem | { failure: string }> {
  if (options.version !== undefined && options.server !== undefined) return { field: '--version', rule: 'give --version or --server, not both' };
  if (options.version !== undefined) {
    if (!/^[0-9]{1,7}$/.test(options.version) || Number(options.version) < 1) return { field: '--version', rule: 'a whole number from 1' };
    return { version: Number(options.version), from: 'given' };
  }
  if (subject.kind === 'protocol') return { version: 1, from: 'a protocol is version 1' };
  if (options.server === undefined) {
    return subject.kind === 'turnout'
      ? { version: 1, from: `the first report of ${subject.time}; a later one needs --version N or --server URL` }
      : { field: '--version', rule: "a correction signs the contest's current version + 1: give --version N, or --server URL to ask the server for it" };
  }
  let url: URL;
  try {
    url = new URL(`v1/elections/${encodeURIComponent(subject.electionId)}/precincts/${encodeURIComponent(subject.precinctId)}/versions`, options.server.endsWith('/') ? options.server : `${options.server}/`);
  } catch {
    return { field: '--server', rule: `not a URL: ${options.server}` };
  }
  let answer: PrecinctVersions;
  try {
    answer = (await deps.fetchJson(url.href)) as PrecinctVersions;
  } catch (error) {
    return { failure: `cannot read the current versions: ${error instanceof Error ? error.message : String(error)}` };
  }
  const current = subject.kind === 'correction' ? answer.contests?.[subject.contestId]?.version : answer.turnout?.[subject.time]?.version;
  if (current !== undefined && (typeof current !== 'number' || !Number.isSafeInteger(current) || current < 1)) return { failure: `${url.href} answered an unreadable version ${JSON.stringify(current)}` };
  if (subject.kind === 'correction' && current === undefined) {
    return { failure: `no protocol for ${subject.contestId} is recorded at ${subject.precinctId} (${url.href}): nothing to correct yet` };
  }
  const next = (current ?? 0) + 1;
  return { version: next, from: `${url.host} has ${current === undefined ? 'no report' : `version ${current}`} for ${subject.kind === 'correction' ? subject.contestId : subject.time}` };
}

/** The command the body asks for, as the domain's checkVersion reads it. */
function toCheck(subject: Unversioned, version: number): SubmissionToCheck {
  const meta = { electionId: subject.electionId, precinctId: subject.precinctId, submittedBy: '' };
  switch (subject.kind) {
    case 'protocol':
      return { type: 'SubmitProtocol', meta, protocol: subject.protocol, version };
    case 'correction':
      return { type: 'CorrectProtocol', meta, protocol: subject.protocol, reason: subject.reason, version };
    case 'turnout':
      return { type: 'ReportTurnout', meta, time: subject.time, ballotsIssued: subject.ballotsIssued, version };
  }
}

/** A signed request: its body, where to POST it, and the version it signs (and where that came from). */
export interface SignedRequest {
  readonly body: Record<string, unknown>;
  readonly path: string;
  readonly version: number;
  readonly from: string;
}

export async function runSign(options: SignOptions, io: CliIo, deps: SignDeps = { fetchJson }): Promise<ExitCode> {
  const signed = await signRequest(options, io, deps, 'tally sign');
  if (typeof signed === 'number') return signed;
  io.stdout(JSON.stringify(signed.body, null, 2) + '\n');
  io.stderr(`tally sign: version ${signed.version} (${signed.from})\ntally sign: POST this body to ${signed.path} (Content-Type: application/json)\n`);
  return ExitCode.ok;
}

/**
 * Reads, checks and signs what `options` name (`tally sign`, `tally submit`); a problem is reported
 * on stderr under `command` and answered as its exit code.
 */
export async function signRequest(options: SignOptions, io: CliIo, deps: SignDeps, command: string): Promise<SignedRequest | ExitCode> {
  const report = (problems: readonly Problem[]) => io.stderr(`${command}: invalid input\n${problems.map((p) => `  ${p.field}: ${p.rule}`).join('\n')}\n`);
  /** Reports the refusals, if any, and says whether there were. */
  const notCounts = (refusals: readonly Refusal[]): boolean => {
    if (refusals.length > 0) report(refusals.map((r) => ({ field: r.field, rule: `${r.message} (${r.code}: the server would refuse it)` })));
    return refusals.length > 0;
  };
  const kinds = ['protocol', 'correction', 'turnout'];
  if (!kinds.includes(options.kind)) {
    report([{ field: '--kind', rule: `one of ${kinds.join(', ')}` }]);
    return ExitCode.badInput;
  }
  let input: unknown;
  try {
    input = JSON.parse(options.input === '-' ? await io.readStdin() : await io.readFile(options.input));
  } catch (error) {
    report([{ field: '--input', rule: `must name a readable JSON file or - for stdin (${(error as Error).message})` }]);
    return ExitCode.badInput;
  }
  const key = await loadKey(options, io);
  if ('field' in key) {
    report([key]);
    return ExitCode.badInput;
  }
  const { election: electionId, precinct: precinctId } = options;

  let subject: Unversioned;
  let body: Record<string, unknown>;
  let path: string;
  const base = `/v1/elections/${encodeURIComponent(electionId)}/precincts/${encodeURIComponent(precinctId)}`;
  if (options.kind === 'turnout') {
    const parsed = TurnoutReportShape.safeParse(input);
    if (!parsed.success) {
      report(refusalsFromZod(input, parsed.error.issues, 'input').map((r) => ({ field: r.field, rule: r.message })));
      return ExitCode.badInput;
    }
    // A count the server refuses is refused before it is signed: a signature never covers it.
    if (notCounts(countRefusals([['ballotsIssued', parsed.data.ballotsIssued]], 'input'))) return ExitCode.badInput;
    subject = { kind: 'turnout', electionId, precinctId, time: parsed.data.time, ballotsIssued: parsed.data.ballotsIssued };
    body = { ...parsed.data };
    path = `${base}/turnout`;
  } else {
    const protocol = normalizeProtocol(input);
    if (!protocol) {
      const issues = ProtocolShape.safeParse(input).error?.issues ?? [];
      report(refusalsFromZod(input, issues, 'protocol').map((r) => ({ field: r.field, rule: r.message })));
      return ExitCode.badInput;
    }
    if (notCounts(countRefusals(protocolLines(protocol), 'protocol'))) return ExitCode.badInput;
    if (options.kind === 'correction') {
      if (!options.reason || options.reason.trim() === '') {
        report([{ field: '--reason', rule: 'a correction states its reason' }]);
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
  const version = await versionOf(subject, options, deps);
  if ('failure' in version) {
    io.stderr(`${command}: ${version.failure}\n`);
    return ExitCode.failure;
  }
  const problems = 'field' in version ? [version] : checkVersion(toCheck(subject, version.version)).map((r) => ({ field: '--version', rule: r.message }));
  if ('field' in version || problems.length > 0) {
    report(problems);
    return ExitCode.badInput;
  }
  body.version = version.version;
  body.signature = signSubmission({ ...subject, version: version.version }, key.keyId, key.key);
  return { body, path, version: version.version, from: version.from };
}

export const signCommand: CliCommand = {
  name: 'sign',
  register(program: Command, io: CliIo, exit: (code: ExitCode) => void) {
    withSigningOptions(program.command('sign').description('sign a protocol, correction or turnout report; prints the request body to POST (see the README)'))
      .option('--version <n>', 'the version to sign: a protocol 1; a correction the contest\'s current version + 1; a turnout report its time\'s current version + 1 (default: 1 for a protocol or a turnout report)')
      .option('--server <url>', 'ask this Tally server for the precinct\'s current version and sign the next one')
      .action(async (options: SignOptions) => exit(await runSign(options, io)));
  },
};

/** What is signed and with which key: the options `tally sign` and `tally submit` share. */
export function withSigningOptions(command: Command): Command {
  return command
    .requiredOption('-i, --input <file>', 'the protocol JSON (for --kind turnout: {"time","ballotsIssued"}), or - for stdin')
    .requiredOption('-e, --election <id>', 'the election id')
    .requiredOption('-p, --precinct <id>', 'the precinct id')
    .option('--key <file>', "the commission's private key (PKCS8 PEM, from tally keys)")
    .option('--key-id <id>', 'the key id (default: from a key file named <keyId>.key.pem)')
    .option('--demo-key <commission>', 'DEMO ONLY: sign with the public demo key of this commission')
    .option('--kind <kind>', 'protocol, correction or turnout', 'protocol')
    .option('--contest <id>', "correction: the contest (default: the protocol's contestId)")
    .option('--reason <text>', 'correction: why the protocol is corrected');
}
