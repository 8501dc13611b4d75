// The log's memory, in files under its directory (`$TALLY_DATA_DIR/log` in the service):
//   leaves.bin       48 bytes per leaf, in leaf order: the leaf hash (32), then the event's global
//                    position as two unsigned 64-bit big-endian integers (major, minor);
//   checkpoint.json  { "treeSize": n, "position": "a:b" } — how many records of leaves.bin count and
//                    the position of the last one; written (temp file + rename) after leaves.bin is
//                    synced, so a crash leaves at most an unacknowledged tail, cut on the next load;
//   heads.jsonl      every signed tree head, one JSON object per line, oldest first;
//   log-key.pem      the log's Ed25519 private key (PKCS8, mode 0600) unless TALLY_LOG_KEY gives one;
//   lock             the one process that writes these files (pid, start time, token: the
//                    event store's directory lock, @tally/event-store lockDataDir).
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirInUseError, lockDataDir, parsePosition, START_POSITION, type DataDirLock } from '@tally/event-store';
import { HASH_BYTES } from './merkle-tree';
import { parseSignedTreeHead, type SignedTreeHead } from './tree-head';

export const LEAF_RECORD_BYTES = HASH_BYTES + 16;

export interface LoadedLogState {
  readonly treeSize: number;
  readonly position: string;
  /** treeSize records of LEAF_RECORD_BYTES. */
  readonly records: Buffer;
  readonly heads: readonly SignedTreeHead[];
  /** What was cut or ignored while loading, for the log. */
  readonly notes: readonly string[];
}

export function encodeLeafRecord(hash: Buffer, position: string): Buffer {
  const record = Buffer.alloc(LEAF_RECORD_BYTES);
  hash.copy(record, 0);
  const { major, minor } = parsePosition(position);
  record.writeBigUInt64BE(major, HASH_BYTES);
  record.writeBigUInt64BE(minor, HASH_BYTES + 8);
  return record;
}

export class LogStateFiles {
  readonly leavesFile: string;
  readonly checkpointFile: string;
  readonly headsFile: string;

  constructor(readonly dir: string) {
    this.leavesFile = join(dir, 'leaves.bin');
    this.checkpointFile = join(dir, 'checkpoint.json');
    this.headsFile = join(dir, 'heads.jsonl');
  }

  private held: DataDirLock | undefined;

  /**
   * Takes the directory for this process; false when a live process holds it (several roles'
   * processes started on one data directory: only one may append to the files; two logs of one
   * process on one directory count as two writers).
   */
  lock(): { ok: true } | { ok: false; holder: number } {
    mkdirSync(this.dir, { recursive: true });
    try {
      this.held = lockDataDir(this.dir, { name: 'lock', what: `the log's files in ${this.dir}`, advice: '' });
      return { ok: true };
    } catch (error) {
      if (error instanceof DataDirInUseError) return { ok: false, holder: error.holder };
      throw error;
    }
  }

  unlock(): void {
    this.held?.release();
    this.held = undefined;
  }

  /** Keeps the state files under another name (evidence) and starts from nothing. */
  moveAside(suffix: string): void {
    for (const file of [this.leavesFile, this.checkpointFile, this.headsFile]) if (existsSync(file)) renameSync(file, `${file}.${suffix}`);
  }

  load(): LoadedLogState {
    mkdirSync(this.dir, { recursive: true });
    const notes: string[] = [];
    let treeSize = 0;
    let position = START_POSITION;
    if (existsSync(this.checkpointFile)) {
      const checkpoint = JSON.parse(readFileSync(this.checkpointFile, 'utf8')) as { treeSize?: unknown; position?: unknown };
      if (Number.isSafeInteger(checkpoint.treeSize) && typeof checkpoint.position === 'string') {
        treeSize = checkpoint.treeSize as number;
        position = checkpoint.position;
      } else {
        notes.push(`${this.checkpointFile} does not parse: the log is rebuilt from the store`);
      }
    }
    let records = existsSync(this.leavesFile) ? readFileSync(this.leavesFile) : Buffer.alloc(0);
    if (records.length < treeSize * LEAF_RECORD_BYTES) {
      notes.push(`${this.leavesFile} holds ${Math.floor(records.length / LEAF_RECORD_BYTES)} leaves, the checkpoint says ${treeSize}: the log is rebuilt from the store`);
      treeSize = 0;
      position = START_POSITION;
    }
    if (records.length > treeSize * LEAF_RECORD_BYTES) {
      // Written, but not acknowledged by a checkpoint (a crash between the two): read again from the store.
      records = records.subarray(0, treeSize * LEAF_RECORD_BYTES);
      truncateSync(this.leavesFile, records.length);
    }
    const heads: SignedTreeHead[] = [];
    if (existsSync(this.headsFile)) {
      for (const line of readFileSync(this.headsFile, 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        const parsed = parseSignedTreeHead(JSON.parse(line));
        if (parsed.ok) heads.push(parsed.head);
        else notes.push(`${this.headsFile}: a line is not a signed head (${parsed.reason})`);
      }
    }
    return { treeSize, position, records, heads, notes };
  }

  /** Appends leaf records, syncs them, then moves the checkpoint. */
  appendLeaves(records: Buffer, treeSize: number, position: string): void {
    const fd = openSync(this.leavesFile, 'a');
    try {
      writeSync(fd, records);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const temp = `${this.checkpointFile}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ treeSize, position })}\n`);
    renameSync(temp, this.checkpointFile);
  }

  appendHead(head: SignedTreeHead): void {
    const fd = openSync(this.headsFile, 'a');
    try {
      writeSync(fd, `${JSON.stringify(head)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
