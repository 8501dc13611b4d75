import type { CliIo } from './cli.types';
import { commands, runCli } from './main';

const silentIo = () => {
  const err: string[] = [];
  const out: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => '',
    readFile: async () => {
      throw new Error('no files here');
    },
  };
  return { io, err: () => err.join(''), out: () => out.join('') };
};

describe('tally main', () => {
  it('registers every command file once', () => {
    const names = commands.map((c) => c.name);
    expect(names).toContain('allocate');
    expect(new Set(names).size).toBe(names.length);
  });

  it('treats usage errors (missing option, unknown command) as bad input: exit 2', async () => {
    const a = silentIo();
    expect(await runCli(['allocate'], a.io)).toBe(2);
    expect(a.err()).toContain("required option '-i, --input <file>' not specified");
    const b = silentIo();
    expect(await runCli(['frobnicate'], b.io)).toBe(2);
  });

  it('prints help with exit 0', async () => {
    const h = silentIo();
    expect(await runCli(['--help'], h.io)).toBe(0);
    expect(h.out()).toContain('allocate');
  });
});
