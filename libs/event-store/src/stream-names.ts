// Stream names are built here and only here, so a category means the same thing everywhere:
// a stream `<category>-<id>` belongs to category `<category>`; a category filter is the prefix
// `<category>-` (an EventStoreDB stream-name prefix filter and an SQL `^@` prefix alike).
import type { EventFilter } from './event-store.port';

export const categories = {
  /** One precinct's submissions: `precinct-<election>.<precinct>`. */
  precinct: 'precinct',
  /** What intake refused before the queue, per election: `intake-rejections-<election>`. */
  intakeRejections: 'intake-rejections',
  /** An election's definition and lifecycle: `election-<election>`. */
  election: 'election',
} as const;
export type Category = (typeof categories)[keyof typeof categories];

// Ids use dots to join parts, so the `-` separator between category and id stays unambiguous for
// the categories above even when a category itself contains a dash.
const ID_PART = /^[A-Za-z0-9_:~]+(?:[A-Za-z0-9_:~-]*[A-Za-z0-9_:~])?$/;

function idPart(value: string, what: string): string {
  if (!ID_PART.test(value)) throw new TypeError(`Invalid ${what} for a stream name: ${JSON.stringify(value)}`);
  return value;
}

export function streamName(category: Category | string, id: string): string {
  if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(category)) throw new TypeError(`Invalid stream category: ${JSON.stringify(category)}`);
  if (id.length === 0) throw new TypeError('A stream id must not be empty');
  return `${category}-${id}`;
}

export const streams = {
  precinct: (electionId: string, precinctId: string): string =>
    streamName(categories.precinct, `${idPart(electionId, 'election id')}.${idPart(precinctId, 'precinct id')}`),
  intakeRejections: (electionId: string): string => streamName(categories.intakeRejections, idPart(electionId, 'election id')),
  election: (electionId: string): string => streamName(categories.election, idPart(electionId, 'election id')),
};

/** The prefix that selects a category's streams. */
export function categoryPrefix(category: string): string {
  return `${category}-`;
}

export function categoryFilter(...cats: string[]): EventFilter {
  return { categories: cats };
}

export function matchesFilter(name: string, filter: EventFilter | undefined): boolean {
  if (!filter) return true;
  return filter.categories.some((c) => name.startsWith(categoryPrefix(c)));
}
