// The election definition: the one input that says what is being elected, by which rules,
// and which commissions count it. Parsed with zod at the boundary; inside, readonly types.
import { z } from 'zod';
import { Instant } from '../instant';

export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$/, 'ids are letters, digits, "_" and "-", not ending in "-" (no dots: a dot separates election and precinct in stream names; a "-" separates a stream\'s category)');

export const LocalizedName = z
  .object({ kk: z.string().min(1), ru: z.string().min(1), en: z.string().min(1) })
  .strict();
export type LocalizedName = z.infer<typeof LocalizedName>;

export const AllocationMethod = z.enum(['hare', 'droop', 'dhondt', 'sainte-lague']);
export type AllocationMethod = z.infer<typeof AllocationMethod>;

/** What the threshold percentage is taken of. Kazakhstan from 2023: list votes + against all. */
export const ThresholdBase = z.enum(['list-votes', 'list-votes-plus-against-all', 'ballots-cast']);
export type ThresholdBase = z.infer<typeof ThresholdBase>;

/**
 * Ties between equal remainders/quotients. `registration-order`: the list registered earlier
 * (Kazakhstan, weak). `more-votes-then-registration`: Russia's rule. `lot`: a drawn lot,
 * recorded as an event and passed in; until it is, the result is a blocking Tie value.
 */
export const TieRule = z.enum(['registration-order', 'more-votes-then-registration', 'lot']);
export type TieRule = z.infer<typeof TieRule>;

/** A candidate on a party's ranked list: named, placed by position in the list (the first is No. 1). */
export const ListCandidate = z.object({ id: Id, name: LocalizedName }).strict();
export type ListCandidate = z.infer<typeof ListCandidate>;

/** One party's ranked list for a list contest: its candidates in the order they take seats. */
export const RankedList = z
  .object({ list: Id, candidates: z.array(ListCandidate).min(1, 'a ranked list names at least one candidate') })
  .strict();
export type RankedList = z.infer<typeof RankedList>;

export const ListContest = z
  .object({
    kind: z.literal('list'),
    id: Id,
    name: LocalizedName,
    body: Id,
    seats: z.number().int().positive(),
    /** Inclusive ("N and more percent"); up to two decimals, compared as integers (basis points). */
    thresholdPercent: z.number().min(0).max(100).multipleOf(0.01),
    thresholdBase: ThresholdBase,
    method: AllocationMethod,
    /** If fewer than this many lists pass, the best-placed below the threshold are admitted up to it. 0 disables. */
    minimumAdmittedLists: z.number().int().min(0).default(2),
    tieRule: TieRule.default('registration-order'),
    againstAll: z.boolean().default(true),
    /** The lists on the ballot, in registration order (earlier first). */
    lists: z.array(Id).min(1),
    /**
     * Each list's candidates in order. Optional (a definition without them still counts seats, and
     * recorded definitions parse as they did): a list without one has its seats unnamed.
     */
    rankedLists: z.array(RankedList).optional(),
  })
  .strict();
export type ListContest = z.infer<typeof ListContest>;

export const SingleMemberContest = z
  .object({
    kind: z.literal('single-member'),
    id: Id,
    name: LocalizedName,
    body: Id,
    district: Id,
    rule: z.enum(['plurality', 'majority-runoff']).default('plurality'),
    againstAll: z.boolean().default(true),
    /** Candidates on the ballot, in registration order. */
    candidates: z.array(Id),
  })
  .strict();
export type SingleMemberContest = z.infer<typeof SingleMemberContest>;

export const Contest = z.discriminatedUnion('kind', [ListContest, SingleMemberContest]);
export type Contest = z.infer<typeof Contest>;

export const PartyList = z
  .object({
    id: Id,
    name: LocalizedName,
    shortName: z.string().min(1).max(32).optional(),
    colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb'),
    registrationOrder: z.number().int().positive(),
  })
  .strict();
export type PartyList = z.infer<typeof PartyList>;

export const Candidate = z
  .object({
    id: Id,
    name: LocalizedName,
    /** The nominating party, or null for a self-nominated candidate. */
    party: Id.nullable(),
  })
  .strict();
export type Candidate = z.infer<typeof Candidate>;

export const Body = z
  .object({ id: Id, name: LocalizedName })
  .strict();
export type Body = z.infer<typeof Body>;

/** Two decimals, as published results give them (68.11); read as hundredths, an exact integer. */
const PublishedPercent = z.number().min(0).max(100).multipleOf(0.01);

/** A party of the last election renamed or merged since: its figures count for `to`, a list of this election. */
export const Successor = z.object({ from: Id, to: Id }).strict();
export type Successor = z.infer<typeof Successor>;

/** The last election's figures for a body, as published: share of the percentage base, seats won, turnout. */
export const InlineBaseline = z
  .object({
    kind: z.literal('inline'),
    /** The body of THIS election compared with the last one. */
    body: Id,
    name: LocalizedName,
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD'),
    turnoutPercent: PublishedPercent.optional(),
    parties: z
      .array(z.object({ party: Id, name: LocalizedName.optional(), sharePercent: PublishedPercent, seats: z.number().int().nonnegative() }).strict())
      .min(1),
    successors: z.array(Successor).default([]),
  })
  .strict();
export type InlineBaseline = z.infer<typeof InlineBaseline>;

/** The last election is another election in this service: its figures are read from its results. */
export const ElectionBaseline = z
  .object({
    kind: z.literal('election'),
    body: Id,
    electionId: Id,
    /** Its body that this one succeeds. */
    previousBody: Id,
    successors: z.array(Successor).default([]),
  })
  .strict();
export type ElectionBaseline = z.infer<typeof ElectionBaseline>;

export const Baseline = z.discriminatedUnion('kind', [InlineBaseline, ElectionBaseline]);
export type Baseline = z.infer<typeof Baseline>;

export const CommissionLevel = z.enum(['central', 'regional', 'district', 'precinct']);
export type CommissionLevel = z.infer<typeof CommissionLevel>;

/** A commission's Ed25519 public key: raw 32 bytes, base64. */
export const CommissionKey = z
  .object({ keyId: z.string().min(1).max(128), publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'a raw Ed25519 public key, 32 bytes in base64') })
  .strict();
export type CommissionKey = z.infer<typeof CommissionKey>;

const CommissionBase = {
  id: Id,
  name: LocalizedName,
  keys: z.array(CommissionKey).default([]),
};

export const TerritorialCommission = z
  .object({
    ...CommissionBase,
    level: z.enum(['central', 'regional', 'district']),
    /** null only for the root of the tree. */
    parent: Id.nullable(),
  })
  .strict();
export type TerritorialCommission = z.infer<typeof TerritorialCommission>;

export const PrecinctCommission = z
  .object({
    ...CommissionBase,
    level: z.literal('precinct'),
    parent: Id,
    registeredVoters: z.number().int().nonnegative(),
    /** The contests voted in at this precinct (a single-member contest fixes its district). */
    contests: z.array(Id).min(1, 'a precinct votes in at least one contest'),
  })
  .strict();
export type PrecinctCommission = z.infer<typeof PrecinctCommission>;

export const Commission = z.discriminatedUnion('level', [TerritorialCommission.extend({}), PrecinctCommission]);
export type Commission = TerritorialCommission | PrecinctCommission;

export const ElectionDefinitionShape = z
  .object({
    id: Id,
    name: LocalizedName,
    /** Polling day, local calendar date. */
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD'),
    timeZone: z.string().min(1),
    /** Local time polls close on polling day: by default, the results embargo ends then (see embargo.ts). */
    pollsClose: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day is HH:MM').default('20:00'),
    /**
     * `test`: the election starts in test mode (logic and accuracy testing): commissions submit
     * test protocols through the same path, counted in their own epoch, until the root commission
     * signs the switch to live (lifecycle.ts `go-live`), from which the count starts at zero.
     * Absent or `live`: live from the start.
     */
    mode: z.enum(['test', 'live']).optional(),
    /** The first instant results (votes, shares, thresholds, seats) may be published; absent: the close of polls. Turnout and progress are public throughout. */
    resultsNotBefore: Instant.optional(),
    /** Local times at which precincts report running turnout. */
    turnoutTimes: z.array(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day is HH:MM')).default(['10:00', '12:00', '14:00', '16:00', '18:00', '20:00']),
    bodies: z.array(Body).min(1),
    lists: z.array(PartyList).default([]),
    candidates: z.array(Candidate).default([]),
    contests: z.array(Contest).min(1),
    commissions: z.array(Commission).min(1),
    /** The last election per body, for previous shares, swings and seat changes. Optional. */
    baselines: z.array(Baseline).optional(),
  })
  .strict();

export type ElectionDefinition = z.infer<typeof ElectionDefinitionShape>;
