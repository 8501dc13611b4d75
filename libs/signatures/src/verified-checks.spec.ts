import type { VerifyJob } from './ed25519-pool';
import { VerifiedChecks } from './verified-checks';

const job = (n: number, over: Partial<VerifyJob> = {}): VerifyJob => ({ publicKey: `key-${n}`, message: Buffer.from(`message ${n}`), signature: `signature-${n}`, ...over });

describe('VerifiedChecks', () => {
  it('answers only the exact key, message and signature it was given', () => {
    const checks = new VerifiedChecks(10);
    checks.add(job(1));
    expect(checks.has(job(1))).toBe(true);
    expect(checks.has(job(1, { publicKey: 'key-2' }))).toBe(false);
    expect(checks.has(job(1, { message: Buffer.from('message 1!') }))).toBe(false);
    expect(checks.has(job(1, { message: Buffer.from('message 2') }))).toBe(false);
    expect(checks.has(job(1, { signature: 'signature-2' }))).toBe(false);
    expect(checks.has(job(2))).toBe(false);
  });

  it('keeps its own copy of the message: the caller reusing its buffer changes nothing', () => {
    const checks = new VerifiedChecks(10);
    const message = Buffer.from('message 1');
    checks.add(job(1, { message }));
    message.write('MESSAGE');
    expect(checks.has(job(1, { message }))).toBe(false);
    expect(checks.has(job(1))).toBe(true);
  });

  it('forgets the oldest past its capacity, and nothing at all with none', () => {
    const checks = new VerifiedChecks(3);
    for (let n = 1; n <= 4; n++) checks.add(job(n));
    expect(checks.size).toBe(3);
    expect([1, 2, 3, 4].map((n) => checks.has(job(n)))).toEqual([false, true, true, true]);
    // Added again, a check is the newest: the next to go is the one after it.
    checks.add(job(2));
    checks.add(job(5));
    expect([2, 3, 4, 5].map((n) => checks.has(job(n)))).toEqual([true, false, true, true]);

    const none = new VerifiedChecks(0);
    none.add(job(1));
    expect(none.size).toBe(0);
    expect(none.has(job(1))).toBe(false);
    expect(() => new VerifiedChecks(-1)).toThrow(RangeError);
    expect(() => new VerifiedChecks(1.5)).toThrow(RangeError);
  });
});
