// `tally amend`: a key amendment of an election — a commission's key added, revoked from an
// instant, or replaced — signed with a key of the election's root (central) commission, or any
// other amendment given whole in a JSON file (--amendment: a withdrawal, signed by the root; a
// registration of deputies, an early termination, a by-election's winner, signed by the commission
// that allocates the body's seats), printed as the body to POST to /v1/elections/{e}/amendments
// with the administrator's token. The
// sequence number it is signed for comes from --sequence, or from the server (--server: the
// public GET of the election's amendments says which is next).
import type { Command } from 'commander';
import { AmendmentShape, refusalsFromZod } from '@tally/domain';
import { signAmendment } from '@tally/signatures';
import { ExitCode, type CliCommand, type CliIo } from '../cli.types';
import { processDeps } from './audit-support';
import { loadKey } from './sign.command';

export interface AmendOptions {
  readonly election: string;
  /** The commission whose keys change (the key options only). */
  readonly commission?: string;
  /** A JSON file holding one whole amendment of any kind. */
  readonly amendment?: string;
  readonly key?: string;
  readonly keyId?: string;
  /** DEMO ONLY: sign with the public demo key of this (root) commission. */
  readonly demoKey?: string;
  readonly sequence?: string;
  readonly server?: string;
  /** A public key file ({ keyId, publicKey }, as `tally keys` prints it) to add. */
  readonly addKey?: string;
  readonly validFrom?: string;
  /** The id of the key to revoke. */
  readonly revokeKey?: string;
  /** Public key files of the commission's new keys. */
  readonly replaceKeys?: readonly string[];
  readonly from?: string;
}

/** Where the next sequence number is asked for (injectable for specs). */
export type FetchJson = (url: string, token: string | undefined) => Promise<unknown>;

type Problem = { readonly field: string; readonly rule: string };

const report = (io: CliIo, problems: readonly Problem[]) => io.stderr(`tally amend: invalid input\n${problems.map((p) => `  ${p.field}: ${p.rule}`).join('\n')}\n`);

export async function runAmend(options: AmendOptions, io: CliIo, fetchJson: FetchJson = processDeps().fetchJson): Promise<ExitCode> {
  const built = await amendmentOf(options, io);
  if (!built.ok) {
    report(io, [built.problem]);
    return ExitCode.badInput;
  }
  // The domain's own schema: what the server would refuse as MALFORMED is refused here, before signing.
  const parsed = AmendmentShape.safeParse(built.value);
  if (!parsed.success) {
    report(io, refusalsFromZod(built.value, parsed.error.issues, 'amendment').map((r) => ({ field: optionOf(r.field), rule: r.message })));
    return ExitCode.badInput;
  }
  const key = await loadKey(options, io);
  if ('field' in key) {
    report(io, [key]);
    return ExitCode.badInput;
  }
  const sequence = await sequenceOf(options, io, fetchJson);
  if (typeof sequence !== 'number') return sequence.code;

  const amendment = parsed.data;
  const signature = signAmendment({ electionId: options.election, sequence, amendment }, key.keyId, key.key);
  io.stdout(JSON.stringify({ sequence, amendment, signature }, null, 2) + '\n');
  io.stderr(`tally amend: POST this body to /v1/elections/${encodeURIComponent(options.election)}/amendments (Content-Type: application/json; Authorization: Bearer <admin token>)\n`);
  return ExitCode.ok;
}

/** The amendment the options ask for, as given (the schema judges it next). */
async function amendmentOf(options: AmendOptions, io: CliIo): Promise<{ ok: true; value: unknown } | { ok: false; problem: Problem }> {
  const refuse = (field: string, rule: string) => ({ ok: false as const, problem: { field, rule } });
  const kinds = [options.addKey !== undefined, options.revokeKey !== undefined, options.replaceKeys !== undefined, options.amendment !== undefined].filter(Boolean).length;
  if (kinds !== 1) return refuse('--add-key | --revoke-key | --replace-keys | --amendment', 'give exactly one');
  if (options.amendment !== undefined) {
    try {
      return { ok: true, value: JSON.parse(await io.readFile(options.amendment)) as unknown };
    } catch (error) {
      return refuse('--amendment', `a readable file holding one JSON amendment (${(error as Error).message})`);
    }
  }
  const commissionId = options.commission;
  if (commissionId === undefined) return refuse('--commission', 'the commission whose keys change');
  if (options.addKey !== undefined) {
    if (options.from !== undefined) return refuse('--from', 'an added key starts at --valid-from (default: when the server receives the amendment)');
    const keys = await readPublicKeys(options.addKey, '--add-key', io);
    if (!Array.isArray(keys)) return { ok: false, problem: keys };
    if (keys.length !== 1) return refuse('--add-key', `one public key per added key, found ${keys.length}`);
    return { ok: true, value: { kind: 'add-key', commissionId, key: keys[0], ...(options.validFrom === undefined ? {} : { validFrom: options.validFrom }) } };
  }
  if (options.validFrom !== undefined) return refuse('--valid-from', 'only with --add-key (a replacement is valid from --from)');
  if (options.from === undefined) return refuse('--from', 'the instant from which the old key no longer verifies (RFC 3339, e.g. 2026-03-15T14:00:00Z)');
  if (options.revokeKey !== undefined) return { ok: true, value: { kind: 'revoke-key', commissionId, keyId: options.revokeKey, from: options.from } };
  const keys: unknown[] = [];
  for (const file of options.replaceKeys ?? []) {
    const read = await readPublicKeys(file, '--replace-keys', io);
    if (!Array.isArray(read)) return { ok: false, problem: read };
    keys.push(...read);
  }
  return { ok: true, value: { kind: 'replace-keys', commissionId, keys, from: options.from } };
}

/** A public key file: one { keyId, publicKey } object (what `tally keys` prints), an array of them, or one per line. */
async function readPublicKeys(file: string, field: string, io: CliIo): Promise<unknown[] | Problem> {
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (error) {
    return { field, rule: `must name a readable file (${(error as Error).message})` };
  }
  try {
    const json = JSON.parse(text) as unknown;
    return Array.isArray(json) ? json : [json];
  } catch {
    try {
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as unknown);
    } catch (error) {
      return { field, rule: `${file}: a { "keyId", "publicKey" } JSON object, an array of them, or one per line (${(error as Error).message})` };
    }
  }
}

/** The schema's field, as the option that gave it. */
function optionOf(field: string): string {
  const option: Record<string, string> = {
    'amendment.commissionId': '--commission',
    'amendment.validFrom': '--valid-from',
    'amendment.from': '--from',
    'amendment.keyId': '--revoke-key',
  };
  if (option[field] !== undefined) return option[field];
  if (field.startsWith('amendment.key.')) return `--add-key (${field.slice('amendment.key.'.length)})`;
  if (field.startsWith('amendment.keys')) return `--replace-keys (${field.slice('amendment.'.length)})`;
  return field;
}

async function sequenceOf(options: AmendOptions, io: CliIo, fetchJson: FetchJson): Promise<number | { code: ExitCode }> {
  if ((options.sequence === undefined) === (options.server === undefined)) {
    report(io, [{ field: '--sequence | --server', rule: "give exactly one: the amendment's place among the election's amendments, or the server to ask" }]);
    return { code: ExitCode.badInput };
  }
  if (options.sequence !== undefined) {
    const n = Number(options.sequence);
    if (!/^\d+$/.test(options.sequence) || !Number.isSafeInteger(n) || n < 1) {
      report(io, [{ field: '--sequence', rule: 'a positive whole number (1 for the first amendment)' }]);
      return { code: ExitCode.badInput };
    }
    return n;
  }
  let url: URL;
  try {
    url = new URL(`/v1/elections/${encodeURIComponent(options.election)}/amendments`, options.server);
  } catch {
    report(io, [{ field: '--server', rule: `not a URL: ${options.server}` }]);
    return { code: ExitCode.badInput };
  }
  let answer: unknown;
  try {
    answer = await fetchJson(url.href, undefined);
  } catch (error) {
    io.stderr(`tally amend: --server: ${error instanceof Error ? error.message : String(error)}\n`);
    return { code: ExitCode.failure };
  }
  const next = (answer as { next?: unknown } | null)?.next;
  if (typeof next !== 'number' || !Number.isSafeInteger(next) || next < 1) {
    io.stderr(`tally amend: --server: ${url.href} did not answer with the next sequence number\n`);
    return { code: ExitCode.failure };
  }
  return next;
}

const collect = (value: string, previous: readonly string[] = []): readonly string[] => [...previous, value];

export const amendCommand: CliCommand = {
  name: 'amend',
  register(program: Command, io: CliIo, exit: (code: ExitCode) => void) {
    program
      .command('amend')
      .description("amend an election's keys (add, revoke from an instant, replace), signed with a root commission key, or sign any amendment given in a JSON file; prints the body to POST (see the README)")
      .requiredOption('-e, --election <id>', 'the election id')
      .option('-c, --commission <id>', 'the commission whose keys change (with --add-key, --revoke-key, --replace-keys)')
      .option('--amendment <file>', 'a whole amendment in JSON (withdraw-candidate, register-deputies, terminate-mandate, fill-seat, or a key kind), signed with --key as it is')
      .option('--add-key <file>', 'add the public key in this file ({ keyId, publicKey }, from tally keys)')
      .option('--valid-from <instant>', 'with --add-key: the key verifies from this instant on (default: when the server receives the amendment)')
      .option('--revoke-key <keyId>', 'revoke this key of the commission from --from')
      .option('--replace-keys <file>', "replace all the commission's keys from --from with the key(s) in this file (repeat for several files)", collect)
      .option('--from <instant>', 'RFC 3339: what is received at or after it no longer verifies under the old key(s)')
      .option('--key <file>', "the signing key (PKCS8 PEM, from tally keys): the root commission's; for deputies, the allocating commission's")
      .option('--key-id <id>', 'its key id (default: from a key file named <keyId>.key.pem)')
      .option('--demo-key <commission>', 'DEMO ONLY: sign with the public demo key of this commission')
      .option('--sequence <n>', "the amendment's place among the election's amendments (1 for the first)")
      .option('--server <url>', 'ask the server for the next sequence number instead (GET /v1/elections/{e}/amendments)')
      .action(async (options: AmendOptions) => exit(await runAmend(options, io)));
  },
};
