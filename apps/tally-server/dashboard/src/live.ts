// One commission's figures, live: an EventSource on the commission's SSE endpoint. The browser
// reconnects by itself and sends Last-Event-ID (the store position of the last frame), so the
// server resumes without gap or duplicate; this hook folds frames (a snapshot whole, then deltas:
// src/live/frame-delta.ts) and reports the state. A full server (503 SUBSCRIBERS_FULL), or one whose
// limit for this address is reached (429), is asked again after its Retry-After, not at once and not never.
import { useEffect, useState } from 'preact/hooks';
import { applyFrame, ApiError, eventsUrl, fetchCommission, PatchMismatchError, type CommissionPayload, type FrameData, type HeldPayload } from './api';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveState {
  readonly payload: CommissionPayload | undefined;
  readonly status: LiveStatus;
  /** Set when the commission cannot be shown at all (unknown id). */
  readonly error: string | undefined;
  /** Opens a new connection after the browser gave up (status `offline`). */
  readonly retry: () => void;
}

/** Without a usable Retry-After: the server's own default. */
const DEFAULT_RETRY_MS = 5000;

/**
 * How long to wait before asking a full server again: its Retry-After (seconds, or an HTTP date),
 * plus up to a quarter more at random so that the pages it refused together do not all come back
 * in the same instant.
 */
export function retryDelayMs(retryAfter: string | null, now: number, random: number): number {
  const value = retryAfter?.trim() ?? '';
  const asked = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  const base = Number.isFinite(asked) && asked > 0 ? Math.min(asked, 5 * 60_000) : DEFAULT_RETRY_MS;
  return Math.round(base * (1 + random / 4));
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
    const url = eventsUrl(electionId, commissionId);
    const source = new EventSource(url);
    // What this connection has folded: the browser's own reconnections resume from its last id.
    let held: HeldPayload | undefined;
    let probe: AbortController | undefined;
    let again: ReturnType<typeof setTimeout> | undefined;
    const reconnect = () => setAttempt((n) => n + 1);
    const onFrame = (e: MessageEvent<string>) => {
      try {
        held = applyFrame(held, e.lastEventId, JSON.parse(e.data) as FrameData);
      } catch (err) {
        if (!(err instanceof PatchMismatchError)) throw err;
        // A delta that does not follow what the page holds: start again from a snapshot.
        source.close();
        reconnect();
        return;
      }
      setPayload(held.payload);
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
      // The browser gave up: the server refused the stream, and EventSource does not say why. Ask
      // once more to learn it: a full server says when to come back.
      probe = new AbortController();
      fetch(url, { headers: { Accept: 'text/event-stream' }, signal: probe.signal }).then(
        (res) => {
          // Only the status and headers matter (a 200 is a stream this page will not read).
          probe?.abort();
          // 503: the process is full; 429: this address holds as many streams as one may (other tabs,
          // or a shared address); 200: room was made meanwhile. Each way, later, after Retry-After.
          if (res.status === 503 || res.status === 429 || res.ok) {
            setStatus('reconnecting');
            again = setTimeout(reconnect, retryDelayMs(res.headers.get('Retry-After'), Date.now(), Math.random()));
            return;
          }
          setStatus('offline');
          // Refused otherwise (e.g. 404): ask the plain endpoint why, to say so.
          fetchCommission(electionId, commissionId).then(
            () => undefined,
            (e: unknown) => {
              if (e instanceof ApiError && e.status === 404) setError(e.message);
            },
          );
        },
        () => setStatus('offline'),
      );
    };
    return () => {
      source.close();
      probe?.abort();
      if (again) clearTimeout(again);
    };
  }, [electionId, commissionId, attempt]);

  // Figures of another commission must not show under this one's heading.
  useEffect(() => setPayload(undefined), [electionId, commissionId]);

  return { payload: payload && payload.commission.id === commissionId ? payload : undefined, status, error, retry: () => setAttempt((n) => n + 1) };
}
