import type { IntakeRefusal } from './intake-refusal-sink';
import { RecentIntakeRefusals, validId } from './recent-intake-refusals';

const refusal = (n: number, over: Partial<IntakeRefusal> = {}): IntakeRefusal => ({
  receivedAt: `2026-12-02T10:00:${String(n).padStart(2, '0')}.000Z`,
  method: 'POST',
  path: '/v1/elections/e/precincts/p/protocols',
  kind: 'protocol',
  precinctId: 'p',
  status: 400,
  reasons: [{ code: 'MALFORMED', field: 'protocol', message: 'echoes the input' }],
  bodySha256: null,
  bodyBytes: null,
  ...over,
});

describe('RecentIntakeRefusals', () => {
  it('keeps the newest first and rotates the oldest out at capacity, counting every one', () => {
    const ring = new RecentIntakeRefusals(3);
    for (let n = 1; n <= 5; n++) ring.add('e', refusal(n));
    const { capacity, total, refusals } = ring.recent(10);
    expect({ capacity, total }).toEqual({ capacity: 3, total: 5 });
    expect(refusals.map((r) => r.receivedAt.slice(17, 19))).toEqual(['05', '04', '03']);
    expect(ring.recent(2).refusals).toHaveLength(2);
  });

  it('keeps ids only when they are ids, fields cut short, and no message or path', () => {
    const ring = new RecentIntakeRefusals(2);
    ring.add('x'.repeat(65), refusal(1, { precinctId: '../../etc', reasons: [{ code: 'MALFORMED', field: 'f'.repeat(500), message: 'secret' }], submittedBy: 'p' }));
    const [entry] = ring.recent(1).refusals;
    expect(entry).toMatchObject({ electionId: null, precinctId: null, signedBy: 'p' });
    expect(entry.reasons[0].field).toHaveLength(120);
    expect(JSON.stringify(entry)).not.toMatch(/secret|\/v1\//);
  });

  it('with capacity 0 keeps nothing but still counts', () => {
    const ring = new RecentIntakeRefusals(0);
    ring.add('e', refusal(1));
    expect(ring.recent(5)).toEqual({ capacity: 0, total: 1, refusals: [] });
  });

  it('validId follows the definition id rule', () => {
    expect(['e1', 'almaty-p001', 'a_b'].map(validId)).toEqual(['e1', 'almaty-p001', 'a_b']);
    expect(['', 'a.b', 'a-', '-a', 'x'.repeat(65), 'ключ'].map(validId)).toEqual([null, null, null, null, null, null]);
  });
});
