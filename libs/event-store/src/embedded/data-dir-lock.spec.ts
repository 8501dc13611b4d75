import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, LOCK_FILE, lockDataDir, processStart } from './data-dir-lock';
import { createPgliteEventStore } from './pglite-event-store';

describe('the embedded store’s directory lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tally-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writeHolder = (holder: object) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify(holder));

  it('is held once: a second open, even in this process, is refused until the first is released', () => {
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid });
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dir)).toThrow(/is open in this process already/);
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
    lockDataDir(dir).release();
  });

  it('refuses while another live process holds it, naming that process; takes it over once the process is gone', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      const pid = child.pid!;
      writeHolder({ pid, start: processStart(pid), token: 'theirs', since: '2026-12-05T10:00:00.000Z' });
      expect(() => lockDataDir(dir)).toThrow(new RegExp(`is open in process ${pid} \\(since 2026-12-05T10:00:00.000Z\\)`));
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    // Its holder was SIGKILLed: nobody released the file, and the next open takes it over.
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('takes over a lock whose pid lives on in another process (a reused pid: another start time)', () => {
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      const pid = sleeper.pid!;
      if (processStart(pid) === undefined) return; // off Linux the start time is not known: nothing to show
      writeHolder({ pid, start: '1', token: 'an earlier life', since: '2026-12-01T00:00:00.000Z' });
      lockDataDir(dir).release();
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('takes over a lock naming this very pid with a token this process never held (a container restarted as the same pid)', () => {
    writeHolder({ pid: process.pid, start: processStart(process.pid), token: 'the previous container', since: '2026-12-01T00:00:00.000Z' });
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).token).not.toBe('the previous container');
    lock.release();
  });

  it('takes over a lock file its holder died writing (empty or half written)', () => {
    writeFileSync(join(dir, LOCK_FILE), '{"pid": 12');
    lockDataDir(dir).release();
  });

  it('createPgliteEventStore holds it from before PGlite opens to after the store closes; a second store on the directory is refused', async () => {
    const store = await createPgliteEventStore({ dataDir: dir });
    const storeDir = join(dir, 'event-store');
    try {
      expect(existsSync(join(storeDir, LOCK_FILE))).toBe(true);
      await expect(createPgliteEventStore({ dataDir: dir })).rejects.toThrow(DataDirInUseError);
    } finally {
      await store.close();
    }
    expect(existsSync(join(storeDir, LOCK_FILE))).toBe(false);
    mkdirSync(storeDir, { recursive: true });
    const again = await createPgliteEventStore({ dataDir: dir });
    await again.close();
  }, 60_000);
});
