// The body's provisional composition as a parliament chart: list seats + district seats per
// party in the lists' colours, independents in grey, seats not yet decided hollow at the right.
import type { BodyCompositionDto, BodyMembersDto, ElectionDetail } from '../api';
import { INDEPENDENT_COLOUR, listColour } from '../election';
import { hemicycleLayout } from '../hemicycle';
import { fmtInt, nameOf, t } from '../i18n';

interface Group {
  readonly key: string;
  readonly label: string;
  readonly colour: string | undefined;
  readonly listSeats: number;
  readonly districtSeats: number;
  readonly seats: number;
}

type Member = BodyMembersDto['members'][number];

export function HemicycleChart({ body, election, members }: { readonly body: BodyCompositionDto; readonly election: ElectionDetail; readonly members?: BodyMembersDto }) {
  const { composition, seatsTotal } = body;
  const partyName = (id: string) => nameOf(election.lists.find((l) => l.id === id)?.name) || id;
  const groups: Group[] = composition.parties
    .filter((p) => p.seats > 0)
    .map((p) => ({ key: p.party, label: partyName(p.party), colour: listColour(election, p.party), listSeats: p.listSeats, districtSeats: p.districtSeats, seats: p.seats }));
  if (composition.independents.length > 0) {
    const n = composition.independents.length;
    groups.push({ key: 'independent', label: t('independents'), colour: INDEPENDENT_COLOUR, listSeats: 0, districtSeats: n, seats: n });
  }
  const pending = Math.max(0, seatsTotal - groups.reduce((s, g) => s + g.seats, 0));
  if (pending > 0) groups.push({ key: 'pending', label: t('pendingSeats'), colour: undefined, listSeats: 0, districtSeats: 0, seats: pending });

  const layout = hemicycleLayout(seatsTotal);
  const owners = groups.flatMap((g) => Array.from({ length: g.seats }, () => g));
  // Each party's seats in its wedge: its list seats in rank order, then its districts (the API's order).
  const seated = groups.flatMap((g) => {
    const own = (members?.members ?? []).filter((m) => (g.key === 'independent' ? m.party === null : m.party === g.key));
    return Array.from({ length: g.seats }, (_, i): Member | undefined => own[i]);
  });
  const seatLabel = (m: Member): string =>
    m.seat.kind === 'list' ? t('listSeatOf', { party: partyName(m.seat.list), rank: m.candidate?.rank ?? m.seat.number }) : t('districtSeatOf', { district: m.seat.district });
  const seatTitle = (g: Group | undefined, m: Member | undefined): string =>
    m ? `${m.candidate ? nameOf(m.candidate.name) : t('unnamed')} — ${seatLabel(m)}${m.party ? ` (${partyName(m.party)})` : ''}` : (g?.label ?? t('pendingSeats'));
  const decided = seatsTotal - pending;
  const majority = members?.majority;
  const majorityText = majority
    ? `${t('majority', { n: majority.seats, y: majority.of })}. ${
        majority.largest === null
          ? t('majorityNone')
          : majority.heldBy !== null
            ? t('majorityHeld', { party: partyName(majority.heldBy), s: majority.largest.seats })
            : t('majorityLacking', { party: partyName(majority.largest.party), n: majority.lacking })
      }`
    : '';
  const summary = `${t('hemicycleLabel', {
    body: nameOf(body.name),
    y: seatsTotal,
    parts: groups.map((g) => `${g.label} ${fmtInt(g.seats)}`).join(', '),
  })}${majorityText ? ` ${majorityText}` : ''}`;

  return (
    <figure class="chart hemicycle" data-testid={`hemicycle-${body.bodyId}`}>
      <svg viewBox="-1.12 -1.12 2.24 1.2" role="img" aria-label={summary}>
        <title>{summary}</title>
        {layout.seats.map((s, i) => {
          const g = owners[i];
          const m = seated[i];
          return (
            <circle
              key={i}
              cx={s.x.toFixed(4)}
              cy={(-s.y).toFixed(4)}
              r={layout.seatRadius.toFixed(4)}
              class={g?.colour ? 'seat' : 'seat seat-pending'}
              fill={g?.colour ?? '#FFFFFF'}
              data-party={g?.key ?? 'pending'}
              data-candidate={m?.candidate?.id}
            >
              <title>{seatTitle(g, m)}</title>
            </circle>
          );
        })}
        {majority && (
          // Seats fill left to right, so the majority (more than half) is crossed at the middle.
          <g class="majority-line" data-testid={`majority-line-${body.bodyId}`} data-seats={majority.seats}>
            <line x1="0" y1="-0.3" x2="0" y2="-1.1" />
            <text x="0.025" y="-1.05" text-anchor="start">
              {fmtInt(majority.seats)}
            </text>
          </g>
        )}
        <text class="hemicycle-total" x="0" y="-0.03" text-anchor="middle">
          {fmtInt(decided)}/{fmtInt(seatsTotal)}
        </text>
      </svg>
      <ul class="legend" aria-hidden="true">
        {groups.map((g) => (
          <li key={g.key} data-party={g.key}>
            <span class={g.colour ? 'swatch' : 'swatch swatch-pending'} style={g.colour ? { background: g.colour } : undefined} />
            <span class="legend-name">{g.label}</span>
            <span class="legend-seats">
              {fmtInt(g.seats)}
              {g.key !== 'pending' && g.key !== 'independent' && g.districtSeats > 0 && (
                <span class="legend-split">
                  {' '}
                  ({fmtInt(g.listSeats)} + {fmtInt(g.districtSeats)})
                </span>
              )}
            </span>
          </li>
        ))}
      </ul>
      <figcaption>
        {t('seatsDecided', { x: decided, y: seatsTotal })}
        {majorityText && (
          <span class="majority-note" data-testid={`majority-${body.bodyId}`}>
            {majorityText}
          </span>
        )}
      </figcaption>
      <div class="visually-hidden"><table>
        <caption>
          {t('composition')}: {nameOf(body.name)}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('party')}</th>
            <th scope="col">{t('listSeats')}</th>
            <th scope="col">{t('districtSeats')}</th>
            <th scope="col">{t('total')}</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.key}>
              <th scope="row">{g.label}</th>
              <td>{g.key === 'pending' ? '' : fmtInt(g.listSeats)}</td>
              <td>{g.key === 'pending' ? '' : fmtInt(g.districtSeats)}</td>
              <td>{fmtInt(g.seats)}</td>
            </tr>
          ))}
        </tbody>
      </table></div>
      {members && (
        <div class="visually-hidden"><table data-testid={`members-${body.bodyId}`}>
          <caption>
            {t('members')}: {nameOf(body.name)}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('name')}</th>
              <th scope="col">{t('seat')}</th>
              <th scope="col">{t('party')}</th>
            </tr>
          </thead>
          <tbody>
            {members.members.map((m, i) => (
              <tr key={i} data-candidate={m.candidate?.id}>
                <th scope="row">{m.candidate ? nameOf(m.candidate.name) : t('unnamed')}</th>
                <td>{seatLabel(m)}</td>
                <td>{m.party ? partyName(m.party) : t('independents')}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
    </figure>
  );
}
