// Forensic signals of a commission in a contest, opened on demand: the election fingerprint
// (turnout × the leader's share, precincts per whole-percent cell) drawn on a canvas, and each
// test's status, statistic, p-value, threshold and the precincts behind it — as the API says.
// Signals, never verdicts: the panel says so above everything it shows.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchForensics, type ElectionDetail, type ForensicsDto, type ListContestResults } from '../api';
import { fmtInt, fmtPctShort, nameOf, t, type Key } from '../i18n';
import { useOnDemand } from '../on-demand';

type Cells = ForensicsDto['fingerprint']['cells'];

/** 101 × 101 cells (0–100%), 3 pixels each: turnout across, the leader's share up. */
const CELL = 3;
const SIDE = 101 * CELL;

function drawFingerprint(canvas: HTMLCanvasElement, cells: Cells): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, SIDE, SIDE);
  // Light grid every 10%.
  ctx.fillStyle = '#eef0f3';
  for (let p = 0; p <= 100; p += 10) {
    ctx.fillRect(p * CELL, 0, 1, SIDE);
    ctx.fillRect(0, SIDE - (p + 1) * CELL, SIDE, 1);
  }
  const most = Math.max(1, ...cells.map((c) => c[2]));
  for (const [turnout, share, n] of cells) {
    // A log scale, so a lone precinct still shows beside a crowded cell.
    const strength = Math.log1p(n) / Math.log1p(most);
    const lightness = Math.round(92 - 70 * strength);
    ctx.fillStyle = `hsl(222, 70%, ${lightness}%)`;
    ctx.fillRect(turnout * CELL, SIDE - (share + 1) * CELL, CELL, CELL);
  }
}

export function ForensicsPanel({ contest, election }: { readonly contest: ListContestResults; readonly election: ElectionDetail }) {
  const [open, setOpen] = useState(false);
  const canvas = useRef<HTMLCanvasElement>(null);
  const { data, error } = useOnDemand<ForensicsDto>(open, (signal) => fetchForensics(election.id, contest.commissionId, contest.contestId, signal), [contest, election.id]);
  useEffect(() => {
    if (canvas.current && data) drawFingerprint(canvas.current, data.fingerprint.cells);
  }, [data]);

  const leaderName = data?.leader ? nameOf(election.lists.find((l) => l.id === data.leader)?.name) || data.leader : '—';
  const densest = data?.fingerprint.cells.reduce<Cells[number] | undefined>((best, c) => (best === undefined || c[2] > best[2] ? c : best), undefined);
  return (
    <div class="forensics" data-testid={`forensics-${contest.contestId}`}>
      <button type="button" class="disclosure" aria-expanded={open} data-testid="open-forensics" onClick={() => setOpen(!open)}>
        {open ? t('hideForensics') : t('showForensics')}
      </button>
      {open && error && <p role="alert">{error}</p>}
      {open && data && (
        <div class="forensics-body">
          <p class="note" data-field="forensics-note">
            {t('forensicsNote')}
          </p>
          <figure class="fingerprint">
            <canvas
              ref={canvas}
              width={SIDE}
              height={SIDE}
              role="img"
              data-testid="fingerprint"
              data-precincts={data.fingerprint.precincts}
              aria-label={t('fingerprintLabel', {
                n: data.fingerprint.precincts,
                leader: leaderName,
                turnout: densest ? fmtPctShort(densest[0]) : '—',
                share: densest ? fmtPctShort(densest[1]) : '—',
              })}
            />
            <figcaption>{t('fingerprintCaption', { leader: leaderName })}</figcaption>
          </figure>
          <ul class="signals" data-testid="signals">
            {data.signals.map((s) => (
              <li key={s.test} data-test={s.test} data-status={s.status}>
                <strong>{t(`test.${s.test}` as Key)}</strong> <span class={`badge signal-${s.status}`}>{t(`signal.${s.status}` as Key)}</span>
                <span class="note">
                  {s.statistic.value === null
                    ? t('signalNoData', { sample: fmtInt(s.sample) })
                    : t('signalLine', {
                        name: s.statistic.name,
                        value: s.statistic.value.toPrecision(3),
                        p: s.pValue === null ? '—' : s.pValue.toPrecision(2),
                        rule: s.threshold.rule,
                        sample: fmtInt(s.sample),
                      })}
                </span>
                {s.precinctsTotal > 0 && <span class="note">{t('signalPrecincts', { list: s.precincts.slice(0, 10).join(', '), total: fmtInt(s.precinctsTotal) })}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
