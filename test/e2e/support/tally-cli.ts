// The built `tally` command in a child process, as a user runs it (`npm run build` first).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const TALLY_CLI = join(REPO_ROOT, 'dist/apps/tally-cli/src/main.js');

/** Throws the instruction to build when the CLI is not built. */
export function requireBuiltCli(): void {
  if (!existsSync(TALLY_CLI)) throw new Error(`${TALLY_CLI} is missing: run \`npm run build\` before the e2e suite`);
}

/** Runs `tally ...args` with only PATH and `env` in its environment. */
export function tally(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [TALLY_CLI, ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
