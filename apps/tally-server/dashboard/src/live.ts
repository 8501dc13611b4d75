// One commission's figures, live: an EventSource on the commission's SSE endpoint. The browser
// reconnects by itself and sends Last-Event-ID (the store position of the last frame), so the
// server resumes without gap or duplicate; this hook only folds frames and reports the state.
import { useEffect, useState } from 'preact/hooks';
import { applyFrame, ApiError, eventsUrl, fetchCommission, type CommissionPayload, type FrameData } from './api';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveState {
  readonly payload: CommissionPayload | undefined;
  readonly status: LiveStatus;
  /** Set when the commission cannot be shown at all (unknown id). */
  readonly error: string | undefined;
  /** Opens a new connection after the browser gave up (status `offline`). */
  readonly retry: () => void;
}

export function useLiveCommission(electionId: string, commissionId: string | undefined): LiveState {
  const [payload, setPayload] = useState<CommissionPayload | undefined>(undefined);
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [error, setError] = useState<string | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    setError(undefined);
    setStatus('connecting');
    if (!commissionId) return;
    const source = new EventSource(eventsUrl(electionId, commissionId));
    const onFrame = (e: MessageEvent<string>) => {
      const frame = JSON.parse(e.data) as FrameData;
      setPayload((current) => applyFrame(current, frame));
      setStatus('live');
    };
    source.addEventListener('snapshot', onFrame);
    source.addEventListener('results', onFrame);
    source.addEventListener('reset', onFrame);
    source.onopen = () => setStatus('live');
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED) {
        setStatus('reconnecting');
        return;
      }
      // The server refused the stream (e.g. 404): ask the plain endpoint why, to say so.
      setStatus('offline');
      fetchCommission(electionId, commissionId).then(
        () => undefined,
        (e: unknown) => {
          if (e instanceof ApiError && e.status === 404) setError(e.message);
        },
      );
    };
    return () => source.close();
  }, [electionId, commissionId, attempt]);

  // Figures of another commission must not show under this one's heading.
  useEffect(() => setPayload(undefined), [electionId, commissionId]);

  return { payload: payload && payload.commission.id === commissionId ? payload : undefined, status, error, retry: () => setAttempt((n) => n + 1) };
}
