import { StreamStateCache } from './stream-state-cache';

describe('StreamStateCache', () => {
  it('evicts the least recently used stream beyond its capacity', () => {
    const cache = new StreamStateCache<string>(2);
    cache.set('a', { state: 'A', revision: 0n });
    cache.set('b', { state: 'B', revision: 0n });
    expect(cache.get('a')?.state).toBe('A'); // a is now the most recent
    cache.set('c', { state: 'C', revision: 'no-stream' });
    expect([cache.get('a')?.state, cache.get('b'), cache.get('c')?.state]).toEqual(['A', undefined, 'C']);
    expect(cache.size).toBe(2);
  });

  it('keeps the newer revision when batches finish out of order', () => {
    const cache = new StreamStateCache<string>(4);
    cache.set('a', { state: 'at 3', revision: 3n });
    cache.set('a', { state: 'at 1', revision: 1n });
    cache.set('a', { state: 'none', revision: 'no-stream' });
    expect(cache.get('a')).toEqual({ state: 'at 3', revision: 3n });
    cache.set('a', { state: 'at 4', revision: 4n });
    expect(cache.get('a')).toEqual({ state: 'at 4', revision: 4n });
  });

  it('forgets a stream on delete, and holds nothing with capacity 0', () => {
    const cache = new StreamStateCache<string>(1);
    cache.set('a', { state: 'A', revision: 0n });
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    const none = new StreamStateCache<string>(0);
    none.set('a', { state: 'A', revision: 0n });
    expect(none.get('a')).toBeUndefined();
  });
});
