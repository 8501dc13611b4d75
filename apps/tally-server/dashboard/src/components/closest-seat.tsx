// The closest seats of a list contest, at its allocating scope only: the list fewest votes from a
// seat more, and the one fewest votes from a seat less, as the API's sensitivity says (the
// domain's exact search; nothing is computed here). Refetched whenever the contest's figures change.
import { useEffect, useState } from 'preact/hooks';
import { fetchSensitivity, type ElectionDetail, type ListContestResults, type SensitivityDto } from '../api';
import { nameOf, t } from '../i18n';

type Row = { readonly id: string; readonly n: number };

/** The list with the fewest votes to go, ties to the earlier on the ballot (the map keeps ballot order). */
function closest(s: SensitivityDto, pick: 'gainOne' | 'loseOne'): Row | undefined {
  let best: Row | undefined;
  for (const [id, l] of Object.entries(s.sensitivity ?? {})) {
    const n = l[pick];
    if (n !== null && (best === undefined || n < best.n)) best = { id, n };
  }
  return best;
}

export function ClosestSeat({ contest, election }: { readonly contest: ListContestResults; readonly election: ElectionDetail }) {
  const [sensitivity, setSensitivity] = useState<SensitivityDto | undefined>(undefined);
  // Before the first list vote every list is "1 vote from a seat more" (one vote alone would take
  // every seat): true, and no news; the first named on the ballot would read as favoured.
  const counted = contest.lists.some((l) => l.votes > 0);
  useEffect(() => {
    // A live frame replaces the contest object when its figures change: that is the moment to ask again.
    if (!counted) return setSensitivity(undefined);
    const abort = new AbortController();
    fetchSensitivity(election.id, contest.commissionId, contest.contestId, abort.signal).then(setSensitivity, () => setSensitivity(undefined));
    return () => abort.abort();
  }, [contest, election.id, counted]);

  if (!counted || !sensitivity?.sensitivity) return null;
  const listName = (id: string) => nameOf(election.lists.find((l) => l.id === id)?.name) || id;
  const gain = closest(sensitivity, 'gainOne');
  const lose = closest(sensitivity, 'loseOne');
  if (!gain && !lose) return null;
  return (
    <div class="closest-seat" data-testid={`closest-seat-${contest.contestId}`}>
      <h3>{t('closestSeat')}</h3>
      <ul>
        {gain && <li data-field="gain">{t('closestGain', { list: listName(gain.id), n: gain.n })}</li>}
        {lose && <li data-field="lose">{t('closestLose', { list: listName(lose.id), n: lose.n })}</li>}
      </ul>
      <p class="note">{t('closestNote')}</p>
    </div>
  );
}
