// A precinct protocol for one contest: the lines of the paper form, every one a count.
import { z } from 'zod';
import { Id } from '../election/election-definition';

/** Zod accepts any number here; the control relations (protocol.validation.ts) give the reason codes. */
const Count = z.number();

export const ProtocolShape = z
  .object({
    contestId: Id,
    /** Voters on the list at the close of polling, including same-day additions. */
    registeredVoters: Count,
    /** Voters added to the list on polling day (already included in registeredVoters). */
    addedSameDay: Count.default(0),
    ballotsReceived: Count,
    ballotsIssued: z.object({ atStation: Count, early: Count, mobile: Count }).strict(),
    ballotsCancelled: Count,
    /** Lost or unaccounted ballots, where the form has that line. */
    ballotsLost: Count.default(0),
    ballotsFound: Count,
    invalid: Count,
    /** Votes per list id (list contest) or candidate id (single-member contest). */
    votes: z.record(z.string(), Count),
    againstAll: Count.default(0),
  })
  .strict();

export type Protocol = z.infer<typeof ProtocolShape>;

export const totalIssued = (p: Protocol): number => p.ballotsIssued.atStation + p.ballotsIssued.early + p.ballotsIssued.mobile;

/**
 * THE list of the form's lines: each line's name (its path, dotted: `ballotsIssued.early`,
 * `votes.amanat`) and its count, in the paper form's order; the vote lines sorted by list or
 * candidate id, so the order never depends on how the JSON happened to order its keys. The
 * control relations name lines by it (protocol.validation.ts), the auditors diff versions by it.
 */
export const protocolLines = (p: Protocol): ReadonlyArray<readonly [line: string, count: number]> => [
  ['registeredVoters', p.registeredVoters],
  ['addedSameDay', p.addedSameDay],
  ['ballotsReceived', p.ballotsReceived],
  ['ballotsIssued.atStation', p.ballotsIssued.atStation],
  ['ballotsIssued.early', p.ballotsIssued.early],
  ['ballotsIssued.mobile', p.ballotsIssued.mobile],
  ['ballotsCancelled', p.ballotsCancelled],
  ['ballotsLost', p.ballotsLost],
  ['ballotsFound', p.ballotsFound],
  ['invalid', p.invalid],
  ...Object.keys(p.votes)
    .sort()
    .map((id) => [`votes.${id}`, p.votes[id]] as const),
  ['againstAll', p.againstAll],
];
