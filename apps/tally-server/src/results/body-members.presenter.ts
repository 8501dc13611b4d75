// Who sits in a body, its majority line, and how it compares with the last election, as JSON:
// the domain's figures (members.queries.ts, baseline.queries.ts) with the rounded percent beside
// every exact ratio. Nothing is computed here.
import type { BaselineComparison, BodyMembers, LocalizedName, MembersOnDate, Ratio } from '@tally/domain';
import { withPercent, type RatioWithPercent } from './results.presenter';

export type BodyMembersDto = BodyMembers & {
  readonly name: LocalizedName;
  /** `provisional`: named from the live count (list order, withdrawn candidates skipped). */
  readonly basis: 'provisional';
};

/** The registered membership on a date (`?on=`), from the election stream's events. */
export type MembersOnDateDto = MembersOnDate & { readonly name: LocalizedName; readonly basis: 'registered' };

export type BaselineComparisonDto = Omit<BaselineComparison, 'lists' | 'turnout' | 'unmatched'> & {
  readonly lists: readonly (Omit<BaselineComparison['lists'][number], 'share' | 'previousShare'> & { readonly share: RatioWithPercent; readonly previousShare: RatioWithPercent | null })[];
  readonly turnout: { readonly current: RatioWithPercent; readonly previous: RatioWithPercent | null; readonly changePoints: number | null };
  readonly unmatched: readonly { readonly party: string; readonly share: RatioWithPercent; readonly seats: number }[];
};

const maybe = (r: Ratio | null): RatioWithPercent | null => (r === null ? null : withPercent(r));

export function bodyMembersDto(members: BodyMembers, name: LocalizedName): BodyMembersDto {
  return { ...members, name, basis: 'provisional' };
}

export function baselineComparisonDto(c: BaselineComparison): BaselineComparisonDto {
  return {
    bodyId: c.bodyId,
    baseline: c.baseline,
    lists: c.lists.map((l) => ({ ...l, share: withPercent(l.share), previousShare: maybe(l.previousShare) })),
    turnout: { current: withPercent(c.turnout.current), previous: maybe(c.turnout.previous), changePoints: c.turnout.changePoints },
    unmatched: c.unmatched.map((p) => ({ ...p, share: withPercent(p.share) })),
  };
}
