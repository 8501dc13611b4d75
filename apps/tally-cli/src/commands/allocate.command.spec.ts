import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../cli.types';
import { runAllocate } from './allocate.command';

const example = readFileSync(join(__dirname, '../../examples/almaty-2023-city-maslikhat.json'), 'utf8');

/** In-memory I/O: a file system of one file and a stdin. */
const memoryIo = (files: Record<string, string>, stdin = '') => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => stdin,
    readFile: async (path) => {
      if (!(path in files)) throw new Error(`ENOENT: no such file, open '${path}'`);
      return files[path];
    },
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
};

describe('runAllocate', () => {
  it('reads a file and prints JSON seats', async () => {
    const m = memoryIo({ 'a.json': example });
    expect(await runAllocate({ input: 'a.json', json: true }, m.io)).toBe(0);
    expect(JSON.parse(m.out()).seats).toEqual({ Amanat: 12, "People's Party": 3, Respublica: 3, Baytaq: 2, 'Aq Jol': 1, Auyl: 0 });
    expect(m.err()).toBe('');
  });

  it('reads stdin for "-" and prints a table by default', async () => {
    const m = memoryIo({}, example);
    expect(await runAllocate({ input: '-' }, m.io)).toBe(0);
    expect(m.out()).toMatch(/^Amanat +151531 +51\.94% +passed +12$/m);
  });

  it('exits 2 naming the field and the rule on bad input, printing nothing on stdout', async () => {
    const m = memoryIo({ 'a.json': example.replace('"hare"', '"imperiali"') });
    expect(await runAllocate({ input: 'a.json', json: true }, m.io)).toBe(2);
    expect(m.err()).toBe('tally allocate: invalid input\n  method: must be one of hare, droop, dhondt, sainte-lague\n');
    expect(m.out()).toBe('');
  });

  it('exits 2 when the file cannot be read', async () => {
    const m = memoryIo({});
    expect(await runAllocate({ input: 'missing.json' }, m.io)).toBe(2);
    expect(m.err()).toContain('--input: must name a readable file or - for stdin');
  });
});
