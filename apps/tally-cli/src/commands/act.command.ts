// `tally act`: a commission's signed act on the count — its result protocol (summary), the
// certification or decertification of a body's seats, the switch to live, a zero report —
// printed as the body to POST to /v1/elections/{e}/acts (no token: the signature is the
// authority). The act comes whole from a JSON file the commission has checked (--act), or as the
// server's draft of what the recorded protocols give (--draft summary|certification, with an
// admin or auditor token), which the command prints for review before the body. The signer is
// the act's (libs/domain lifecycle.ts signerOfAct: a summary's own commission, a certification's
// allocating commission, the root for go-live); its sequence comes from --sequence or the server.
import type { Command } from 'commander';
import { LifecycleActShape, parseElectionDefinition, refusalsFromZod, signerOfAct, type LifecycleAct } from '@tally/domain';
import { signAct } from '@tally/signatures';
import { ExitCode, type CliCommand, type CliIo } from '../cli.types';
import { processDeps } from './audit-support';
import { loadKey } from './sign.command';

export interface ActOptions {
  readonly election: string;
  /** A JSON file holding one whole act. */
  readonly act?: string;
  /** Ask the server for the act the recorded protocols give. */
  readonly draft?: string;
  readonly commission?: string;
  readonly contest?: string;
  readonly body?: string;
  readonly server?: string;
  /** Admin or auditor token, for --draft (default: TALLY_TOKEN). */
  readonly token?: string;
  /** The signing commission (with --act and no --server). */
  readonly signer?: string;
  readonly sequence?: string;
  readonly key?: string;
  readonly keyId?: string;
  /** DEMO ONLY: sign with the public demo key of this commission. */
  readonly demoKey?: string;
}

export type FetchJson = (url: string, token: string | undefined) => Promise<unknown>;

type Problem = { readonly field: string; readonly rule: string };
type Prepared = { readonly act: LifecycleAct; readonly signedBy: string; readonly sequence: number };

const refuse = (io: CliIo, problems: readonly Problem[]) => {
  io.stderr(`tally act: invalid input\n${problems.map((p) => `  ${p.field}: ${p.rule}`).join('\n')}\n`);
  return ExitCode.badInput;
};

export async function runAct(options: ActOptions, io: CliIo, fetchJson: FetchJson = processDeps().fetchJson, env: Readonly<Record<string, string | undefined>> = process.env): Promise<ExitCode> {
  if ((options.act === undefined) === (options.draft === undefined)) return refuse(io, [{ field: '--act | --draft', rule: 'give exactly one: a file holding the act, or the kind of act to draft from the server' }]);
  let server: URL | undefined;
  if (options.server !== undefined) {
    try {
      server = new URL(options.server);
    } catch {
      return refuse(io, [{ field: '--server', rule: `not a URL: ${options.server}` }]);
    }
  }
  const ask = async (path: string, token?: string): Promise<unknown> => fetchJson(new URL(`/v1/elections/${encodeURIComponent(options.election)}/${path}`, server).href, token);

  let prepared: Prepared | Problem[];
  try {
    prepared = options.draft !== undefined ? await fromDraft(options, server, env, ask, io) : await fromFile(options, server, ask, io);
  } catch (error) {
    io.stderr(`tally act: --server: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.failure;
  }
  if (Array.isArray(prepared)) return refuse(io, prepared);
  const key = await loadKey(options, io);
  if ('field' in key) return refuse(io, [key]);

  const { act, signedBy, sequence } = prepared;
  const signature = signAct({ electionId: options.election, signedBy, sequence, act }, key.keyId, key.key);
  io.stdout(JSON.stringify({ sequence, act, signature }, null, 2) + '\n');
  io.stderr(`tally act: signed as ${signedBy} (key ${key.keyId}), act ${sequence} of that commission; POST this body to /v1/elections/${encodeURIComponent(options.election)}/acts (Content-Type: application/json)\n`);
  return ExitCode.ok;
}

/** The server's draft: the act, its signer and the signer's next sequence number (--sequence may override it). */
async function fromDraft(options: ActOptions, server: URL | undefined, env: Readonly<Record<string, string | undefined>>, ask: (path: string, token?: string) => Promise<unknown>, io: CliIo): Promise<Prepared | Problem[]> {
  if (server === undefined) return [{ field: '--server', rule: 'a draft is asked of the server that holds the recorded protocols' }];
  const token = options.token ?? env.TALLY_TOKEN;
  if (token === undefined) return [{ field: '--token', rule: 'an admin or auditor token (or TALLY_TOKEN): a draft holds figures the embargo may still withhold' }];
  let query: URLSearchParams;
  if (options.draft === 'summary') {
    if (options.commission === undefined || options.contest === undefined) return [{ field: '--commission, --contest', rule: 'a summary is of one contest under one territorial commission: give both' }];
    query = new URLSearchParams({ kind: 'summary', commission: options.commission, contest: options.contest });
  } else if (options.draft === 'certification') {
    if (options.body === undefined) return [{ field: '--body', rule: 'the body whose seats are certified' }];
    query = new URLSearchParams({ kind: 'certification', body: options.body });
  } else {
    return [{ field: '--draft', rule: `summary or certification, not ${options.draft} (write any other act to a file and give --act)` }];
  }
  const draft = (await ask(`acts/draft?${query}`, token)) as { signedBy?: unknown; sequence?: unknown; act?: unknown };
  const act = LifecycleActShape.safeParse(draft.act);
  if (!act.success || typeof draft.signedBy !== 'string' || typeof draft.sequence !== 'number') throw new Error('the draft is not { signedBy, sequence, act }');
  // What is about to be signed, for the commission to check against its own protocols.
  io.stderr(`tally act: the server's draft (check it against your protocols before you post the signed body):\n${JSON.stringify(act.data, null, 2)}\n`);
  const sequence = options.sequence === undefined ? draft.sequence : parseSequence(options.sequence);
  if (typeof sequence !== 'number') return [sequence];
  return { act: act.data, signedBy: draft.signedBy, sequence };
}

/** An act from a file; the signer from --signer or the server's definition; the sequence from --sequence or the server. */
async function fromFile(options: ActOptions, server: URL | undefined, ask: (path: string) => Promise<unknown>, io: CliIo): Promise<Prepared | Problem[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await io.readFile(options.act as string));
  } catch (error) {
    return [{ field: '--act', rule: `a readable file holding one JSON act (${(error as Error).message})` }];
  }
  // The domain's own schema: what the server would refuse as MALFORMED is refused here, before signing.
  const parsed = LifecycleActShape.safeParse(raw);
  if (!parsed.success) return refusalsFromZod(raw, parsed.error.issues, 'act').map((r) => ({ field: `--act (${r.field})`, rule: r.message }));
  const act = parsed.data;
  if (server === undefined && (options.signer === undefined || options.sequence === undefined)) {
    return [{ field: '--server | --signer and --sequence', rule: 'the signing commission and its act number come from the server, or give both' }];
  }
  let signedBy = options.signer;
  if (signedBy === undefined) {
    const definition = parseElectionDefinition(await ask('definition'));
    if (!definition.ok) throw new Error('the election definition it answered does not parse');
    signedBy = signerOfAct(act, definition.value);
  }
  if (options.sequence !== undefined) {
    const sequence = parseSequence(options.sequence);
    return typeof sequence === 'number' ? { act, signedBy, sequence } : [sequence];
  }
  const acts = (await ask('acts')) as { next?: Record<string, unknown> };
  const next = acts.next?.[signedBy] ?? 1;
  if (typeof next !== 'number' || !Number.isSafeInteger(next) || next < 1) throw new Error(`the acts it answered give no next sequence number for ${signedBy}`);
  return { act, signedBy, sequence: next };
}

function parseSequence(text: string): number | Problem {
  const n = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(n) && n >= 1 ? n : { field: '--sequence', rule: "a positive whole number: the act's place among the signing commission's acts (1 for its first)" };
}

export const actCommand: CliCommand = {
  name: 'act',
  register(program: Command, io: CliIo, exit: (code: ExitCode) => void) {
    program
      .command('act')
      .description("sign a commission's act on the count (summary, certification, decertification, go-live, zero report) given in a file or drafted by the server; prints the body to POST to /v1/elections/{e}/acts")
      .requiredOption('-e, --election <id>', 'the election id')
      .option('--act <file>', 'a whole act in JSON, as the commission checked it')
      .option('--draft <kind>', 'summary | certification: ask the server for the act the recorded protocols give (printed for review)')
      .option('-c, --commission <id>', 'with --draft summary: the territorial commission')
      .option('--contest <id>', 'with --draft summary: the contest')
      .option('--body <id>', 'with --draft certification: the body')
      .option('--server <url>', 'the Tally server (the draft, the signer and the next sequence number)')
      .option('--token <token>', 'with --draft: an admin or auditor token (default: TALLY_TOKEN)')
      .option('--signer <commission>', 'with --act and no --server: the signing commission')
      .option('--sequence <n>', "the act's place among the signing commission's acts (default: the server's next)")
      .option('--key <file>', "the signing commission's private key (PKCS8 PEM, from tally keys)")
      .option('--key-id <id>', 'its key id (default: from a key file named <keyId>.key.pem)')
      .option('--demo-key <commission>', 'DEMO ONLY: sign with the public demo key of this commission')
      .action(async (options: ActOptions) => exit(await runAct(options, io)));
  },
};
