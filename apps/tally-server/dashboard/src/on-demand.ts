// A fetch made only while a panel is open, again whenever its inputs change, its answer or its
// error kept; an answer that comes after the panel closed or its inputs moved on is dropped.
import { useEffect, useState } from 'preact/hooks';

export interface OnDemand<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
}

export function useOnDemand<T>(open: boolean, load: (signal: AbortSignal) => Promise<T>, inputs: readonly unknown[]): OnDemand<T> {
  const [state, setState] = useState<OnDemand<T>>({ data: undefined, error: undefined });
  useEffect(() => {
    if (!open) return;
    const abort = new AbortController();
    load(abort.signal).then(
      (data) => setState({ data, error: undefined }),
      (e: unknown) => {
        if (!abort.signal.aborted) setState((s) => ({ data: s.data, error: e instanceof Error ? e.message : String(e) }));
      },
    );
    return () => abort.abort();
    // The caller names what the fetch depends on.
  }, [open, ...inputs]);
  return state;
}
