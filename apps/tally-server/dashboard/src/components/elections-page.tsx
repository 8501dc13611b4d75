// Pick an election: every election the service knows, with its polling day and progress.
import { useEffect, useState } from 'preact/hooks';
import { fetchElections, type ElectionListItem } from '../api';
import { fmtDate, nameOf, t } from '../i18n';
import { electionHref, onLinkClick } from '../router';
import { xOfY } from './progress';

export function ElectionsPage() {
  const [elections, setElections] = useState<readonly ElectionListItem[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    const abort = new AbortController();
    fetchElections(abort.signal).then(setElections, (e: unknown) => {
      if (!abort.signal.aborted) setError(e instanceof Error ? e.message : String(e));
    });
    return () => abort.abort();
  }, []);
  useEffect(() => {
    document.title = `${t('elections')} — Tally`;
  });

  return (
    <>
      <h1 tabIndex={-1}>{t('chooseElection')}</h1>
      {error && <p role="alert">{error}</p>}
      {!elections && !error && <p aria-busy="true">{t('loading')}</p>}
      {elections?.length === 0 && <p>{t('noElections')}</p>}
      {elections && elections.length > 0 && (
        <ul class="elections" data-testid="elections">
          {elections.map((e) => (
            <li key={e.id}>
              <a href={electionHref(e.id)} onClick={onLinkClick}>
                {nameOf(e.name)}
              </a>
              <span class="muted">
                {t('pollingDay')}: {fmtDate(e.date)}
                {e.progress && (
                  <>
                    {' · '}
                    {t('precinctsReported')}: {xOfY(e.progress.precincts.reported, e.progress.precincts.expected)}
                  </>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
