// The results embargo as the viewer meets it: until when results are withheld, a countdown, and
// after the instant a line saying since when they are public. The server pushes the results at
// the instant; the countdown is only this page's clock, never the authority.
import { useEffect, useState } from 'preact/hooks';
import { fmtDateTime, t } from '../i18n';

export function EmbargoNotice({ until, embargoed, timeZone }: { until: string; embargoed: boolean; timeZone: string }) {
  const [now, setNow] = useState(() => Date.now());
  const at = Date.parse(until);
  useEffect(() => {
    if (!embargoed) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [embargoed]);
  if (!embargoed) {
    return (
      <p class="embargo embargo-lifted" data-testid="embargo">
        {t('embargoLifted', { time: fmtDateTime(until, timeZone) })}
      </p>
    );
  }
  return (
    <div class="embargo" role="status" data-testid="embargo">
      <p>{t('embargoed', { time: fmtDateTime(until, timeZone) })}</p>
      <p class="embargo-countdown" data-testid="embargo-countdown">
        {t('embargoCountdown', { left: countdown(at - now) })}
      </p>
    </div>
  );
}

/** h:mm:ss (or d h:mm:ss), never negative: past the instant the server's snapshot takes over. */
function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(s / 86_400);
  const hms = `${Math.floor((s % 86_400) / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return d > 0 ? `${d}d ${hms}` : hms;
}
