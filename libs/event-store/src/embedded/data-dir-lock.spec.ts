import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { DataDirInUseError, LOCK_FILE, lockDataDir, processStart, takeOverStaleLock } from './data-dir-lock';
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

  it('takes over a lock file its holder died writing (half written), once it is older than a holder takes to write one', () => {
    const file = join(dir, LOCK_FILE);
    writeFileSync(file, '{"pid": 12');
    const past = new Date(Date.now() - 60_000);
    utimesSync(file, past, past);
    lockDataDir(dir).release();
  });

  // The race CI once lost (two racers both held): a racer found the stale lock gone (another had
  // just removed it), judged "unreadable", and under the takeover file removed the winner's fresh
  // lock, created but not yet written. A takeover re-judges the file it is about to remove.
  describe('a takeover removes only a lock that is still the one judged stale', () => {
    const file = () => join(dir, LOCK_FILE);
    const age = (ms: number) => {
      const past = new Date(Date.now() - ms);
      utimesSync(file(), past, past);
    };

    it('judged unreadable: a fresh lock being written (empty, young) stays; one still unreadable and old goes', () => {
      writeFileSync(file(), '');
      takeOverStaleLock(file(), undefined);
      expect(existsSync(file())).toBe(true);
      age(60_000);
      takeOverStaleLock(file(), undefined);
      expect(existsSync(file())).toBe(false);
    });

    it('judged by its holder: a lock another holder has since written stays, even old; the judged holder’s goes', () => {
      writeHolder({ pid: 1, token: 'the winner', since: '2026-12-05T00:00:00.000Z' });
      age(60_000);
      takeOverStaleLock(file(), 'gone');
      takeOverStaleLock(file(), undefined);
      expect(JSON.parse(readFileSync(file(), 'utf8')).token).toBe('the winner');
      takeOverStaleLock(file(), 'the winner');
      expect(existsSync(file())).toBe(false);
    });

    it('leaves the takeover file behind in neither case', () => {
      writeFileSync(file(), '');
      takeOverStaleLock(file(), undefined);
      takeOverStaleLock(file(), 'gone');
      expect(existsSync(`${file()}.takeover`)).toBe(false);
    });
  });

  it('of processes racing for one stale lock, exactly one takes it; the others find it held', async () => {
    // The module alone, as plain JavaScript, for child processes (it needs nothing but node's own modules).
    const source = readFileSync(join(__dirname, 'data-dir-lock.ts'), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const moduleFile = join(dir, 'data-dir-lock.js');
    writeFileSync(moduleFile, js);
    const store = join(dir, 'store');
    mkdirSync(store);
    // A lock whose holder is gone (a process that has exited). The winner holds it for 6 s, past
    // the latest racer's start on a loaded machine.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(store, LOCK_FILE), JSON.stringify({ pid: Number(gone.stdout), token: 'gone', since: '2026-12-05T00:00:00.000Z' }));
    const startAt = Date.now() + 2_000;
    const racer = `
      const { lockDataDir } = require(${JSON.stringify(moduleFile)});
      while (Date.now() < ${startAt}) {}
      try { const lock = lockDataDir(${JSON.stringify(store)}); process.stdout.write('held'); setTimeout(() => lock.release(), 6000); }
      catch (e) { process.stdout.write(e.name === 'DataDirInUseError' ? 'refused' : 'error: ' + e.message); }`;
    const outcomes = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          new Promise<string>((resolve) => {
            const child = spawn(process.execPath, ['-e', racer], { stdio: ['ignore', 'pipe', 'inherit'] });
            let out = '';
            child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
            child.on('exit', () => resolve(out));
          }),
      ),
    );
    expect(outcomes.sort()).toEqual(['held', 'refused', 'refused', 'refused', 'refused', 'refused']);
  }, 30_000);

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
