// The written tie rules, one place for lists and candidates alike. Never random: a lot is an
// input (recorded as an event), and a tie it does not settle is returned, not guessed.
import type { TieRule } from '../election/election-definition';

export interface Contender {
  readonly id: string;
  readonly votes: number;
  /** Position in registration order, 0 = registered first. */
  readonly index: number;
}

export type TieVerdict =
  | { readonly kind: 'settled'; readonly winners: readonly string[] }
  | { readonly kind: 'unsettled' };

/**
 * Picks `places` winners from `group` (all tied on the quantity that was compared).
 * `registration-order`: earlier wins. `more-votes-then-registration`: more votes, then earlier.
 * `lot`: first drawn wins; every tied contender must have been drawn, else the tie stands.
 */
export function breakTie(group: readonly Contender[], places: number, rule: TieRule, lots: readonly string[] | undefined): TieVerdict {
  let ranked: Contender[];
  switch (rule) {
    case 'registration-order':
      ranked = [...group].sort((a, b) => a.index - b.index);
      break;
    case 'more-votes-then-registration':
      ranked = [...group].sort((a, b) => b.votes - a.votes || a.index - b.index);
      break;
    case 'lot': {
      const drawn = new Map((lots ?? []).map((id, position) => [id, position]));
      if (group.some((c) => !drawn.has(c.id))) return { kind: 'unsettled' };
      ranked = [...group].sort((a, b) => (drawn.get(a.id) ?? 0) - (drawn.get(b.id) ?? 0));
      break;
    }
    default: {
      const never: never = rule;
      return never;
    }
  }
  return { kind: 'settled', winners: ranked.slice(0, places).map((c) => c.id) };
}
