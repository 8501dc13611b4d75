// The forensic signals as the API sends them: the domain's report (`commissionForensics`) as is,
// but for the late-arrival test's instants, which the domain keeps as milliseconds and the API
// writes as RFC 3339. Signals, never verdicts: the payload says so.
import type { CommissionForensics, Fingerprint, ForensicSignal, Progress, ResultsView } from '@tally/domain';
import type { Reflects } from './results.presenter';

export interface ForensicsDto extends Reflects {
  readonly electionId: string;
  readonly commissionId: string;
  readonly contestId: string;
  /** Always the same sentence: what a flag is. */
  readonly note: string;
  readonly leader: string | null;
  readonly precincts: Progress;
  readonly fingerprint: Fingerprint;
  readonly signals: readonly ForensicSignal[];
}

export const FORENSICS_NOTE = 'Statistical signals, not verdicts: a flag asks for a look at the named precincts’ protocols; every test can fire on a clean election (see the method of each).';

const INSTANTS = new Set(['q1', 'median', 'q3', 'fence', 'latest']);

const iso = (ms: number | string | null): string | number | null => (typeof ms === 'number' ? new Date(ms).toISOString() : ms);

function signalDto(s: ForensicSignal): ForensicSignal {
  if (s.test !== 'late-arrival') return s;
  return { ...s, details: Object.fromEntries(Object.entries(s.details).map(([k, v]) => [k, INSTANTS.has(k) ? iso(v) : v])) };
}

export function forensicsDto(view: ResultsView, r: Extract<CommissionForensics, { kind: 'forensics' }>): ForensicsDto {
  return {
    electionId: view.election.definition.id,
    commissionId: r.commissionId,
    contestId: r.contestId,
    position: view.cursor.position,
    recordedAt: view.cursor.recordedAt,
    note: FORENSICS_NOTE,
    leader: r.leader,
    precincts: r.precincts,
    fingerprint: r.report.fingerprint,
    signals: r.report.signals.map(signalDto),
  };
}
