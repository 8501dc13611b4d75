// The facts of an election's own stream, `election-<id>`: its definition (recorded before any
// protocol, so an auditor replaying the store years later has the exact rules the count was made
// under) and the lots drawn to settle ties. Past tense, data only.
import type { ElectionDefinition } from './election-definition';

export interface ElectionDefined {
  readonly type: 'ElectionDefined';
  readonly data: { readonly definition: ElectionDefinition };
}

/**
 * A lot drawn to settle a tie. Chance is an input, never computed: a replay years later with
 * newer code reads the same order.
 */
export interface LotDrawn {
  readonly type: 'LotDrawn';
  readonly data: {
    readonly electionId: string;
    readonly contestId: string;
    /** List or candidate ids of the contest, in the order drawn: the first drawn wins. No id twice. */
    readonly order: readonly string[];
    /** Who conducted the draw (free text). */
    readonly drawnBy: string;
    readonly reason: string;
  };
}

export type ElectionEvent = ElectionDefined | LotDrawn;
export type ElectionEventType = ElectionEvent['type'];
