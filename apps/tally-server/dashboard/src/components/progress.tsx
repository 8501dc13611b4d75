// A reporting-progress figure: "x of y" with a bar. The text carries the meaning; the bar is decoration.
import { fmtInt, t } from '../i18n';

export function ProgressBar({ reported, expected }: { readonly reported: number; readonly expected: number }) {
  const pct = expected === 0 ? 0 : (100 * reported) / expected;
  return (
    <span class="progress" aria-hidden="true">
      <span class="progress-fill" style={{ width: `${pct}%` }} />
    </span>
  );
}

export const xOfY = (x: number, y: number): string => t('xOfY', { x: fmtInt(x), y: fmtInt(y) });
