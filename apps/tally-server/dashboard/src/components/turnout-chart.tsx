// Turnout by reporting time as a line over the election's turnout times. The figures are the
// API's (ballots issued / voters on the list of the precincts that reported at that time): each
// point is over its own precincts, so the caption says how many reported at each time, of all.
import type { CommissionPayload } from '../api';
import { fmtInt, fmtPct, fmtPctShort, t } from '../i18n';
import { xOfY } from './progress';

const W = 640;
const H = 240;
// The right pad holds half of the last point's value label ("38,90 %", centred on the point) and of
// its time on the axis, in every language's number format.
const PAD = { left: 48, right: 40, top: 16, bottom: 32 };

export function TurnoutChart({ contest, times }: { readonly contest: Pick<CommissionPayload['contests'][number], 'turnoutByTime' | 'precincts'>; readonly times: readonly string[] }) {
  const byTime = new Map(contest.turnoutByTime.map((p) => [p.time, p]));
  const points = times.map((time) => ({ time, at: byTime.get(time) }));
  const known = points.filter((p) => p.at?.turnout.percent !== null && p.at?.turnout.percent !== undefined);
  const highest = Math.max(0, ...known.map((p) => p.at?.turnout.percent ?? 0));
  const step = highest <= 40 ? 10 : 20;
  const top = Math.min(100, Math.max(20, Math.ceil(highest / step) * step));
  const x = (i: number) => PAD.left + (times.length <= 1 ? 0 : ((W - PAD.left - PAD.right) * i) / (times.length - 1));
  const y = (pct: number) => H - PAD.bottom - ((H - PAD.top - PAD.bottom) * pct) / top;
  const ticks = Array.from({ length: Math.floor(top / step) + 1 }, (_, i) => i * step);
  const path = points
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.at?.turnout.percent != null)
    .map(({ p, i }, k) => `${k === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.at?.turnout.percent ?? 0).toFixed(1)}`)
    .join(' ');
  const summary =
    known.length === 0 ? t('turnoutChartEmpty') : t('turnoutChartLabel', { points: known.map((p) => `${p.time} ${fmtPct(p.at?.turnout.percent)}`).join(', ') });

  return (
    <figure class="chart turnout-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} data-testid="turnout-chart">
        <title>{summary}</title>
        {ticks.map((tick) => (
          <g key={tick} class="grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(tick)} y2={y(tick)} />
            <text x={PAD.left - 6} y={y(tick) + 4} text-anchor="end">
              {fmtPctShort(tick)}
            </text>
          </g>
        ))}
        {times.map((time, i) => (
          <text key={time} class="axis" x={x(i)} y={H - 10} text-anchor="middle">
            {time}
          </text>
        ))}
        {path && <path class="line" d={path} />}
        {points.map((p, i) =>
          p.at?.turnout.percent != null ? (
            <g key={p.time} data-time={p.time}>
              <title>
                {t('turnoutPoint', { time: p.time, p: fmtPct(p.at.turnout.percent), issued: fmtInt(p.at.ballotsIssued), registered: fmtInt(p.at.registeredVoters), precincts: xOfY(p.at.precinctsReported, contest.precincts.expected) })}
              </title>
              <circle class="dot" cx={x(i)} cy={y(p.at.turnout.percent)} r={4.5} />
              <text class="value" x={x(i)} y={y(p.at.turnout.percent) - 10} text-anchor="middle">
                {fmtPct(p.at.turnout.percent)}
              </text>
            </g>
          ) : null,
        )}
      </svg>
      {known.length > 0 && (
        <figcaption data-testid="turnout-note">
          {t('turnoutChartNote', { points: known.map((p) => `${p.time} ${xOfY(p.at?.precinctsReported ?? 0, contest.precincts.expected)}`).join(', ') })}
        </figcaption>
      )}
      <div class="visually-hidden"><table>
        <caption>{t('turnoutByHour')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('time')}</th>
            <th scope="col">{t('turnout')}</th>
            <th scope="col">{t('precinctsReported')}</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.time}>
              <th scope="row">{p.time}</th>
              <td>{fmtPct(p.at?.turnout.percent ?? null)}</td>
              <td>{fmtInt(p.at?.precinctsReported ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table></div>
    </figure>
  );
}
