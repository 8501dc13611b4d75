import type { VerifyReport } from '@tally/audit';
import { formatVerifyReport } from './audit-verify.command';

describe('tally audit verify: its first line', () => {
  // No checks listed: only the first line is read here.
  const report = (events: number, streams: number): VerifyReport =>
    ({ ok: true, through: '753:1', events, streams, elections: ['almaty-city-2023'], checks: {}, digests: {}, recomputations: [], firstFailure: null, failureCount: 0, failures: [] }) as unknown as VerifyReport;

  it('counts in words that agree with the number', () => {
    expect(formatVerifyReport(report(1, 1)).split('\n')[0]).toBe('VERIFIED: 1 event in 1 stream through 753:1; elections almaty-city-2023');
    expect(formatVerifyReport(report(204_060, 100_001)).split('\n')[0]).toBe('VERIFIED: 204,060 events in 100,001 streams through 753:1; elections almaty-city-2023');
    expect(formatVerifyReport(report(0, 0)).split('\n')[0]).toBe('VERIFIED: 0 events in 0 streams through 753:1; elections almaty-city-2023');
  });
});
