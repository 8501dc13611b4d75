// The unsigned act the recorded protocols give: a territorial commission's summary of one contest,
// or the certification of a body's seats (its outcomes and the digest of the sums). A commission
// reviews it against its own paper protocols, signs it offline (`tally act`) and posts it; the
// election decider then judges the signed act against the sums read again, so a draft is only a
// convenience — never trusted. The sums come from precinct-totals.ts, the outcomes from the
// domain's outcomesFromSums: the same functions the decider uses.
import { allocatingCommissionOf, outcomesFromSums, precinctsOutstanding, type CertificationAct, type ContestTotals, type DefinedElection, type ElectionIndex, type SummaryAct } from '@tally/domain';
import type { EventStore } from '@tally/event-store';
import { votesDigest } from '@tally/signatures';
import { z } from 'zod';
import { problem, type ProblemItem as Problem } from '../http/problem';
import { precinctTotals } from './precinct-totals';

export const ActDraftQuery = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('summary'), commission: z.string().min(1), contest: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('certification'), body: z.string().min(1) }).strict(),
]);
export type ActDraftQuery = z.infer<typeof ActDraftQuery>;

export interface ActDraft {
  /** The commission whose key signs it. */
  readonly signedBy: string;
  /** The sequence number it would be signed with now (that commission's next). */
  readonly sequence: number;
  readonly act: SummaryAct | CertificationAct;
}

export async function draftAct(store: EventStore, election: ElectionIndex, state: DefinedElection, query: ActDraftQuery): Promise<{ ok: true; draft: ActDraft } | { ok: false; problems: Problem[] }> {
  const definition = election.definition;
  const next = (commissionId: string) => (state.acts.get(commissionId)?.length ?? 0) + 1;
  if (query.kind === 'summary') {
    const commission = election.commission(query.commission);
    if (!commission) return { ok: false, problems: [problem('UNKNOWN_COMMISSION', 'commission', `election ${definition.id} has no commission ${query.commission}`, { commissionId: query.commission })] };
    if (commission.level === 'precinct') return { ok: false, problems: [problem('MALFORMED', 'commission', `${query.commission} is a precinct commission: a summary is a territorial commission's`)] };
    if (!election.contest(query.contest)) return { ok: false, problems: [problem('NOT_FOUND', 'contest', `election ${definition.id} has no contest ${query.contest}`, { contestId: query.contest })] };
    const totals = await precinctTotals(store, election, query.commission, query.contest);
    if (totals.expected === 0) return { ok: false, problems: [problem('NOT_FOUND', 'contest', `no precinct under ${query.commission} votes in contest ${query.contest}`, { contestId: query.contest })] };
    if (totals.reported < totals.expected) return { ok: false, problems: [precinctsOutstanding(totals, query.commission)] };
    const act: SummaryAct = { kind: 'summary', commissionId: query.commission, contestId: query.contest, precincts: totals.reported, lines: totals.lines };
    return { ok: true, draft: { signedBy: query.commission, sequence: next(query.commission), act } };
  }
  const signedBy = definition.bodies.some((b) => b.id === query.body) ? allocatingCommissionOf(definition, query.body) : undefined;
  if (signedBy === undefined) return { ok: false, problems: [problem('NOT_FOUND', 'body', `election ${definition.id} has no body ${query.body} with contests`, { bodyId: query.body })] };
  const totals = new Map<string, ContestTotals>();
  for (const contest of definition.contests.filter((c) => c.body === query.body)) totals.set(contest.id, await precinctTotals(store, election, signedBy, contest.id));
  const computed = outcomesFromSums(state, query.body, signedBy, totals, 'body');
  if (!computed.ok) return { ok: false, problems: computed.problems };
  const act: CertificationAct = { kind: 'certification', bodyId: query.body, outcomes: computed.outcomes, votesDigest: votesDigest([...totals.values()]) };
  return { ok: true, draft: { signedBy, sequence: next(signedBy), act } };
}
