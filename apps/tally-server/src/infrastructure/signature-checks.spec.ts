import { Logger } from '@nestjs/common';
import { almatyCity2023Definition, almatyCity2023Protocols, indexElection } from '@tally/domain';
import { demoKeyPair, signSubmission, withDemoKeys, type SignedClaim, type SignedSubject, type VerifyJob } from '@tally/signatures';
import { SignatureChecks, VERIFIED_CHECKS_KEPT, type SignaturePoolFactory } from './signature-checks';

const election = indexElection(withDemoKeys(almatyCity2023Definition()));
const [first] = almatyCity2023Protocols();
const subject: SignedSubject = { kind: 'protocol', electionId: election.definition.id, precinctId: first.precinctId, contestId: first.contestId, protocol: first.protocol };
const own = demoKeyPair(first.precinctId);
const claim: SignedClaim = { subject, signature: signSubmission(subject, own.keyId, own.privateKeyPem), at: '2023-03-19T15:00:00.000Z' };

/** Pools that answer `true` to everything, or fail, as told; each remembers whether it was closed. */
function fakePools(failing: (nth: number) => boolean) {
  const made: { threads: number; closed: boolean; asked: number }[] = [];
  const factory: SignaturePoolFactory = (threads) => {
    const pool = { threads, closed: false, asked: 0 };
    const nth = made.push(pool) - 1;
    return {
      verify: async (jobs: readonly VerifyJob[]) => {
        pool.asked += jobs.length;
        if (failing(nth)) throw new Error('an Ed25519 worker exited with code 1');
        return jobs.map(() => true);
      },
      close: async () => void (pool.closed = true),
    };
  };
  return { made, factory };
}

describe('SignatureChecks (intake and the recorder, on worker threads)', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('answers a claim with its verdicts by public key, from one pool started on first use', async () => {
    const { made, factory } = fakePools(() => false);
    const checks = new SignatureChecks({ signatureThreads: 2 }, factory);
    expect(made).toHaveLength(0);
    expect(await checks.verdicts(election, claim)).toEqual(new Map([[own.publicKey, true]]));
    expect(await checks.verdicts(election, claim)).toEqual(new Map([[own.publicKey, true]]));
    expect(made).toEqual([{ threads: 2, closed: false, asked: 2 }]);
    await checks.onApplicationShutdown();
    expect(made[0].closed).toBe(true);
    // Closed: nothing is asked of a pool any more; the caller verifies inline.
    expect(await checks.verdicts(election, claim)).toBeUndefined();
    expect(made).toHaveLength(1);
  });

  it('asks nothing when there is nothing to verify ahead, or when its threads are 0', async () => {
    const { made, factory } = fakePools(() => false);
    const checks = new SignatureChecks({ signatureThreads: 1 }, factory);
    expect(await checks.verdicts(election, { ...claim, signature: null })).toBeUndefined();
    expect(await checks.verdicts(election, { ...claim, subject: undefined })).toBeUndefined();
    expect(made.reduce((n, p) => n + p.asked, 0)).toBe(0);
    const inline = new SignatureChecks({ signatureThreads: 0 }, factory);
    expect(await inline.verdicts(election, claim)).toBeUndefined();
    expect(made.every((p) => p.asked === 0)).toBe(true);
  });

  it('gives no verdicts when its pool fails (the check runs inline), closes that pool and starts a new one for the next', async () => {
    const { made, factory } = fakePools((nth) => nth === 0);
    const checks = new SignatureChecks({ signatureThreads: 1 }, factory);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    expect(await checks.verdicts(election, claim)).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^the signature threads failed \(an Ed25519 worker exited with code 1\); checking inline/));
    expect(made[0].closed).toBe(true);
    expect(await checks.verdicts(election, claim)).toEqual(new Map([[own.publicKey, true]]));
    expect(made).toHaveLength(2);
    await checks.onApplicationShutdown();
    warn.mockRestore();
  });

  describe('where intake and the recorder share the process', () => {
    const both = ['intake', 'recorder'] as const;

    it('answers a check that verified before from memory, asking the threads nothing again', async () => {
      const { made, factory } = fakePools(() => false);
      const checks = new SignatureChecks({ signatureThreads: 1, roles: [...both] }, factory);
      expect(await checks.verdicts(election, claim)).toEqual(new Map([[own.publicKey, true]]));
      expect(await checks.verdicts(election, claim)).toEqual(new Map([[own.publicKey, true]]));
      expect(made[0].asked).toBe(1);
      await checks.onApplicationShutdown();
    });

    it('remembers nothing that failed, and nothing in a process without both roles', async () => {
      const refusing: SignaturePoolFactory = () => ({ verify: async (jobs: readonly VerifyJob[]) => jobs.map(() => false), close: async () => undefined });
      const checks = new SignatureChecks({ signatureThreads: 1, roles: [...both] }, refusing);
      expect(await checks.verdicts(election, claim)).toEqual(new Map([[own.publicKey, false]]));
      expect(await checks.verdicts(election, claim)).toEqual(new Map([[own.publicKey, false]]));
      await checks.onApplicationShutdown();
      for (const roles of [['intake'], ['recorder'], ['intake', 'projector']] as const) {
        const { made, factory } = fakePools(() => false);
        const alone = new SignatureChecks({ signatureThreads: 1, roles: [...roles] }, factory);
        await alone.verdicts(election, claim);
        await alone.verdicts(election, claim);
        expect(made[0].asked).toBe(2);
        await alone.onApplicationShutdown();
      }
    });

    it('checks inline when it has no threads, and a signature remembered for one subject answers nothing for another', async () => {
      const checks = new SignatureChecks({ signatureThreads: 0, roles: [...both] });
      expect(await checks.verdicts(election, claim)).toEqual(new Map([[own.publicKey, true]]));
      // The same signature over a protocol one vote different: the real check, which refuses it.
      const altered: SignedClaim = { ...claim, subject: { ...subject, protocol: { ...first.protocol, invalid: first.protocol.invalid + 1 } } };
      expect(await checks.verdicts(election, altered)).toEqual(new Map([[own.publicKey, false]]));
      expect(await checks.verdicts(election, claim)).toEqual(new Map([[own.publicKey, true]]));
      expect(VERIFIED_CHECKS_KEPT).toBeGreaterThan(0);
    });
  });
});
