// `tally submit`: what a commission runs at 3 a.m. Signs a protocol, correction or turnout report
// as `tally sign` does, posts it to the server, and waits for its outcome: recorded (with its
// place in the history and, when the server keeps a transparency log, the receipt), or refused
// with every reason. A busy or unreachable server is tried again until --wait runs out: the same
// signed body keeps the same submission id (the server derives it from the signature), so a retry
// is answered with the first try and is never counted twice. Exit 0 recorded, 1 refused, 2 bad
// input, 3 accepted but no outcome yet (ask again: the same command finds the same submission).
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ExitCode, type CliCommand, type CliIo } from '../cli.types';
import { fetchJson } from '../fetch-json';
import { signRequest, withSigningOptions, type SignOptions } from './sign.command';

export interface SubmitOptions extends SignOptions {
  readonly server: string;
  /** Seconds to keep trying and waiting for the outcome (text, as given). */
  readonly wait: string;
  /** Where to write the receipt once recorded. */
  readonly receipt?: string;
  readonly json?: boolean;
}

export interface SubmitDeps {
  readonly fetch: typeof fetch;
  readonly fetchJson: (url: string) => Promise<unknown>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly writeFile: (path: string, text: string) => Promise<void>;
}

const defaultDeps: SubmitDeps = {
  fetch: (input, init) => fetch(input, init),
  fetchJson,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  writeFile: (path, text) => writeFile(path, text),
};

interface Reason {
  readonly code: string;
  readonly field?: string;
  readonly message: string;
}

interface Status {
  readonly submissionId: string;
  readonly state: 'queued' | 'recorded' | 'refused' | 'set-aside';
  readonly stream?: string;
  readonly revision?: string;
  readonly position?: string;
  readonly eventType?: string;
  readonly reasons?: readonly Reason[];
  readonly receipt?: unknown;
}

/** Answers that mean "not now": try again after Retry-After (or a back-off). */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);
const MAX_BACKOFF_MS = 8_000;

const reasonsOf = (problem: unknown): Reason[] => {
  const p = problem as { errors?: unknown; code?: unknown; field?: unknown; message?: unknown; detail?: unknown } | undefined;
  if (Array.isArray(p?.errors) && p.errors.length > 0) return p.errors as Reason[];
  return [{ code: typeof p?.code === 'string' ? p.code : 'REFUSED', field: typeof p?.field === 'string' ? p.field : '', message: String(p?.message ?? p?.detail ?? 'refused') }];
};

const reasonLines = (reasons: readonly Reason[]): string => reasons.map((r) => `  ${r.code}${r.field ? ` ${r.field}` : ''}: ${r.message}\n`).join('');

export async function runSubmit(options: SubmitOptions, io: CliIo, deps: SubmitDeps = defaultDeps): Promise<ExitCode> {
  const waitSeconds = Number(options.wait);
  if (!/^\d+$/.test(options.wait) || waitSeconds < 1 || waitSeconds > 3600) {
    io.stderr('tally submit: invalid input\n  --wait: whole seconds from 1 to 3600\n');
    return ExitCode.badInput;
  }
  let server: URL;
  try {
    server = new URL(options.server);
  } catch {
    io.stderr(`tally submit: invalid input\n  --server: a URL, e.g. https://tally.example (got ${JSON.stringify(options.server)})\n`);
    return ExitCode.badInput;
  }
  // The version as given, or asked of the server (a protocol is always version 1).
  const signed = await signRequest({ ...options, server: options.version === undefined ? options.server : undefined }, io, deps, 'tally submit');
  if (typeof signed === 'number') return signed;
  const deadline = deps.now() + waitSeconds * 1000;
  // Run again, the same body: the same submission. A correction's or a report's version was asked
  // of the server; once this one is recorded the server would answer the next, so it is pinned.
  const again = signed.body.protocol !== undefined && signed.body.reason === undefined ? 'run the same command again' : `run the same command again with --version ${signed.version}`;
  const say = (text: string) => {
    if (!options.json) io.stdout(text);
  };
  const finish = (code: ExitCode, result: Record<string, unknown>): ExitCode => {
    if (options.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return code;
  };

  // 1. Post until the server takes it, refuses it, or the time is up.
  const url = new URL(signed.path, server).toString();
  let submissionId: string | undefined;
  for (let attempt = 0; submissionId === undefined; attempt++) {
    let retryAfterMs = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt);
    let why: string;
    // An answer that refuses to take it means nothing was taken; no answer at all cannot say.
    let answered = true;
    try {
      const res = await deps.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signed.body) });
      const answer = (await res.json().catch(() => undefined)) as { submissionId?: unknown } | undefined;
      if ((res.status === 202 || res.status === 200) && typeof answer?.submissionId === 'string') {
        submissionId = answer.submissionId;
        say(`${res.status === 200 ? 'already received' : 'accepted'}: submission ${submissionId} (version ${signed.version} of ${signed.path})\n`);
        break;
      }
      if (!RETRYABLE.has(res.status)) {
        const reasons = reasonsOf(answer);
        say(`REFUSED at intake (${res.status}), nothing was counted:\n${reasonLines(reasons)}`);
        return finish(ExitCode.failure, { state: 'refused', at: 'intake', status: res.status, reasons });
      }
      const header = Number(res.headers.get('retry-after'));
      if (Number.isFinite(header) && header > 0) retryAfterMs = header * 1000;
      why = `${res.status} ${reasonsOf(answer)[0].code}`;
    } catch (error) {
      why = `no answer (${error instanceof Error ? error.message : String(error)})`;
      answered = false;
    }
    if (deps.now() + retryAfterMs > deadline) {
      const counted = answered ? 'Nothing was counted' : 'It may have reached the server unanswered';
      say(`NOT SENT: the server did not take it within ${waitSeconds} s (last: ${why}). ${counted}; ${again}: the same body is the same submission, never counted twice.\n`);
      return finish(ExitCode.failure, { state: 'not-sent', last: why });
    }
    io.stderr(`tally submit: ${why}; trying again in ${Math.round(retryAfterMs / 1000)} s\n`);
    await deps.sleep(retryAfterMs);
  }

  // 2. Wait for the outcome, recorded or refused by the recorders' decider.
  const statusUrl = new URL(`/v1/submissions/${encodeURIComponent(submissionId)}`, server);
  let status: Status | undefined;
  while (deps.now() < deadline) {
    const waitFor = Math.max(1, Math.min(30, Math.ceil((deadline - deps.now()) / 1000)));
    try {
      status = (await deps.fetchJson(`${statusUrl.toString()}?wait=${waitFor}s`)) as Status;
      if (status.state !== 'queued') break;
    } catch (error) {
      // Not known yet to this intake process (another took it), or the server is busy: ask again.
      io.stderr(`tally submit: ${error instanceof Error ? error.message : String(error)}\n`);
      await deps.sleep(Math.min(2_000, Math.max(0, deadline - deps.now())));
    }
  }
  // A refusal is recorded too: its receipt proves the commission was heard. The log signs a head
  // now and then (every 10 s by default): with --receipt, the answer is asked again until one
  // covers the event, within --wait.
  const saveReceipt = async (outcome: Status) => {
    if (options.receipt === undefined) return;
    let answer = outcome.receipt as { state?: unknown; message?: unknown; receipt?: unknown } | undefined;
    while (answer?.state === 'pending' && deps.now() < deadline) {
      await deps.sleep(Math.min(1_000, deadline - deps.now()));
      try {
        answer = ((await deps.fetchJson(statusUrl.toString())) as Status).receipt as typeof answer;
      } catch {
        // Asked again on the next turn.
      }
    }
    if (answer === undefined) {
      say('no receipt: this server keeps no transparency log\n');
    } else if (answer.state === 'included') {
      await deps.writeFile(options.receipt, `${JSON.stringify(answer.receipt, null, 2)}\n`);
      say(`receipt written to ${options.receipt}: check it with tally receipt verify --receipt ${options.receipt}\n`);
    } else {
      say(`receipt not signed yet (${String(answer.message)}): GET ${statusUrl.toString()} later gives it\n`);
    }
  };
  if (status?.state === 'recorded') {
    say(`RECORDED: ${status.eventType ?? 'recorded'} version ${signed.version} at position ${status.position} (${status.stream}@${status.revision})\n`);
    await saveReceipt(status);
    return finish(ExitCode.ok, { ...status });
  }
  if (status?.state === 'refused') {
    say(`REFUSED by the decider (recorded as refused at ${status.position}), nothing was counted:\n${reasonLines(status.reasons ?? [])}`);
    await saveReceipt(status);
    return finish(ExitCode.failure, { ...status });
  }
  if (status?.state === 'set-aside') {
    // Not the commission's fault and not final: intake took it, a recorder could not record it
    // (the servers disagree). Sent again, it is queued anew; the letter stays with the operators.
    say(
      `SET ASIDE: submission ${submissionId} was accepted, then not recorded by the recorder (written down at ${status.position}); nothing was counted:\n${reasonLines(status.reasons ?? [])}` +
        `The operators have it on the dead-letter topic. Once they say the cause is mended, ${again}: it is then queued anew, and never counted twice.\n`,
    );
    // Written down in the history, so it has a receipt too: the commission was heard.
    await saveReceipt(status);
    return finish(ExitCode.failure, { ...status });
  }
  say(`QUEUED: submission ${submissionId} is accepted, not yet recorded after ${waitSeconds} s. To wait more, ${again}: the same body is the same submission.\n`);
  return finish(ExitCode.pending, { submissionId, state: 'queued' });
}

export const submitCommand: CliCommand = {
  name: 'submit',
  register(program: Command, io: CliIo, exit: (code: ExitCode) => void) {
    withSigningOptions(
      program
        .command('submit')
        .description('sign a protocol, correction or turnout report, post it, and wait for its outcome: recorded (with its receipt) or refused with every reason; exit 0 recorded, 1 refused, set aside or not sent, 2 bad input, 3 no outcome yet')
        .requiredOption('--server <url>', 'the Tally server (intake)'),
    )
      .option('--version <n>', "the version to sign (default: the precinct's current version + 1, asked of --server)")
      .option('--wait <seconds>', 'how long to keep trying and to wait for the outcome', '120')
      .option('--receipt <file>', 'write the receipt here once recorded')
      .option('--json', 'print the outcome as JSON')
      .action(async (options: SubmitOptions) => exit(await runSubmit(options, io)));
  },
};
