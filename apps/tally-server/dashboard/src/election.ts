// The election's definition-side data (names, list colours, candidates, turnout times), fetched
// once per election and shared by every component of the page.
import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { fetchElection, type ElectionDetail } from './api';

type Entry = { readonly state: 'loading' } | { readonly state: 'ready'; readonly election: ElectionDetail } | { readonly state: 'error'; readonly message: string };

const cache = signal<ReadonlyMap<string, Entry>>(new Map());

const put = (id: string, entry: Entry) => {
  cache.value = new Map(cache.value).set(id, entry);
};

export function useElection(electionId: string): Entry {
  const entry = cache.value.get(electionId);
  useEffect(() => {
    if (cache.value.has(electionId)) return;
    put(electionId, { state: 'loading' });
    fetchElection(electionId).then(
      (election) => put(electionId, { state: 'ready', election }),
      (e: unknown) => put(electionId, { state: 'error', message: e instanceof Error ? e.message : String(e) }),
    );
  }, [electionId]);
  return entry ?? { state: 'loading' };
}

export const INDEPENDENT_COLOUR = '#6B7280';

export function listColour(election: ElectionDetail, listId: string): string {
  return election.lists.find((l) => l.id === listId)?.colour ?? INDEPENDENT_COLOUR;
}
