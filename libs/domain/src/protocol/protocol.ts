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
