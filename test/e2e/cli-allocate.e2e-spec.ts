// `tally allocate` as a user runs it: the built CLI in a child process, real files and stdin,
// real exit codes. Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { ALMATY_2023_ALLOCATION_INPUT, ALMATY_2023_SENSITIVITY } from '@tally/domain';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist/apps/tally-cli/src/main.js');
const example = join(root, 'apps/tally-cli/examples/almaty-2023-city-maslikhat.json');

const tally = (args: string[], stdin?: string) => {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, input: stdin, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const almatySeats = { Amanat: 12, "People's Party": 3, Respublica: 3, Baytaq: 2, 'Aq Jol': 1, Auyl: 0 };

describe('tally allocate (built CLI)', () => {
  let dir: string;

  beforeAll(() => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` before the e2e suite`);
    dir = mkdtempSync(join(tmpdir(), 'tally-allocate-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('allocates the worked example from a file', () => {
    const r = tally(['allocate', '--input', example, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.seats).toEqual(almatySeats);
    expect(out.admitted).toEqual(['Amanat', "People's Party", 'Respublica', 'Baytaq', 'Aq Jol']);
    expect(out.quota).toEqual({ numerator: 267002, denominator: 21, value: 12714.38 });
    expect(out.lists.find((l: { list: string }) => l.list === 'Auyl')).toMatchObject({
      percent: 2.83,
      share: { numerator: 8264, denominator: 291756 },
      passedThreshold: false,
    });
  });

  it('adds each list\'s votes from a seat more or a seat less with --sensitivity', () => {
    const r = tally(['allocate', '--input', example, '--json', '--sensitivity']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.seats).toEqual(almatySeats);
    expect(out.sensitivity).toEqual(Object.fromEntries(ALMATY_2023_ALLOCATION_INPUT.lists.map((l, i) => [l.id, ALMATY_2023_SENSITIVITY[i]])));
    // The claim itself, through the CLI: 722 fewer votes cost Aq Jol its seat, 721 do not.
    const withAqJol = (votes: number) => {
      const input = JSON.parse(readFileSync(example, 'utf8'));
      input.votes['Aq Jol'] = votes;
      input.ballotsCast -= 15273 - votes;
      return JSON.parse(tally(['allocate', '--input', write(`aq-jol-${votes}.json`, JSON.stringify(input)), '--json']).stdout).seats['Aq Jol'];
    };
    expect([withAqJol(15273 - 721), withAqJol(15273 - 722)]).toEqual([1, 0]);
  });

  it('allocates the worked example from stdin', () => {
    const r = tally(['allocate', '--input', '-', '--json'], readFileSync(example, 'utf8'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).seats).toEqual(almatySeats);
  });

  it('prints a readable table without --json', () => {
    const r = tally(['allocate', '-i', example]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Amanat +151531 +51\.94% +passed +12$/m);
    expect(r.stdout).toMatch(/^Auyl +8264 +2\.83% +below +0$/m);
  });

  const base = JSON.parse(readFileSync(example, 'utf8')) as Record<string, unknown>;

  it.each([
    ['bad JSON', '{"seats": 21,', 'input: must be valid JSON'],
    ['an unknown method', JSON.stringify({ ...base, method: 'imperiali' }), 'method: must be one of hare, droop, dhondt, sainte-lague'],
    ['negative votes', JSON.stringify({ ...base, votes: { Amanat: -1, Auyl: 5 } }), 'votes.Amanat: must be a non-negative integer'],
    ['a missing field', JSON.stringify({ ...base, seats: undefined }), 'seats: is required'],
    ['a missing againstAll for its base', JSON.stringify({ ...base, againstAll: undefined }), 'againstAll: is required when thresholdBase is list-votes-plus-against-all'],
  ])('exits 2 on %s, naming the field and the rule on stderr', (_what, text, message) => {
    const r = tally(['allocate', '--input', write('bad.json', text), '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('exits 2 on a missing file and on a missing --input', () => {
    const missing = tally(['allocate', '--input', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--input: must name a readable file');
    const noOption = tally(['allocate']);
    expect(noOption.code).toBe(2);
    expect(noOption.stderr).toContain('--input');
  });
});
