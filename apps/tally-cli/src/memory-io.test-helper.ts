// A command's I/O in memory, for specs: a file system of the given files, a stdin, and what the
// command wrote to stdout and stderr.
import type { CliIo } from './cli.types';

export function memoryIo(files: Readonly<Record<string, string>> = {}, stdin = '') {
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
}
