// Intake's and the recorder's Ed25519 checks on worker threads. A check is the one CPU-heavy step
// of a submission (about a fifth of intake's CPU, profiled), and on the event loop it holds a
// process to one core. Only the arithmetic moves: the verdicts go into verifySigner, which judges
// exactly as it does inline (which key, valid when, whose), and a check the threads could not
// answer (a worker died, the pool closing) is verified inline there.
// Where intake and the recorder share this process, the checks that verified are remembered by
// their exact inputs (VerifiedChecks): the recorder checks again each signature intake checked
// moments before, and that second check is answered from memory, the same answer on the same bytes.
import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import type { ElectionIndex } from '@tally/domain';
import { CoalescingVerifier, Ed25519VerifyPool, signatureJobs, verdictsOf, VerifiedChecks, verifyBytes, type SignedClaim, type VerifyAnswer } from '@tally/signatures';
import type { AppConfig } from '../config/app.config';
import { APP_CONFIG } from './tokens';

export type Verdicts = NonNullable<SignedClaim['verdicts']>;

/** Makes the pool of `threads` workers (a test hands in its own). */
export type SignaturePoolFactory = (threads: number) => Pick<Ed25519VerifyPool, 'verify' | 'close'>;
export const SIGNATURE_POOL_FACTORY = Symbol('SIGNATURE_POOL_FACTORY');
const newPool: SignaturePoolFactory = (threads) => new Ed25519VerifyPool(threads);

/**
 * Checks remembered where intake and the recorder share the process: about 0.7 KB each, so 7 MB,
 * ten seconds of an election night's peak between intake's check and the recorder's. Past it (a
 * queue that deep) the recorder's check runs in full.
 */
export const VERIFIED_CHECKS_KEPT = 10_000;

@Injectable()
export class SignatureChecks implements OnApplicationShutdown {
  private readonly logger = new Logger('SignatureChecks');
  private pool: ReturnType<SignaturePoolFactory> | undefined;
  private verifier: CoalescingVerifier | undefined;
  private closed = false;
  /** Only where the recorder checks again what this process's intake checked. */
  private readonly verified: VerifiedChecks | undefined;

  /** `threads` 0: no pool, every check inline. */
  static inline(): SignatureChecks {
    return new SignatureChecks({ signatureThreads: 0 });
  }

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'signatureThreads'> & Partial<Pick<AppConfig, 'roles'>>,
    @Optional() @Inject(SIGNATURE_POOL_FACTORY) private readonly poolFactory: SignaturePoolFactory = newPool,
  ) {
    const roles = config.roles ?? [];
    this.verified = roles.includes('intake') && roles.includes('recorder') ? new VerifiedChecks(VERIFIED_CHECKS_KEPT) : undefined;
  }

  /**
   * The claim's verdicts: remembered, else computed on the threads (inline when it remembers and
   * has none); undefined when there is nothing to verify ahead, or it could not be.
   */
  async verdicts(election: Pick<ElectionIndex, 'keys'>, claim: SignedClaim): Promise<Verdicts | undefined> {
    const verified = this.verified;
    const verifier = this.ensureVerifier();
    if (verifier === undefined && verified === undefined) return undefined;
    const jobs = signatureJobs(election, claim);
    if (jobs.length === 0) return undefined;
    const answers: VerifyAnswer[] = jobs.map((job) => (verified?.has(job) ? true : undefined));
    const open = jobs.filter((_, i) => answers[i] === undefined);
    if (open.length > 0) {
      const computed = verifier === undefined ? open.map((job) => verifyBytes(job.publicKey, job.message, job.signature)) : await this.onThreads(verifier, open);
      let k = 0;
      for (let i = 0; i < jobs.length; i++) {
        if (answers[i] !== undefined) continue;
        answers[i] = computed[k++];
        if (answers[i] === true) verified?.add(jobs[i]);
      }
    }
    return answers.some((a) => a !== undefined) ? verdictsOf(jobs, answers) : undefined;
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

  /** The threads' answers; none (each undecided, verified inline by the caller) when they failed. */
  private async onThreads(verifier: CoalescingVerifier, jobs: Parameters<CoalescingVerifier['verify']>[0]): Promise<readonly VerifyAnswer[]> {
    try {
      return await verifier.verify(jobs);
    } catch (error) {
      this.failed(verifier, error);
      return jobs.map(() => undefined);
    }
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
