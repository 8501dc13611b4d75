// Parses the `tally allocate` input (JSON) into the domain's AllocationInput. Every refusal
// names the field and the rule; nothing past this point sees unparsed data.
import { AllocationMethod, ThresholdBase, TieRule, type AllocationInput } from '@tally/domain';
import { z } from 'zod';

export interface InputError {
  /** Dotted path, e.g. `votes.Amanat`; `input` for the document as a whole. */
  readonly field: string;
  readonly rule: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly InputError[] };

/** A missing field says so; a present but wrong one gets the rule it broke. */
const orRequired = (rule: string) => (issue: { readonly input?: unknown }) => (issue.input === undefined ? 'is required' : rule);

const count = (rule = 'must be a non-negative integer') =>
  z.number({ error: orRequired(rule) }).int({ error: rule }).nonnegative({ error: rule }).max(Number.MAX_SAFE_INTEGER, { error: `${rule} below 2^53` });

const listName = z.string({ error: 'must be a list name' }).min(1, { error: 'must be a non-empty list name' });

/** Whole-number keys are moved first by every JSON parser, so their registration order would be lost. */
const INDEX_LIKE = /^(0|[1-9]\d*)$/;

const VOTES_SHAPE = 'must be an object of list → votes, or an array of {"list", "votes"}';
const VotesObject = z.record(listName, count(), { error: VOTES_SHAPE }).superRefine((votes, ctx) => {
  for (const key of Object.keys(votes)) {
    if (INDEX_LIKE.test(key)) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'a list named by a whole number loses its registration order in a JSON object; give votes as an array of {"list", "votes"}',
      });
    }
  }
});
const VotesArray = z.array(z.strictObject({ list: listName, votes: count() }), { error: VOTES_SHAPE });

/** Either form; picked by shape so a bad entry is reported where it is, not as "matches neither". */
const Votes = z.unknown().transform((value, ctx) => {
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', message: 'is required' });
    return z.NEVER;
  }
  const parsed = Array.isArray(value) ? VotesArray.safeParse(value) : VotesObject.safeParse(value);
  if (parsed.success) return Array.isArray(parsed.data) ? parsed.data.map((v) => ({ id: v.list, votes: v.votes })) : Object.entries(parsed.data).map(([id, votes]) => ({ id, votes }));
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  return z.NEVER;
});

const enumRule = (options: readonly string[]) => `must be one of ${options.join(', ')}`;

export const AllocateRequest = z
  .strictObject(
    {
      seats: z.number({ error: orRequired('must be a positive integer') }).int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' }),
      method: z.enum(AllocationMethod.options, { error: orRequired(enumRule(AllocationMethod.options)) }),
      thresholdPercent: z
        .number({ error: orRequired('must be a percentage from 0 to 100 with at most two decimals') })
        .min(0, { error: 'must be a percentage from 0 to 100 with at most two decimals' })
        .max(100, { error: 'must be a percentage from 0 to 100 with at most two decimals' })
        .multipleOf(0.01, { error: 'must be a percentage from 0 to 100 with at most two decimals' }),
      thresholdBase: z.enum(ThresholdBase.options, { error: orRequired(enumRule(ThresholdBase.options)) }),
      votes: Votes,
      againstAll: count().optional(),
      ballotsCast: count().optional(),
      minimumAdmittedLists: count().default(2),
      tieRule: z.enum(TieRule.options, { error: enumRule(TieRule.options) }).default('registration-order'),
      lots: z.array(listName).optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : 'must be a JSON object') },
  )
  .transform(({ votes, ...rest }) => ({ ...rest, lists: votes }))
  .superRefine((r, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (r.lists.length === 0) issue(['votes'], 'must name at least one list');
    const names = new Set<string>();
    r.lists.forEach((l, i) => {
      if (names.has(l.id)) issue(['votes', i], `list "${l.id}" appears more than once`);
      names.add(l.id);
    });
    if (r.thresholdBase === 'list-votes-plus-against-all' && r.againstAll === undefined) {
      issue(['againstAll'], 'is required when thresholdBase is list-votes-plus-against-all');
    }
    if (r.thresholdBase === 'ballots-cast') {
      if (r.ballotsCast === undefined) issue(['ballotsCast'], 'is required when thresholdBase is ballots-cast');
      else {
        const valid = r.lists.reduce((s, l) => s + BigInt(l.votes), 0n) + BigInt(r.againstAll ?? 0);
        if (BigInt(r.ballotsCast) < valid) issue(['ballotsCast'], `must be at least the list votes plus against all (${valid}): ballots found = valid + invalid`);
      }
    }
    const drawn = new Set<string>();
    for (const id of r.lots ?? []) {
      if (!names.has(id)) issue(['lots'], `"${id}" is not a list in votes`);
      if (drawn.has(id)) issue(['lots'], `"${id}" is drawn more than once`);
      drawn.add(id);
    }
  });

/** JSON text → the domain's input, or every problem found, each naming its field. */
export function parseAllocateInput(text: string): Parsed<AllocationInput> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [{ field: 'input', rule: `must be valid JSON (${error instanceof Error ? error.message : String(error)})` }] };
  }
  const parsed = AllocateRequest.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ field: i.path.length === 0 ? 'input' : i.path.map(String).join('.'), rule: i.message })),
    };
  }
  const r = parsed.data;
  return {
    ok: true,
    value: {
      seats: r.seats,
      method: r.method,
      thresholdPercent: r.thresholdPercent,
      thresholdBase: r.thresholdBase,
      lists: r.lists,
      againstAll: r.againstAll ?? 0,
      // Only the ballots-cast base reads it; elsewhere it has been checked to be absent or a count.
      ballotsCast: r.ballotsCast ?? 0,
      minimumAdmittedLists: r.minimumAdmittedLists,
      tieRule: r.tieRule,
      ...(r.lots ? { lots: r.lots } : {}),
    },
  };
}
