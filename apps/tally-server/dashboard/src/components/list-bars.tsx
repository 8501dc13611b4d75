// Party-list results: one bar per list (share of the contest's base), the threshold as a line
// across them, a certainty badge per list (certainly in / out / undecided given the voters still
// outstanding, as the API judges it) and the provisional seats. Against-all counts in the base
// and takes no seat: its bar is grey and has no badge. Below the contest's allocating scope the
// API gives no threshold status and no seats (they exist for the whole contest only): each list
// shows instead its contribution, labelled local.
import type { BaselineComparisonDto, ElectionDetail, ListContestResults } from '../api';
import { listColour } from '../election';
import { fmtDate, fmtInt, fmtPct, fmtPctShort, fmtPoints, fmtSigned, nameOf, t, type Key } from '../i18n';

type Certainty = 'certainly-in' | 'certainly-out' | 'undecided';

export function CertaintyBadge({ certainty }: { readonly certainty: Certainty }) {
  return <span class={`badge badge-${certainty}`}>{t(`certainty.${certainty}` as Key)}</span>;
}

/**
 * `comparison`: the body against its last election (previous share, swing, seat change beside each
 * bar), only at the allocating scope, where the shares are the contest's own.
 */
export function ListBars({ contest, election, comparison }: { readonly contest: ListContestResults; readonly election: ElectionDetail; readonly comparison?: BaselineComparisonDto }) {
  const compared = new Map((comparison?.lists ?? []).map((l) => [l.list, l]));
  const listName = (id: string) => nameOf(election.lists.find((l) => l.id === id)?.name) || id;
  const ballot = new Map(contest.lists.map((l, i) => [l.id, i]));
  const rows = [...contest.lists].sort((a, b) => b.votes - a.votes || (ballot.get(a.id) ?? 0) - (ballot.get(b.id) ?? 0));
  const shares = [...rows.map((r) => r.share.percent ?? 0), contest.againstAllShare.percent ?? 0, contest.thresholdPercent];
  const top = Math.max(10, Math.ceil(Math.max(...shares) / 10) * 10);
  const at = (pct: number | null) => `${(100 * (pct ?? 0)) / top}%`;
  const threshold = fmtPctShort(contest.thresholdPercent);
  const hasAgainstAll = contest.baseKind !== 'list-votes' || contest.againstAll > 0;
  const local = contest.scope.kind === 'local';
  const status = (r: (typeof rows)[number]) => (r.threshold ? t(`certainty.${r.threshold}` as Key) : `${t('local')}: ${t('contributionOf', { p: fmtPct(r.contribution?.percent ?? null) })}`);
  const summary = t('barsChartLabel', {
    contest: nameOf(contest.name),
    rows: rows
      .map((r) => {
        const c = compared.get(r.id);
        const swing = c ? `, ${t('previousShare')} ${fmtPct(c.previousShare?.percent)}, ${t('swing')} ${fmtPoints(c.swingPoints)}, ${t('seatChange')} ${fmtSigned(c.seatChange)}` : '';
        return `${listName(r.id)} ${fmtPct(r.share.percent)}, ${status(r)}${r.seats !== null ? `, ${t('seats')} ${r.seats}` : ''}${swing}`;
      })
      .join('; '),
    p: threshold,
  });

  return (
    <figure class={`chart list-bars${local ? ' local' : ''}${comparison ? ' with-baseline' : ''}`} data-testid={`list-bars-${contest.contestId}`} data-scope={contest.scope.kind}>
      <div role="img" aria-label={summary} class="bars">
        <div class="bars-head" aria-hidden="true">
          <span />
          <span class="threshold-label" style={{ left: at(contest.thresholdPercent) }}>
            {t('threshold')} {threshold}
          </span>
        </div>
        {/* The columns' names, for the eye (the table below names them for screen readers). */}
        <div class="bar-row bar-columns" aria-hidden="true" data-testid="bar-columns">
          <span class="bar-name" />
          <span class="bar-track-head" />
          <span class="bar-pct">{t('share')}</span>
          <span class="bar-votes">{t('votes')}</span>
          <span class="bar-badge">{local ? t('local') : t('status')}</span>
          {/* The list's seats; the change beside is the whole body's (the caption says so). */}
          {!local && <span class="bar-seats">{t('listSeats')}</span>}
          {comparison && (
            <>
              <span class="bar-previous" title={fmtDate(comparison.baseline.date)}>
                {t('previousShare')}
              </span>
              <span class="bar-swing">{t('swing')}</span>
              <span class="bar-seat-change">{t('seatChange')}</span>
            </>
          )}
        </div>
        {rows.map((r) => (
          <div class="bar-row" key={r.id} data-list={r.id}>
            <span class="bar-name">{listName(r.id)}</span>
            <span class="bar-track">
              <span class="bar" style={{ width: at(r.share.percent), background: listColour(election, r.id) }} />
              <span class="threshold-line" style={{ left: at(contest.thresholdPercent) }} />
            </span>
            <span class="bar-pct" data-field="share">{fmtPct(r.share.percent)}</span>
            <span class="bar-votes" data-field="votes">{fmtInt(r.votes)}</span>
            <span class="bar-badge">
              {r.threshold ? (
                <>
                  <CertaintyBadge certainty={r.threshold} />
                  {r.threshold !== 'certainly-in' && r.admission === 'certainly-admitted' && <span class="note">{t('runnerUp')}</span>}
                </>
              ) : (
                <span class="note" data-field="contribution">
                  {t('contributionOf', { p: fmtPct(r.contribution?.percent ?? null) })}
                </span>
              )}
            </span>
            {!local && (
              <span class="bar-seats" data-field="seats">
                {r.seats ?? '—'}
              </span>
            )}
            {comparison && (
              <>
                <span class="bar-previous" data-field="previous-share">{fmtPct(compared.get(r.id)?.previousShare?.percent)}</span>
                <span class="bar-swing" data-field="swing">{fmtPoints(compared.get(r.id)?.swingPoints)}</span>
                <span class="bar-seat-change" data-field="seat-change">{fmtSigned(compared.get(r.id)?.seatChange)}</span>
              </>
            )}
          </div>
        ))}
        {hasAgainstAll && (
          <div class="bar-row against-all" data-list="against-all">
            <span class="bar-name">{t('againstAll')}</span>
            <span class="bar-track">
              <span class="bar" style={{ width: at(contest.againstAllShare.percent) }} />
              <span class="threshold-line" style={{ left: at(contest.thresholdPercent) }} />
            </span>
            <span class="bar-pct">{fmtPct(contest.againstAllShare.percent)}</span>
            <span class="bar-votes">{fmtInt(contest.againstAll)}</span>
            <span class="bar-badge" />
            {!local && <span class="bar-seats" />}
            {comparison && (
              <>
                <span />
                <span />
                <span />
              </>
            )}
          </div>
        )}
      </div>
      <figcaption>
        {t('thresholdNote', { p: threshold, base: t(`base.${contest.baseKind}` as Key) })}
        {local && <span data-field="local-note"> {t('localNote')}</span>}
        {comparison && (
          <span data-field="baseline-note">
            {' '}
            {t('comparedWith', { name: nameOf(comparison.baseline.name), date: fmtDate(comparison.baseline.date) })}
          </span>
        )}
        {comparison && comparison.turnout.changePoints !== null && (
          <span data-field="turnout-change">
            {' '}
            {t('turnout')}: {t('turnoutChange', { p: fmtPoints(comparison.turnout.changePoints), date: fmtDate(comparison.baseline.date) })}.
          </span>
        )}
      </figcaption>
      <div class="visually-hidden"><table>
        <caption>{nameOf(contest.name)}</caption>
        <thead>
          <tr>
            <th scope="col">{t('party')}</th>
            <th scope="col">{t('votes')}</th>
            <th scope="col">{t('share')}</th>
            <th scope="col">{t('status')}</th>
            {!local && <th scope="col">{t('listSeats')}</th>}
            {comparison && (
              <>
                <th scope="col">{t('previousShare')}</th>
                <th scope="col">{t('swing')}</th>
                <th scope="col">{t('seatChange')}</th>
              </>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <th scope="row">{listName(r.id)}</th>
              <td>{fmtInt(r.votes)}</td>
              <td>{fmtPct(r.share.percent)}</td>
              <td>{status(r)}</td>
              {!local && <td>{r.seats ?? '—'}</td>}
              {comparison && (
                <>
                  <td>{fmtPct(compared.get(r.id)?.previousShare?.percent)}</td>
                  <td>{fmtPoints(compared.get(r.id)?.swingPoints)}</td>
                  <td>{fmtSigned(compared.get(r.id)?.seatChange)}</td>
                </>
              )}
            </tr>
          ))}
          {hasAgainstAll && (
            <tr>
              <th scope="row">{t('againstAll')}</th>
              <td>{fmtInt(contest.againstAll)}</td>
              <td>{fmtPct(contest.againstAllShare.percent)}</td>
              <td />
              {!local && <td />}
              {comparison && (
                <>
                  <td />
                  <td />
                  <td />
                </>
              )}
            </tr>
          )}
        </tbody>
      </table></div>
    </figure>
  );
}
