// Ed25519 checks that verified, remembered by their exact inputs. A check is a pure function of
// (public key, message, signature), so a triple found here verifies, and nothing else is answered
// from it: not a failed check, not a near miss. Where intake and the recorder run in one process
// (the embedded service, or intake + recorder) the recorder checks again every signature intake
// checked moments before — it trusts nothing on the queue — which is the same arithmetic on the
// same bytes. Bounded: past `capacity` the oldest is forgotten, and its next check runs in full.
import type { VerifyJob } from './ed25519-pool';

interface Verified {
  readonly publicKey: string;
  readonly message: Buffer;
}

export class VerifiedChecks {
  private readonly bySignature = new Map<string, Verified>();

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be a whole number ≥ 0, not ${capacity}`);
  }

  /** Whether exactly this key, message and signature verified before. */
  has(job: VerifyJob): boolean {
    const seen = this.bySignature.get(job.signature);
    return seen !== undefined && seen.publicKey === job.publicKey && seen.message.equals(job.message);
  }

  /** Remembers a check that verified (the caller's word: only a true answer belongs here). */
  add(job: VerifyJob): void {
    if (this.capacity === 0) return;
    // A copy of its own: a small Buffer is often a slice of Node's shared pool, whose 8 KiB a kept
    // slice would hold on to.
    const message = Buffer.allocUnsafeSlow(job.message.length);
    job.message.copy(message);
    this.bySignature.delete(job.signature);
    this.bySignature.set(job.signature, { publicKey: job.publicKey, message });
    if (this.bySignature.size > this.capacity) this.bySignature.delete(this.bySignature.keys().next().value as string);
  }

  get size(): number {
    return this.bySignature.size;
  }
}
