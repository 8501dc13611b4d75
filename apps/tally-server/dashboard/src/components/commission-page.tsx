// One commission (any level): where it sits, how far the count has come, turnout, the party
// lists, the body's composition, the districts, and the commissions below it — live.
import { useEffect, useRef } from 'preact/hooks';
import type { BodyCompositionDto, CommissionPayload, ContestResultsDto, ElectionDetail, ListContestResults, SingleMemberResults } from '../api';
import { useBaseline, useMembers } from '../body-extras';
import { useElection } from '../election';
import { fmtDateTime, fmtPct, nameOf, t, type Key } from '../i18n';
import { useLiveCommission, type LiveStatus } from '../live';
import { commissionHref, onLinkClick } from '../router';
import { ChildrenList } from './children-list';
import { ClosestSeat } from './closest-seat';
import { DistrictsTable } from './districts-table';
import { EmbargoNotice } from './embargo-notice';
import { ForensicsPanel } from './forensics-panel';
import { HemicycleChart } from './hemicycle-chart';
import { ListBars } from './list-bars';
import { ProgressBar, xOfY } from './progress';
import { SeatExplanation } from './seat-explanation';
import { TurnoutChart } from './turnout-chart';

/**
 * The protocols' turnout. Before the first protocol (polling day itself) the only turnout there
 * is comes from the hourly reports: the card shows the latest of them, and says it is that, over
 * which precincts, and that the final figure comes with the protocols, rather than a bare dash.
 */
function TurnoutCard({ contest }: { readonly contest: ContestResultsDto }) {
  // turnoutByTime follows the election's reporting times, earliest first.
  const hourly = contest.turnout.percent === null ? contest.turnoutByTime.findLast((p) => p.precinctsReported > 0 && p.turnout.percent !== null) : undefined;
  return (
    <div class="card" data-testid="turnout">
      <h2>{t('turnout')}</h2>
      {hourly ? (
        <>
          <p class="figure">{fmtPct(hourly.turnout.percent)}</p>
          <p class="muted" data-testid="turnout-source">
            {t('turnoutFromHourly', { time: hourly.time, precincts: xOfY(hourly.precinctsReported, contest.precincts.expected) })}
          </p>
        </>
      ) : (
        <>
          <p class="figure">{fmtPct(contest.turnout.percent)}</p>
          <p class="muted">{t('ballotsIssuedOf', { issued: contest.ballotsIssued.total, registered: contest.registeredVotersReported })}</p>
        </>
      )}
    </div>
  );
}

export function CommissionPage({ electionId, commissionId }: { readonly electionId: string; readonly commissionId: string | undefined }) {
  const entry = useElection(electionId);
  const election = entry.state === 'ready' ? entry.election : undefined;
  const cid = commissionId ?? election?.rootCommissionId;
  const live = useLiveCommission(electionId, cid);

  if (entry.state === 'error') return <p role="alert">{t('notFound', { what: entry.message })}</p>;
  if (live.error) return <p role="alert">{t('notFound', { what: live.error })}</p>;
  if (!election || !live.payload) {
    return (
      <>
        <p class="loading" aria-busy="true">
          {t('loading')}
        </p>
        {/* Refused before the first figures (a full server): say so, rather than load forever. */}
        {(live.status === 'reconnecting' || live.status === 'offline') && <LiveIndicator status={live.status} retry={live.retry} />}
      </>
    );
  }
  return <Commission election={election} payload={live.payload} status={live.status} retry={live.retry} />;
}

function Commission({ election, payload, status, retry }: { election: ElectionDetail; payload: CommissionPayload; status: LiveStatus; retry: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  const id = payload.commission.id;
  useEffect(() => {
    document.title = `${nameOf(payload.commission.name)} — ${nameOf(election.name)} — Tally`;
  });
  useEffect(() => {
    // After a drill-down, start keyboard and screen-reader users at the new heading.
    if (!first.current) heading.current?.focus();
    first.current = false;
  }, [id]);

  // Under the embargo the public payload holds turnout and progress only (`embargoed: true`).
  const results = payload.contests.filter((c): c is ContestResultsDto => !('embargoed' in c));
  const lists = results.filter((c): c is ListContestResults => c.kind === 'list');
  const districts = results.filter((c): c is SingleMemberResults => c.kind === 'single-member');
  const main = lists[0] ?? payload.contests[0];
  // Seats exist where a commission's figures decide them: a body's composition shows only where one
  // of its contests is at its allocating scope here (never on a precinct's part of a contest).
  const bodies = payload.bodies.filter((b) => results.some((c) => c.scope.kind === 'allocating' && election.contests.find((k) => k.id === c.contestId)?.body === b.bodyId));

  return (
    <>
      <nav aria-label={t('youAreHere')} class="breadcrumbs">
        <ol>
          {payload.commission.path.map((c) => (
            <li key={c.id}>
              <a href={commissionHref(payload.electionId, c.id)} onClick={onLinkClick}>
                {nameOf(c.name)}
              </a>
            </li>
          ))}
          <li>
            <span aria-current="page">{nameOf(payload.commission.name)}</span>
          </li>
        </ol>
      </nav>

      <div class="title-row">
        <div>
          <p class="level">{t(`level.${payload.commission.level}` as Key)}</p>
          <h1 ref={heading} tabIndex={-1} data-testid="commission-name">
            {nameOf(payload.commission.name)}
          </h1>
        </div>
        <LiveIndicator status={status} retry={retry} />
      </div>
      <p class="as-of" data-testid="as-of">
        {payload.position === null || payload.recordedAt === null
          ? t('nothingYet')
          : t('asOf', { time: fmtDateTime(payload.recordedAt, election.timeZone), position: payload.position })}
      </p>

      {payload.test && (
        <p class="test-banner" role="note" data-testid="test-banner">
          {t('testMode')}
        </p>
      )}

      {payload.resultsNotBefore !== undefined && (
        <EmbargoNotice until={payload.resultsNotBefore} embargoed={payload.embargoed === true} timeZone={election.timeZone} />
      )}

      <section class="cards" aria-label={t('precinctsReported')}>
        <div class="card" data-testid="precincts-reported">
          <h2>{t('precinctsReported')}</h2>
          <p class="figure">{xOfY(payload.progress.precincts.reported, payload.progress.precincts.expected)}</p>
          <ProgressBar reported={payload.progress.precincts.reported} expected={payload.progress.precincts.expected} />
        </div>
        {main && <TurnoutCard contest={main} />}
        <div class="card" data-testid="protocols-received">
          <h2>{t('protocolsReceived')}</h2>
          <p class="figure">{xOfY(payload.progress.protocols.reported, payload.progress.protocols.expected)}</p>
          <ProgressBar reported={payload.progress.protocols.reported} expected={payload.progress.protocols.expected} />
        </div>
      </section>

      {main && (
        <section aria-labelledby="turnout-h">
          <h2 id="turnout-h">{t('turnoutByHour')}</h2>
          <TurnoutChart contest={main} times={election.turnoutTimes} />
        </section>
      )}

      {lists.map((c) => (
        <ListSection key={c.contestId} contest={c} election={election} precinct={payload.commission.level === 'precinct'} />
      ))}

      {bodies.map((b) => (
        <BodySection key={b.bodyId} body={b} election={election} />
      ))}

      {districts.length > 0 && (
        <section aria-labelledby="districts-h">
          <h2 id="districts-h">{t('districts')}</h2>
          <DistrictsTable contests={districts} election={election} />
        </section>
      )}

      {payload.children.length > 0 && (
        <section aria-labelledby="children-h">
          <h2 id="children-h">{t('children')}</h2>
          <ChildrenList payload={payload} />
        </section>
      )}
    </>
  );
}

function ListSection({ contest, election, precinct }: { contest: ListContestResults; election: ElectionDetail; precinct: boolean }) {
  const allocating = contest.scope.kind === 'allocating';
  const bodyId = election.contests.find((k) => k.id === contest.contestId)?.body;
  const compared = allocating && election.bodies.some((b) => b.id === bodyId && b.hasBaseline);
  // The comparison is of the contest's own shares: only at its allocating scope, and only where the definition names a baseline.
  const comparison = useBaseline(election.id, compared ? bodyId : undefined, contest);
  return (
    <section aria-labelledby={`list-${contest.contestId}`}>
      <h2 id={`list-${contest.contestId}`}>
        {t('listResults')}: {nameOf(contest.name)} <StatusBadge status={contest.status} />
      </h2>
      <ListBars contest={contest} election={election} comparison={compared ? comparison : undefined} />
      {allocating && <ClosestSeat contest={contest} election={election} />}
      {allocating && <SeatExplanation contest={contest} election={election} />}
      {!precinct && <ForensicsPanel contest={contest} election={election} />}
    </section>
  );
}

function BodySection({ body, election }: { body: BodyCompositionDto; election: ElectionDetail }) {
  const members = useMembers(election.id, body.bodyId, body);
  return (
    <section aria-labelledby={`body-${body.bodyId}`}>
      <h2 id={`body-${body.bodyId}`}>
        {t('composition')}: {nameOf(body.name)} <StatusBadge status={body.status} />
      </h2>
      <HemicycleChart body={body} election={election} members={members} />
    </section>
  );
}

function LiveIndicator({ status, retry }: { status: LiveStatus; retry: () => void }) {
  return (
    <div class={`live live-${status}`} data-testid="live-status">
      <span class="live-dot" aria-hidden="true" />
      <span role="status">{t(status)}</span>
      {status === 'offline' && (
        <button type="button" onClick={retry}>
          {t('reconnect')}
        </button>
      )}
    </div>
  );
}

/** How final the figures beside it are (the API's `status`): provisional, summarized, certified. */
function StatusBadge({ status }: { status: ContestResultsDto['status'] }) {
  if (status === undefined) return null;
  return (
    <span class={`status-badge status-${status}`} data-testid="figure-status">
      {t(`status.${status}` as Key)}
    </span>
  );
}
