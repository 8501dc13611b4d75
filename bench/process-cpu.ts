// A process's CPU time from /proc (Linux), for the benches that count every process's share
// (sse.bench.ts, split-cluster.ts).
import { readFileSync } from 'node:fs';

/** Clock ticks of /proc's CPU times (USER_HZ, 100 on Linux), in µs. */
export const TICK_MICROS = 10_000;

/** User + system CPU a process used so far, µs (NaN when it is gone). */
export function processCpuMicros(pid: number | undefined): number {
  return cpuMicrosOf(pid === undefined ? undefined : `/proc/${pid}/stat`);
}

/**
 * The same for a Node process's main thread alone (its thread id is its pid): the event loop,
 * whose one core bounds what the process does there; other threads (signature checks, GC, compiler) aside.
 */
export function mainThreadCpuMicros(pid: number | undefined): number {
  return cpuMicrosOf(pid === undefined ? undefined : `/proc/${pid}/task/${pid}/stat`);
}

function cpuMicrosOf(file: string | undefined): number {
  if (file === undefined) return NaN;
  try {
    const stat = readFileSync(file, 'utf8');
    // After "pid (comm) " (comm may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
  } catch {
    return NaN;
  }
}
