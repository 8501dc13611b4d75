// Intake's and the recorder's Ed25519 checks on worker threads. A check is the one CPU-heavy step
// of a submission (about a fifth of intake's CPU, profiled), and on the event loop it holds a
// process to one core. Only the arithmetic moves: the verdicts go into verifySigner, which judges
// exactly as it does inline (which key, valid when, whose), and a check the threads could not
// answer (a worker died, the pool closing) is verified inline there.
import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import type { ElectionIndex } from '@tally/domain';
import { CoalescingVerifier, Ed25519VerifyPool, signatureJobs, verdictsOf, type SignedClaim } from '@tally/signatures';
import type { AppConfig } from '../config/app.config';
import { APP_CONFIG } from './tokens';

export type Verdicts = NonNullable<SignedClaim['verdicts']>;

/** Makes the pool of `threads` workers (a test hands in its own). */
export type SignaturePoolFactory = (threads: number) => Pick<Ed25519VerifyPool, 'verify' | 'close'>;
export const SIGNATURE_POOL_FACTORY = Symbol('SIGNATURE_POOL_FACTORY');
const newPool: SignaturePoolFactory = (threads) => new Ed25519VerifyPool(threads);

@Injectable()
export class SignatureChecks implements OnApplicationShutdown {
  private readonly logger = new Logger('SignatureChecks');
  private pool: ReturnType<SignaturePoolFactory> | undefined;
  private verifier: CoalescingVerifier | undefined;
  private closed = false;

  /** `threads` 0: no pool, every check inline. */
  static inline(): SignatureChecks {
    return new SignatureChecks({ signatureThreads: 0 });
  }

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'signatureThreads'>,
    @Optional() @Inject(SIGNATURE_POOL_FACTORY) private readonly poolFactory: SignaturePoolFactory = newPool,
  ) {}

  /** The claim's verdicts, computed on the threads; undefined when there is nothing to verify ahead, or it could not be. */
  async verdicts(election: Pick<ElectionIndex, 'keys'>, claim: SignedClaim): Promise<Verdicts | undefined> {
    const verifier = this.ensureVerifier();
    if (verifier === undefined) return undefined;
    const jobs = signatureJobs(election, claim);
    if (jobs.length === 0) return undefined;
    try {
      return verdictsOf(jobs, await verifier.verify(jobs));
    } catch (error) {
      this.failed(verifier, error);
      return undefined;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    this.verifier = undefined;
    await pool?.close();
  }

  /** Started on first use: a process that never checks a signature (a projector) starts no thread. */
  private ensureVerifier(): CoalescingVerifier | undefined {
    if (this.closed || this.config.signatureThreads === 0) return undefined;
    if (this.verifier === undefined) {
      this.pool = this.poolFactory(this.config.signatureThreads);
      this.verifier = new CoalescingVerifier(this.pool);
    }
    return this.verifier;
  }

  /** A pool that failed stays failed: the next check starts a new one. */
  private failed(verifier: CoalescingVerifier, error: unknown): void {
    if (this.verifier !== verifier) return;
    this.logger.warn(`the signature threads failed (${error instanceof Error ? error.message : String(error)}); checking inline, and starting new threads`);
    const pool = this.pool;
    this.pool = undefined;
    this.verifier = undefined;
    void pool?.close().catch(() => undefined);
  }
}
