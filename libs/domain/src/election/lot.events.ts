// A lot drawn to settle a tie, recorded in the election's own stream `election-<id>`. Chance is
// an input, never computed: a replay years later with newer code reads the same order.
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
