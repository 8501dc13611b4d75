// One process at a time per embedded store. PGlite does not lock its directory: a second Postgres
// opening the same files (a second `npm start`, or `tally audit` beside the running service) finds
// a cluster that was not shut down, replays its WAL and checkpoints over the first one's pages,
// and the record is corrupt. So the store holds a lock file in its directory, created exclusively
// and naming its holder; a lock whose holder is gone (a SIGKILL, a crash, a container restarted
// under the same pid) is taken over. The transparency log's state files take theirs the same way
// (libs/merkle-log log-state-files.ts).
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'tally-store.lock';

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  /** The pid of the process that holds it; NaN when the lock could not be taken for another reason. */
  constructor(
    message: string,
    readonly holder: number = Number.NaN,
  ) {
    super(message);
  }
}

export interface LockOptions {
  /** The lock file's name in the directory. */
  readonly name?: string;
  /** What the directory is, for the refusal ("the embedded store in …"). */
  readonly what?: string;
  /** What to do about it, after the refusal. */
  readonly advice?: string;
}

interface Holder {
  readonly pid: number;
  /** The holder's start time (Linux: /proc/<pid>/stat), so a reused pid is not taken for it. */
  readonly start?: string;
  readonly token: string;
  readonly since: string;
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

// Tokens of the locks this process holds: the same pid in a lock file is this process only if
// the token is one of these (a container restarted as pid 1 finds its previous life's pid 1).
const held = new Set<string>();

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat); undefined off Linux. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    return typeof value.pid === 'number' && typeof value.token === 'string' ? (value as Holder) : undefined;
  } catch {
    // Missing, or half written by a holder that died writing it: nobody holds it.
    return undefined;
  }
}

function holds(holder: Holder): boolean {
  if (holder.pid === process.pid) return held.has(holder.token);
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it exists, as another user's process.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // Alive under that pid; the same process only if it started when the holder did.
  const start = holder.start === undefined ? undefined : processStart(holder.pid);
  return start === undefined || start === holder.start;
}

// A lock file nobody could read is stale only once it is older than this: a holder writes its
// name right after creating the file, so a younger empty file may be one being written.
const UNREADABLE_STALE_MS = 5_000;
// The right to remove a stale lock is itself a file, so two processes taking over the same stale
// lock cannot both remove it and the second remove the first one's fresh lock. One left by a
// process that died in those microseconds is cleared after this long.
const TAKEOVER_STALE_MS = 10_000;

const ageMs = (file: string): number | undefined => {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};

const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/**
 * Takes the directory's lock for this process, or throws DataDirInUseError naming the process
 * that holds it. The directory must exist.
 */
export function lockDataDir(dir: string, options: LockOptions = {}): DataDirLock {
  const file = join(dir, options.name ?? LOCK_FILE);
  const what = options.what ?? `the embedded store in ${dir}`;
  const advice =
    options.advice ?? 'Stop that process first: an embedded store serves one process at a time (with EVENT_STORE=postgres, auditors read beside the running service).';
  // Long enough for an unreadable lock to grow stale; each turn ends in the lock taken or a wait.
  const deadline = Date.now() + UNREADABLE_STALE_MS + 2_000;
  while (Date.now() < deadline) {
    const holder: Holder = { pid: process.pid, start: processStart(process.pid), token: randomUUID(), since: new Date().toISOString() };
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = readHolder(file);
      const age = ageMs(file);
      if (age === undefined) continue; // removed since: try to create it again
      if (current !== undefined && holds(current)) {
        const who = current.pid === process.pid ? 'this process already' : `process ${current.pid}`;
        throw new DataDirInUseError(`${what} is open in ${who} (since ${current.since}), and a second process opening it would corrupt it. ${advice}`.trim(), current.pid);
      }
      if (current === undefined && age < UNREADABLE_STALE_MS) {
        pause(20); // being written, perhaps: read it again
        continue;
      }
      takeOverStaleLock(file, current?.token);
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(holder));
    } finally {
      closeSync(fd);
    }
    held.add(holder.token);
    return {
      file,
      release: () => {
        if (!held.delete(holder.token)) return;
        // Only while it is still this holder's (never remove a lock another process took over).
        if (readHolder(file)?.token === holder.token) rmSync(file, { force: true });
      },
    };
  }
  throw new DataDirInUseError(`${what}: its lock file ${file} could not be taken`);
}

/**
 * Removes the stale lock judged by its holder's token (or, unreadable, by its age), under the
 * takeover file, if it is still stale. Exported for its spec; lockDataDir is its one caller.
 */
export function takeOverStaleLock(file: string, staleToken: string | undefined): void {
  const takeover = `${file}.takeover`;
  let fd: number;
  try {
    fd = openSync(takeover, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process is taking it over; or one died doing so, long enough ago.
    if ((ageMs(takeover) ?? 0) > TAKEOVER_STALE_MS) rmSync(takeover, { force: true });
    else pause(20);
    return;
  }
  closeSync(fd);
  try {
    // Judged stale a moment ago; removed only if it still is. A holder's token is its own; an
    // unreadable file must still be unreadable and old: the one judged may since have been
    // replaced by a fresh lock its holder is still writing (empty, and so unreadable too).
    const now = readHolder(file);
    const stale = staleToken === undefined ? now === undefined && (ageMs(file) ?? 0) >= UNREADABLE_STALE_MS : now?.token === staleToken;
    if (stale) rmSync(file, { force: true });
  } finally {
    rmSync(takeover, { force: true });
  }
}
