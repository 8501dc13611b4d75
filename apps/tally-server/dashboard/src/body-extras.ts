// The body's members and its comparison with the last election, fetched beside the live frames
// (the API computes them; nothing is computed here) and asked again whenever the frame that
// triggers them changes: a body's composition for the members, a list contest for the baseline.
import { useEffect, useState } from 'preact/hooks';
import { fetchBaseline, fetchMembers, type BaselineComparisonDto, type BodyMembersDto } from './api';

function useFetched<T>(fetcher: (signal: AbortSignal) => Promise<T>, trigger: unknown, key: string): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    const abort = new AbortController();
    fetcher(abort.signal).then(setValue, () => setValue(undefined));
    return () => abort.abort();
    // The fetcher is rebuilt each render; the key and the trigger say when to ask again.
  }, [trigger, key]);
  return value;
}

export const useMembers = (electionId: string, bodyId: string, trigger: unknown): BodyMembersDto | undefined =>
  useFetched((signal) => fetchMembers(electionId, bodyId, signal), trigger, `${electionId}/${bodyId}`);

/** Undefined while loading and for a body whose definition names no baseline (404). */
export const useBaseline = (electionId: string, bodyId: string | undefined, trigger: unknown): BaselineComparisonDto | undefined =>
  useFetched((signal) => (bodyId === undefined ? Promise.reject(new Error('no body')) : fetchBaseline(electionId, bodyId, signal)), trigger, `${electionId}/${bodyId ?? ''}`);
