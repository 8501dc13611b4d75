// Why each seat went where it did, at a list contest's allocating scope only: opened on demand,
// it shows the API's explanation (the quota and remainders, or the divisor table), the order the
// seats were won in, and the precincts whose protocols make the votes, page by page. Nothing is
// computed here: every figure is the API's, refetched when the contest's figures change.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { fetchExplanation, type ElectionDetail, type ExplanationDto, type ListContestResults } from '../api';
import { fmtDec, fmtInt, nameOf, shown, t, type Key } from '../i18n';
import { useOnDemand } from '../on-demand';

type Explained = NonNullable<ExplanationDto['explanation']>;

export function SeatExplanation({ contest, election }: { readonly contest: ListContestResults; readonly election: ElectionDetail }) {
  const [open, setOpen] = useState(false);
  const [offset, setOffset] = useState(0);
  const { data, error } = useOnDemand<ExplanationDto>(open, (signal) => fetchExplanation(election.id, contest.commissionId, contest.contestId, offset, signal), [offset, contest, election.id]);

  const listName = (id: string) => nameOf(election.lists.find((l) => l.id === id)?.name) || id;
  const panelId = `explanation-${contest.contestId}`;
  return (
    <div class="explanation" data-testid={panelId}>
      <button type="button" class="disclosure" aria-expanded={open} aria-controls={`${panelId}-body`} data-testid="explain-seats" onClick={() => setOpen(!open)}>
        {open ? t('hideExplanation') : t('explainSeats')}
      </button>
      {open && (
        <div id={`${panelId}-body`} class="explanation-body">
          {error && <p role="alert">{error}</p>}
          {!data && !error && <p aria-busy="true">{t('loading')}</p>}
          {data && (
            <>
              <p class="note">{t('explanationNote')}</p>
              <p data-field="method">{t(`method.${data.method}` as Key)}</p>
              {data.explanation ? <Table e={data.explanation} listName={listName} /> : <p>{t('notAllocated', { reason: data.unavailable ?? '' })}</p>}
              {data.explanation && <Ranking e={data.explanation} listName={listName} />}
              <Precincts data={data} listName={listName} setOffset={setOffset} />
            </>
          )}
        </div>
      )}
    </div>
  );
}

/** Right-aligned column headings, one per label. */
function NumberHeads({ labels }: { readonly labels: readonly string[] }) {
  return (
    <>
      {labels.map((label, i) => (
        <th scope="col" class="num" key={i}>
          {label}
        </th>
      ))}
    </>
  );
}

/** One row per list: its name, then the cells the table gives it. */
function ListTable<L extends { readonly id: string }>(props: {
  readonly testId: string;
  readonly heads: readonly string[];
  readonly lists: readonly L[];
  readonly listName: (id: string) => string;
  readonly cells: (l: L) => ComponentChildren;
}) {
  return (
    <table class="districts" data-testid={props.testId}>
      <thead>
        <tr>
          <th scope="col">{t('party')}</th>
          <NumberHeads labels={props.heads} />
        </tr>
      </thead>
      <tbody>
        {props.lists.map((l) => (
          <tr key={l.id} data-list={l.id}>
            <th scope="row">{props.listName(l.id)}</th>
            {props.cells(l)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Table({ e, listName }: { readonly e: Explained; readonly listName: (id: string) => string }) {
  if (e.kind === 'largest-remainder') {
    return (
      <div class="table-scroll">
        <p data-field="quota">{t('quotaLine', { quota: e.quota.value === null ? fmtDec(null) : shown(e.quota.value, fmtDec(e.quota.value)), votes: e.quotaVotes, seats: e.seats })}</p>
        <ListTable
          testId="remainder-table"
          heads={[t('votes'), t('quotaSeats'), t('remainder'), t('remainderSeats'), t('seats')]}
          lists={e.lists}
          listName={listName}
          cells={(l) => (
            <>
              <td class="num">{fmtInt(l.votes)}</td>
              <td class="num">{l.quotaSeats ?? '—'}</td>
              <td class="num">{l.remainder ? fmtDec(l.remainder.value) : t('notAdmitted')}</td>
              <td class="num">{l.remainderSeats}</td>
              <td class="num" data-field="seats">{l.seats}</td>
            </>
          )}
        />
      </div>
    );
  }
  return (
    <div class="table-scroll">
      <p data-field="cut">{t('divisorLine', { last: fmtDec(e.lastWinning?.value ?? null), next: fmtDec(e.firstLosing?.value ?? null) })}</p>
      <ListTable
        testId="divisor-table"
        heads={[...e.divisors.map((d) => `÷${d}`), t('seats')]}
        lists={e.lists}
        listName={listName}
        cells={(l) => (
          <>
            {e.divisors.map((d, j) => {
              const q = l.quotients[j];
              return (
                <td class={`num${q?.seatRank ? ' won' : ''}`} key={d}>
                  {q ? fmtDec(q.quotient.value) : ''}
                  {q?.seatRank ? <sup>{q.seatRank}</sup> : null}
                </td>
              );
            })}
            <td class="num" data-field="seats">{l.seats}</td>
          </>
        )}
      />
    </div>
  );
}

function Ranking({ e, listName }: { readonly e: Explained; readonly listName: (id: string) => string }) {
  return (
    <>
      <h4>{t('seatOrder')}</h4>
      <ol class="seat-ranking" data-testid="seat-ranking">
        {e.ranking.map((s) => (
          <li key={s.rank} data-list={s.list}>
            {t('seatRankItem', { list: listName(s.list), n: s.ofList })} · {t(`stage.${s.stage}` as Key, { by: fmtDec(s.by?.value ?? null) })}
          </li>
        ))}
      </ol>
    </>
  );
}

function Precincts({ data, listName, setOffset }: { readonly data: ExplanationDto; readonly listName: (id: string) => string; readonly setOffset: (n: number) => void }) {
  const page = data.protocols;
  const ids = data.lists.map((l) => l.id);
  const from = page.precincts.length === 0 ? 0 : page.offset + 1;
  return (
    <>
      <h4>{t('precinctsBehind', { total: fmtInt(page.total) })}</h4>
      <div class="table-scroll">
        <table class="districts" data-testid="explanation-precincts">
          <thead>
            <tr>
              <th scope="col">{t('precinct')}</th>
              <th scope="col" class="num">{t('version')}</th>
              <NumberHeads labels={ids.map(listName)} />
              <th scope="col" class="num">{t('againstAll')}</th>
            </tr>
          </thead>
          <tbody>
            {page.precincts.map((p) => (
              <tr key={p.precinctId} data-precinct={p.precinctId}>
                <th scope="row">{p.precinctId}</th>
                <td class="num">{p.version}</td>
                {ids.map((id) => (
                  <td class="num" key={id}>
                    {fmtInt(p.votes[id] ?? 0)}
                  </td>
                ))}
                <td class="num">{fmtInt(p.againstAll)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="pager">
        <button type="button" disabled={page.offset === 0} onClick={() => setOffset(Math.max(0, page.offset - page.limit))}>
          {t('previous')}
        </button>
        <span>{t('pageOf', { from: fmtInt(from), to: fmtInt(page.offset + page.precincts.length), total: fmtInt(page.total) })}</span>
        <button type="button" disabled={page.next === null} onClick={() => page.next !== null && setOffset(page.next)}>
          {t('next')}
        </button>
      </p>
    </>
  );
}
