// Single-member districts under the commission: who leads (or what blocks a result), with the
// share of valid votes and how many of the district's precincts here have reported.
import type { ElectionDetail, SingleMemberResults } from '../api';
import { fmtPct, nameOf, t, type Key } from '../i18n';
import { xOfY } from './progress';

export function DistrictsTable({ contests, election }: { readonly contests: readonly SingleMemberResults[]; readonly election: ElectionDetail }) {
  const candidate = (id: string) => election.candidates.find((c) => c.id === id);
  const partyName = (id: string | null) => (id === null ? t('selfNominated') : nameOf(election.lists.find((l) => l.id === id)?.name) || id);
  return (
    <div class="table-scroll">
      <table class="districts" data-testid="districts">
        <thead>
          <tr>
            <th scope="col">{t('district')}</th>
            <th scope="col">{t('leading')}</th>
            <th scope="col" class="num">
              {t('share')}
            </th>
            <th scope="col" class="num">
              {t('precinctsReported')}
            </th>
            <th scope="col">{t('status')}</th>
          </tr>
        </thead>
        <tbody>
          {contests.map((c) => {
            const leader = [...c.candidates].sort((a, b) => b.votes - a.votes)[0];
            const hasVotes = leader !== undefined && leader.votes > 0;
            const person = hasVotes ? candidate(leader.id) : undefined;
            return (
              <tr key={c.contestId}>
                <th scope="row">{nameOf(c.name)}</th>
                <td>
                  {person ? (
                    <>
                      {nameOf(person.name)} <span class="muted">({partyName(person.party)})</span>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td class="num">{hasVotes ? fmtPct(leader.share.percent) : '—'}</td>
                <td class="num">{xOfY(c.precincts.reported, c.precincts.expected)}</td>
                <td>{c.outcome ? t(`outcome.${c.outcome.kind}` as Key) : t('local')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
