// The page shell: skip link, header (home, election, language), and the routed page.
import { useEffect, useState } from 'preact/hooks';
import { fetchLatestHead, type SignedTreeHead } from './api';
import { useElection } from './election';
import { fmtDateTime, LANGS, lang, languageNameOf, nameOf, t } from './i18n';
import { electionHref, onLinkClick, route } from './router';
import { CommissionPage } from './components/commission-page';
import { ElectionsPage } from './components/elections-page';

export function App() {
  const r = route.value;
  return (
    <>
      <a class="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header class="site-header">
        <nav class="site-nav" aria-label="Tally">
          <a class="brand" href="/" onClick={onLinkClick}>
            Tally
          </a>
          <a href="/" onClick={onLinkClick}>
            {t('elections')}
          </a>
          {r.page === 'commission' && <ElectionLink electionId={r.electionId} />}
        </nav>
        <LanguageSwitch />
      </header>
      {r.page === 'commission' && <DemoBanner electionId={r.electionId} />}
      <main id="main" tabIndex={-1}>
        {r.page === 'elections' && <ElectionsPage />}
        {r.page === 'commission' && <CommissionPage key={r.electionId} electionId={r.electionId} commissionId={r.commissionId} />}
        {r.page === 'not-found' && <p role="alert">{t('notFound', { what: r.path })}</p>}
      </main>
      <LogFooter />
    </>
  );
}

const LOG_POLL_MS = 10_000;

/** The latest signed tree head, so a viewer can note it and check it later (tally audit verify --head). */
function LogFooter() {
  const [head, setHead] = useState<SignedTreeHead | undefined>(undefined);
  useEffect(() => {
    const abort = new AbortController();
    // A head is signed at least every 10 s while events arrive: poll at that pace.
    const load = () => fetchLatestHead(abort.signal).then(setHead, () => undefined);
    void load();
    const timer = setInterval(load, LOG_POLL_MS);
    return () => {
      clearInterval(timer);
      abort.abort();
    };
  }, []);
  return (
    <footer class="site-footer" data-testid="log-head">
      {head ? (
        <span title={head.rootHash}>{t('logHead', { size: head.treeSize, root: head.rootHash.slice(0, 12), time: fmtDateTime(head.timestamp, undefined) })}</span>
      ) : (
        t('logNoHead')
      )}
    </footer>
  );
}

function ElectionLink({ electionId }: { electionId: string }) {
  const entry = useElection(electionId);
  if (entry.state !== 'ready') return null;
  return (
    <a href={electionHref(electionId)} onClick={onLinkClick} class="election-name">
      {nameOf(entry.election.name)}
    </a>
  );
}

/** A demo election's keys are derived from public seeds: say so above every figure. */
function DemoBanner({ electionId }: { electionId: string }) {
  const entry = useElection(electionId);
  if (entry.state !== 'ready' || !entry.election.demo) return null;
  return (
    <p class="demo-banner" role="note" data-testid="demo-banner">
      {t('demoElection')}
    </p>
  );
}

function LanguageSwitch() {
  return (
    <div class="lang-switch" role="group" aria-label={t('language')}>
      {LANGS.map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={lang.value === l} onClick={() => (lang.value = l)} data-lang={l}>
          {languageNameOf(l)}
        </button>
      ))}
    </div>
  );
}
