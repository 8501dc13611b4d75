import { categories, categoryFilter, categoryPrefix, matchesFilter, streamName, streams } from './stream-names';

describe('stream names', () => {
  it('builds `<category>-<id>` names', () => {
    expect(streams.precinct('almaty-2023', '0042')).toBe('precinct-almaty-2023.0042');
    expect(streams.intakeRejections('almaty-2023')).toBe('intake-rejections-almaty-2023');
    expect(streams.election('almaty-2023')).toBe('election-almaty-2023');
  });

  it('refuses ids that would blur the name', () => {
    expect(() => streams.precinct('a.b', 'p')).toThrow(/election id/);
    expect(() => streams.precinct('e', '')).toThrow(/precinct id/);
    expect(() => streamName('Bad Category', 'x')).toThrow(/category/);
  });

  it('filters by the prefix `<category>-`', () => {
    expect(categoryPrefix('precinct')).toBe('precinct-');
    expect(matchesFilter('precinct-e.p', categoryFilter('precinct'))).toBe(true);
    expect(matchesFilter('precincts-e.p', categoryFilter('precinct'))).toBe(false);
    expect(matchesFilter('election-e', categoryFilter('precinct', 'election'))).toBe(true);
    expect(matchesFilter('anything', undefined)).toBe(true);
  });

  it('has no category that is a prefix of another, so filters never overlap', () => {
    const all = Object.values(categories);
    for (const a of all) for (const b of all) if (a !== b) expect(b.startsWith(categoryPrefix(a))).toBe(false);
  });
});
