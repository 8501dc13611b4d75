// Support for the pipeline tests: the service's configuration for a recorder, and the recorder
// as a real child process (`node dist/apps/tally-server/src/main.js`, TALLY_ROLES=recorder) that
// a test can SIGKILL. Every child started here is killed by `stopAll()` (call it in afterAll).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAppConfig, type AppConfig } from '../../apps/tally-server/src/config/app.config';

export const ROOT = resolve(__dirname, '..', '..');
export const SERVER_MAIN = join(ROOT, 'dist', 'apps', 'tally-server', 'src', 'main.js');

/** A recorder-only configuration from environment-style settings, as main.ts would read it. */
export function recorderConfig(env: Record<string, string | undefined>, overrides: Partial<AppConfig> = {}): AppConfig {
  // The transparency log is not what these recorders are for, and would keep files under ./data.
  const config = loadAppConfig({ TALLY_ROLES: 'recorder', TALLY_DEMO: 'false', PORT: '0', LOG_LEVEL: 'warn', TALLY_LOG: 'off', ...env });
  return { ...config, ...overrides };
}

/** Fails with the command to run when the compiled server is missing. */
export function requireBuiltServer(): string {
  if (!existsSync(SERVER_MAIN)) {
    throw new Error(`${SERVER_MAIN} is missing: the SIGKILL test runs the compiled recorder. Run \`npm run build\` first.`);
  }
  return SERVER_MAIN;
}

export interface RecorderProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the child wrote, for failure messages. */
  output(): string;
  /** Resolves with the exit code or signal once the child is gone. */
  readonly exited: Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<string>;
}

const started = new Set<RecorderProcess>();

export function startRecorderProcess(env: Record<string, string>): RecorderProcess {
  const main = requireBuiltServer();
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    // TALLY_LOG off as in recorderConfig: no transparency-log files under the checkout's ./data.
    env: { PATH: process.env.PATH ?? '', TALLY_ROLES: 'recorder', TALLY_DEMO: 'false', PORT: '0', TALLY_LOG: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((done) => child.once('exit', (code, signal) => done(signal ?? `exit ${code}`)));
  const handle: RecorderProcess = {
    pid: child.pid ?? -1,
    child,
    output: () => out,
    exited,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const how = await exited;
      started.delete(handle);
      return how;
    },
  };
  started.add(handle);
  void exited.then(() => started.delete(handle));
  return handle;
}

/** Waits until the child logs that it consumes (its group member joined), or fails with its output. */
export async function waitForOutput(process: RecorderProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(process.output())) {
    if (process.child.exitCode !== null || process.child.signalCode !== null) throw new Error(`recorder exited early:\n${process.output()}`);
    if (Date.now() > deadline) throw new Error(`recorder did not print ${pattern} within ${timeoutMs} ms:\n${process.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Kills every child still running (SIGKILL): for afterAll, also after a failed test. */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((p) => p.kill('SIGKILL')));
}
