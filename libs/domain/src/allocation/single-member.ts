// A single-member district: plurality by default, or a majority with a runoff between the top
// two (weak: sources disagree, so it is a setting). Pure; ties follow the written rule.
import type { TieRule } from '../election/election-definition';
import { isCount } from '../count';
import { breakTie, type Contender, type TieVerdict } from './tie-break';

export type SingleMemberRule = 'plurality' | 'majority-runoff';

/**
 * What happens when "against all" has more votes than every candidate. Kazakh practice is a
 * repeat election (`repeat-election`, the default); `ignore` treats against-all as a mere line
 * and seats the leading candidate anyway. Weak rule, hence configurable.
 */
export type AgainstAllFirstRule = 'repeat-election' | 'ignore';

export interface SingleMemberInput {
  /** In registration order (earlier first): the order the `registration-order` tie rule uses. */
  readonly candidates: readonly { readonly id: string; readonly votes: number }[];
  readonly againstAll: number;
  readonly rule: SingleMemberRule;
  readonly tieRule: TieRule;
  /** Drawn lots, candidate ids in the order drawn (first drawn wins). */
  readonly lots?: readonly string[];
  /** Default `repeat-election`. */
  readonly againstAllFirst?: AgainstAllFirstRule;
}

export interface SingleMemberTieBroken {
  readonly candidates: readonly string[];
  readonly places: number;
  readonly by: TieRule;
  readonly winners: readonly string[];
}

export type SingleMemberResult =
  | { readonly kind: 'winner'; readonly winner: string; readonly votes: number; readonly tieBroken?: SingleMemberTieBroken }
  /** Majority rule, nobody above half: the top two go to a second round. */
  | { readonly kind: 'runoff-needed'; readonly candidates: readonly [string, string]; readonly tieBroken?: SingleMemberTieBroken }
  /** Equal votes the rule cannot settle (the `lot` rule without a lot). Blocks the result. */
  | { readonly kind: 'tie'; readonly tiedCandidates: readonly string[]; readonly places: number }
  | { readonly kind: 'repeat-election'; readonly reason: 'against-all-first' | 'no-runoff-possible' }
  | { readonly kind: 'none'; readonly reason: 'no-candidates' | 'no-votes' | 'invalid-input'; readonly detail?: string };

export function decideSingleMember(input: SingleMemberInput): SingleMemberResult {
  const invalid = validate(input);
  if (invalid !== undefined) return { kind: 'none', reason: 'invalid-input', detail: invalid };
  if (input.candidates.length === 0) return { kind: 'none', reason: 'no-candidates' };
  const contenders: Contender[] = input.candidates.map((c, index) => ({ id: c.id, votes: c.votes, index }));
  const top = Math.max(...contenders.map((c) => c.votes));
  if (input.againstAll > top && (input.againstAllFirst ?? 'repeat-election') === 'repeat-election') {
    return { kind: 'repeat-election', reason: 'against-all-first' };
  }
  // Nobody with a vote can be elected (no vote at all, or only against all, told to be ignored):
  // a candidate on zero votes is never seated.
  if (top === 0) return { kind: 'none', reason: 'no-votes' };

  const rule = input.rule;
  switch (rule) {
    case 'plurality': {
      const picked = pick(contenders, 1, input);
      if (picked.kind === 'tie') return picked;
      const winner = picked.winners[0];
      return { kind: 'winner', winner, votes: top, ...(picked.tieBroken ? { tieBroken: picked.tieBroken } : {}) };
    }
    case 'majority-runoff': {
      // Majority of the valid votes, against-all included (it is a valid vote that elects nobody).
      const valid = contenders.reduce((s, c) => s + BigInt(c.votes), 0n) + BigInt(input.againstAll);
      if (BigInt(top) * 2n > valid) {
        const leader = contenders.find((c) => c.votes === top) as Contender;
        return { kind: 'winner', winner: leader.id, votes: top };
      }
      const withVotes = contenders.filter((c) => c.votes > 0);
      if (withVotes.length < 2) return { kind: 'repeat-election', reason: 'no-runoff-possible' };
      const picked = pick(withVotes, 2, input);
      if (picked.kind === 'tie') return picked;
      return {
        kind: 'runoff-needed',
        candidates: [picked.winners[0], picked.winners[1]],
        ...(picked.tieBroken ? { tieBroken: picked.tieBroken } : {}),
      };
    }
    default: {
      const never: never = rule;
      return never;
    }
  }
}

type Picked =
  | { readonly kind: 'picked'; readonly winners: readonly string[]; readonly tieBroken?: SingleMemberTieBroken }
  | { readonly kind: 'tie'; readonly tiedCandidates: readonly string[]; readonly places: number };

/** The best `places` by votes; equal votes across the cut go to the tie rule. */
function pick(contenders: readonly Contender[], places: number, input: SingleMemberInput): Picked {
  // Contenders come in registration order and the sort is stable: equal votes stay in that order.
  const ranked = [...contenders].sort((a, b) => b.votes - a.votes);
  if (ranked.length <= places) return { kind: 'picked', winners: ranked.map((c) => c.id) };
  const boundary = ranked[places - 1].votes;
  const sure = ranked.filter((c) => c.votes > boundary);
  const group = ranked.filter((c) => c.votes === boundary);
  const open = places - sure.length;
  if (group.length === open) return { kind: 'picked', winners: ranked.slice(0, places).map((c) => c.id) };
  const verdict: TieVerdict = breakTie(group, open, input.tieRule, input.lots);
  // `ranked` puts equal votes in registration order, so the group is in it already.
  const tied = group.map((c) => c.id);
  if (verdict.kind === 'unsettled') return { kind: 'tie', tiedCandidates: tied, places: open };
  return {
    kind: 'picked',
    winners: [...sure.map((c) => c.id), ...verdict.winners],
    tieBroken: { candidates: tied, places: open, by: input.tieRule, winners: verdict.winners },
  };
}

function validate(input: SingleMemberInput): string | undefined {
  if (!isCount(input.againstAll)) return 'againstAll: must be a non-negative integer';
  const ids = new Set<string>();
  for (const c of input.candidates) {
    if (typeof c.id !== 'string' || c.id.length === 0) return 'candidates: every candidate needs a non-empty id';
    if (ids.has(c.id)) return `candidates.${c.id}: appears more than once`;
    ids.add(c.id);
    if (!isCount(c.votes)) return `candidates.${c.id}.votes: must be a non-negative integer`;
  }
  for (const id of input.lots ?? []) if (!ids.has(id)) return `lots.${id}: not a candidate of this district`;
  return undefined;
}
