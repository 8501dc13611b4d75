// The commissions directly below this one, as links for drill-down, each with its reporting progress.
import type { CommissionPayload } from '../api';
import { nameOf, t } from '../i18n';
import { commissionHref, onLinkClick } from '../router';
import { ProgressBar, xOfY } from './progress';

export function ChildrenList({ payload }: { readonly payload: CommissionPayload }) {
  return (
    <ul class="children" data-testid="children">
      {payload.children.map((c) => {
        return (
          <li key={c.id} data-commission={c.id}>
            <a href={commissionHref(payload.electionId, c.id)} onClick={onLinkClick}>
              {nameOf(c.name)}
            </a>
            <span class="child-progress">
              <ProgressBar reported={c.precincts.reported} expected={c.precincts.expected} />
              <span>
                {t('precinctsReported')}: {xOfY(c.precincts.reported, c.precincts.expected)}
              </span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
