import type { VerifyReport } from '@tally/audit';
import { formatHeadCheck } from './audit-verify-head.command';
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

describe('tally audit verify --head: its first line', () => {
  const root = 'ab'.repeat(32);
  const other = 'cd'.repeat(32);

  it('counts the head’s events in words that agree with the number', () => {
    expect(formatHeadCheck({ ok: true, treeSize: 1, rootHash: root }, 'verified', undefined).split('\n')[0]).toBe(
      `VERIFIED: over the store's first 1 event, the root is the head's, ${root} (head signature verified)`,
    );
    expect(formatHeadCheck({ ok: true, treeSize: 51_098, rootHash: root }, 'verified', undefined).split('\n')[0]).toBe(
      `VERIFIED: over the store's first 51,098 events, the root is the head's, ${root} (head signature verified)`,
    );
    expect(formatHeadCheck({ ok: false, problem: 'store-too-short', treeSize: 2, leaves: 1 }, 'verified', undefined).split('\n')[0]).toBe(
      'FAILED: the head covers 2 events; the store holds only 1 event',
    );
    expect(formatHeadCheck({ ok: false, problem: 'root-differs', treeSize: 1, expected: root, found: other }, 'verified', undefined).split('\n')[0]).toBe(
      `FAILED: over the store's first 1 event, the root is ${other}, not the head's root ${root}`,
    );
  });
});
