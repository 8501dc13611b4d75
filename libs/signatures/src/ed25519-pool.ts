// Ed25519 verification spread over worker threads, for the auditor's walk of a whole store: one
// check per signed event is most of `tally audit verify`'s time (node:crypto ≈ 40%, profiled) and
// a verification runs on one core. Jobs go in batches (one message per few hundred checks, not per
// event), as one transferred buffer. The worker only calls libsodium's verify, as verifyBytes does
// (ed25519.ts): which key and signature bytes are well formed is decided here, by ed25519.ts's own
// rules, and a check the worker could not run (it threw) comes back undecided, for the caller to
// run inline.
import { Worker } from 'node:worker_threads';
import { rawKeyBytes, signatureBytes } from './ed25519';

export interface VerifyJob {
  /** Raw 32-byte public key, base64 (the definition's format). */
  readonly publicKey: string;
  readonly message: Buffer;
  /** Base64, as recorded. */
  readonly signature: string;
}

/** Per job: true or false, or undefined when the worker could not run the check (run it inline to see why). */
export type VerifyAnswer = boolean | undefined;

const UNDECIDED = 2;
/** Checks per message to a worker: large enough that posting costs little, small enough to keep every worker busy. */
export const VERIFY_BATCH = 256;

// Plain JavaScript, evaluated by the worker: its one module is found by the path resolved here, so
// it runs alike from the compiled service and under ts-jest, whatever the working directory.
// Layout of a batch: n keys (32 bytes each), n signatures (64 each), then the messages back to
// back, message i ending at ends[i].
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { crypto_core_ed25519_is_valid_point, crypto_sign_verify_detached } = require(${JSON.stringify(require.resolve('sodium-native'))});
parentPort.on('message', ({ id, buffer, n, ends, points }) => {
  const bytes = Buffer.from(buffer);
  const out = new Uint8Array(n);
  if (points) {
    for (let i = 0; i < n; i++) out[i] = crypto_core_ed25519_is_valid_point(bytes.subarray(32 * i, 32 * i + 32)) ? 1 : 0;
    parentPort.postMessage({ id, out }, [out.buffer]);
    return;
  }
  let start = 96 * n;
  for (let i = 0; i < n; i++) {
    const end = ends[i];
    try {
      const key = bytes.subarray(32 * i, 32 * i + 32);
      const signature = bytes.subarray(32 * n + 64 * i, 32 * n + 64 * i + 64);
      out[i] = crypto_sign_verify_detached(signature, bytes.subarray(start, end), key) ? 1 : 0;
    } catch {
      out[i] = ${UNDECIDED};
    }
    start = end;
  }
  parentPort.postMessage({ id, out }, [out.buffer]);
});
`;

interface BatchItem {
  readonly index: number;
  readonly key: Buffer;
  readonly signature: Buffer;
  readonly message: Buffer;
}

interface Pending {
  resolve(out: Uint8Array): void;
  reject(error: Error): void;
}

/** Close it when done: its workers keep the process alive. */
export class Ed25519VerifyPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`a pool has at least one worker, got ${size}`);
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.on('message', ({ id, out }: { id: number; out: Uint8Array }) => {
        const p = this.pending.get(id);
        this.pending.delete(id);
        p?.resolve(out);
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => code !== 0 && this.fail(new Error(`an Ed25519 worker exited with code ${code}`)));
      return worker;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * The answers to `jobs`, in order. A malformed key or signature is false without asking a worker
   * (as `verifyBytes` answers it). Rejects if a worker dies; the caller can then verify inline.
   */
  async verify(jobs: readonly VerifyJob[]): Promise<VerifyAnswer[]> {
    const answers: VerifyAnswer[] = new Array<VerifyAnswer>(jobs.length).fill(false);
    const sent: Promise<void>[] = [];
    // Spread by key (any spread would do now that a worker keeps no key objects).
    const batches = this.workers.map(() => [] as BatchItem[]);
    const send = (worker: number) => {
      const items = batches[worker];
      batches[worker] = [];
      sent.push(this.post(worker, items).then((out) => items.forEach((item, i) => (answers[item.index] = out[i] === UNDECIDED ? undefined : out[i] === 1))));
    };
    jobs.forEach((job, index) => {
      const key = rawKeyBytes(job.publicKey);
      const signature = key && signatureBytes(job.signature);
      if (!key || !signature) return;
      const worker = (key[0] ^ key[31]) % this.workers.length;
      batches[worker].push({ index, key, signature, message: job.message });
      if (batches[worker].length >= VERIFY_BATCH) send(worker);
    });
    batches.forEach((batch, worker) => batch.length > 0 && send(worker));
    await Promise.all(sent);
    return answers;
  }

  /**
   * For each raw public key, whether it is a usable one (publicKeyProblem's judgement, libsodium's
   * is_valid_point: about 37 µs a key here, so a national definition's keys go to the workers);
   * false for text that is not 32 bytes of base64. Rejects if a worker dies.
   */
  async usableKeys(publicKeys: readonly string[]): Promise<boolean[]> {
    const answers: boolean[] = new Array<boolean>(publicKeys.length).fill(false);
    const raw = publicKeys.map((k, index) => ({ index, key: rawKeyBytes(k) })).filter((x): x is { index: number; key: Buffer } => x.key !== undefined);
    const per = Math.max(1, Math.ceil(raw.length / this.workers.length));
    const sent: Promise<void>[] = [];
    for (let w = 0, at = 0; at < raw.length; w = (w + 1) % this.workers.length, at += per) {
      const slice = raw.slice(at, at + per);
      const bytes = Buffer.allocUnsafeSlow(32 * slice.length);
      slice.forEach((x, i) => x.key.copy(bytes, 32 * i));
      sent.push(this.postPoints(w, bytes, slice.length).then((out) => slice.forEach((x, i) => (answers[x.index] = out[i] === 1))));
    }
    await Promise.all(sent);
    return answers;
  }

  async close(): Promise<void> {
    this.fail(new Error('the Ed25519 pool is closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private post(to: number, items: readonly BatchItem[]): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    const n = items.length;
    let size = 96 * n;
    for (const item of items) size += item.message.length;
    const bytes = Buffer.allocUnsafeSlow(size);
    const ends = new Uint32Array(n);
    let at = 96 * n;
    items.forEach((item, i) => {
      item.key.copy(bytes, 32 * i);
      item.signature.copy(bytes, 32 * n + 64 * i);
      at += item.message.copy(bytes, at);
      ends[i] = at;
    });
    return this.ask(to, { buffer: bytes.buffer, n, ends }, [bytes.buffer as ArrayBuffer, ends.buffer]);
  }

  private postPoints(to: number, bytes: Buffer, n: number): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    return this.ask(to, { buffer: bytes.buffer, n, points: true }, [bytes.buffer as ArrayBuffer]);
  }

  /** One message to a worker, answered by its `out` (matched by id in the worker's message handler). */
  private ask(to: number, message: Record<string, unknown>, transfer: ArrayBuffer[]): Promise<Uint8Array> {
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[to].postMessage({ id, ...message }, transfer);
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}

interface Asked {
  readonly jobs: readonly VerifyJob[];
  resolve(answers: VerifyAnswer[]): void;
  reject(error: Error): void;
}

/**
 * A pool shared by concurrent callers (intake's requests, the recorder's batches): what they ask
 * for in one turn of the event loop goes to the workers together, after the turn's I/O, so a
 * request costs a share of a message rather than a message of its own.
 */
export class CoalescingVerifier {
  private asked: Asked[] = [];
  private scheduled = false;

  constructor(private readonly pool: Pick<Ed25519VerifyPool, 'verify'>) {}

  verify(jobs: readonly VerifyJob[]): Promise<VerifyAnswer[]> {
    if (jobs.length === 0) return Promise.resolve([]);
    return new Promise<VerifyAnswer[]>((resolve, reject) => {
      this.asked.push({ jobs, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const asked = this.asked;
    this.asked = [];
    this.pool.verify(asked.flatMap((a) => a.jobs)).then(
      (answers) => {
        let at = 0;
        for (const a of asked) {
          a.resolve(answers.slice(at, at + a.jobs.length));
          at += a.jobs.length;
        }
      },
      (error: Error) => asked.forEach((a) => a.reject(error)),
    );
  }
}
