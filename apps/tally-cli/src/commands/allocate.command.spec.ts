import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALMATY_2023_ALLOCATION_INPUT, ALMATY_2023_SENSITIVITY } from '@tally/domain';
import { memoryIo } from '../memory-io.test-helper';
import { runAllocate } from './allocate.command';

const example = readFileSync(join(__dirname, '../../examples/almaty-2023-city-maslikhat.json'), 'utf8');

/** The example's sensitivity, by list name (the domain's fixture, checked there by brute force). */
const SENSITIVITY = Object.fromEntries(ALMATY_2023_ALLOCATION_INPUT.lists.map((l, i) => [l.id, ALMATY_2023_SENSITIVITY[i]]));

describe('runAllocate', () => {
  it('reads a file and prints JSON seats', async () => {
    const m = memoryIo({ 'a.json': example });
    expect(await runAllocate({ input: 'a.json', json: true }, m.io)).toBe(0);
    expect(JSON.parse(m.out()).seats).toEqual({ Amanat: 12, "People's Party": 3, Respublica: 3, Baytaq: 2, 'Aq Jol': 1, Auyl: 0 });
    expect(m.err()).toBe('');
  });

  it('adds each list\'s votes from a seat more or less with --sensitivity', async () => {
    const m = memoryIo({ 'a.json': example });
    expect(await runAllocate({ input: 'a.json', json: true, sensitivity: true }, m.io)).toBe(0);
    const out = JSON.parse(m.out());
    expect(out.seats.Amanat).toBe(12);
    expect(Object.keys(out.sensitivity)).toEqual(['Amanat', "People's Party", 'Respublica', 'Baytaq', 'Aq Jol', 'Auyl']);
    expect(out.sensitivity).toEqual(SENSITIVITY);
  });

  it('prints the sensitivity as a second table without --json', async () => {
    const m = memoryIo({ 'a.json': example });
    expect(await runAllocate({ input: 'a.json', sensitivity: true }, m.io)).toBe(0);
    expect(m.out()).toMatch(/^Auyl +0 +\d+ +— +-\d+$/m);
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
