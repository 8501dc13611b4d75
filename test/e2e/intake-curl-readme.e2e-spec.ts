// Issue 5 acceptance: "a signed protocol submitted with curl following only the README works".
// The walkthrough's own shell and JSON blocks are taken from libs/signatures/README.md and run as
// written (bash, the built `tally` CLI, curl, jq) against a running server.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_TOKEN, startTallyApp, type TallyTestApp } from './support/tally-app';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'apps', 'tally-cli', 'src', 'main.js');
const README = join(ROOT, 'libs', 'signatures', 'README.md');

function walkthrough(): { shell: string[]; protocolJson: string } {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('<!-- curl-walkthrough:start -->'), text.indexOf('<!-- curl-walkthrough:end -->'));
  const blocks = [...section.matchAll(/```(sh|json)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], body: m[2].replace(/^ {3}/gm, '') }));
  return { shell: blocks.filter((b) => b.lang === 'sh').map((b) => b.body), protocolJson: blocks.find((b) => b.lang === 'json')!.body };
}

describe('the README walkthrough: tally keys, tally sign, curl', () => {
  let t: TallyTestApp;
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    // As a newcomer runs it: `npm start` loads the demo election (almaty-city-2023).
    t = await startTallyApp({ listen: true, env: { TALLY_DEMO: 'true' } });
    dir = mkdtempSync(join(tmpdir(), 'tally-readme-'));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ends with the protocol recorded', async () => {
    const { shell, protocolJson } = walkthrough();
    expect(shell).toHaveLength(6);
    writeFileSync(join(dir, 'protocol.json'), protocolJson);
    const script = ['set -euo pipefail', `tally() { node ${JSON.stringify(CLI)} "$@"; }`, ...shell.flatMap((block, i) => [`printf '\\n--- step ${i + 1}\\n'`, block])].join('\n');
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      cwd: dir,
      env: { ...process.env, TALLY_URL: t.baseUrl!, TALLY_ADMIN_TOKEN: ADMIN_TOKEN },
      timeout: 90_000,
    });
    // curl prints no final newline: each step's marker starts on a line of its own.
    const steps = stdout.split(/^--- step \d+\n/m).slice(1).map((s) => s.trim());

    // 0: the demo's definition under an id of its own, without the demo keys.
    const copied = JSON.parse(readFileSync(join(dir, 'election.json'), 'utf8')) as { id: string; commissions: { keys: unknown[] }[] };
    expect(copied.id).toBe('my-city-2023');
    expect(copied.commissions.every((c) => c.keys.length === 0)).toBe(true);
    // 1: the key pair; the private key is readable by its owner only.
    expect(JSON.parse(readFileSync(join(dir, 'almaty-p001.pub.json'), 'utf8'))).toEqual({ keyId: 'almaty-p001-2023', publicKey: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) });
    expect(statSync(join(dir, 'keys', 'almaty-p001-2023.key.pem')).mode & 0o077).toBe(0);
    // 2: the definition with the key is loaded beside the demo election.
    expect(JSON.parse(steps[2])).toMatchObject({ electionId: 'my-city-2023', outcome: 'defined' });
    // 4 and 5: the signed body is accepted.
    expect(JSON.parse(readFileSync(join(dir, 'body.json'), 'utf8')).signature.keyId).toBe('almaty-p001-2023');
    expect(steps[4].split('\n')[0]).toBe('202');
    // 6: recorded.
    expect(JSON.parse(steps[5])).toMatchObject({ state: 'recorded', eventType: 'ProtocolRecorded', electionId: 'my-city-2023', precinctId: 'almaty-p001' });
  });
});
