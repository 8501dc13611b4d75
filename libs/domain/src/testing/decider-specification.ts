// given(events).when(command).then(events), after Emmett's DeciderSpecification. The state is
// built only through evolve, so a spec checks decide and evolve together, as the writers use
// them. A decider either answers events (refusals recorded as events, like the precinct's) or a
// `Result` whose error is the refusal (like the election's): `thenRefused` checks the latter.
// No Jest import: this file is part of the pure domain library.
import type { Result } from '../result';

export interface Decider<Command, Event, State, Context, Refusal = never> {
  readonly decide: (command: Command, state: State, context: Context) => readonly Event[] | Result<readonly Event[], Refusal>;
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
}

export interface DeciderSpecification<Command, Event, Refusal = never> {
  (given: Event | readonly Event[]): {
    when: (command: Command) => {
      then: (expected: Event | readonly Event[]) => void;
      thenNothingHappened: () => void;
      /** The command was refused, for exactly this reason (compared like events). */
      thenRefused: (expected: Refusal) => void;
      /** The events decided, for assertions the exact form cannot express. */
      events: () => readonly Event[];
    };
  };
}

export class SpecificationFailed extends Error {
  override readonly name = 'SpecificationFailed';
}

export const DeciderSpecification = {
  for<Command, Event, State, Context, Refusal = never>(
    decider: Decider<Command, Event, State, Context, Refusal>,
    context: Context,
  ): DeciderSpecification<Command, Event, Refusal> {
    return (given) => ({
      when: (command) => {
        const run = (): Result<readonly Event[], Refusal> => {
          const history: readonly Event[] = Array.isArray(given) ? given : [given as Event];
          const state = history.reduce(decider.evolve, decider.initialState());
          const decided = decider.decide(command, state, context);
          return isEvents(decided) ? { ok: true, value: decided } : decided;
        };
        const events = (): readonly Event[] => {
          const decided = run();
          if (!decided.ok) throw new SpecificationFailed(`expected events, the command was refused: ${show(decided.error)}`);
          return decided.value;
        };
        return {
          then: (expected) => {
            const expectedEvents: readonly Event[] = Array.isArray(expected) ? expected : [expected as Event];
            const actual = events();
            const diff = firstDifference(actual, expectedEvents, '$');
            if (diff !== null) {
              throw new SpecificationFailed(
                `decided events differ at ${diff}\nexpected: ${show(expectedEvents)}\nactual:   ${show(actual)}`,
              );
            }
          },
          thenNothingHappened: () => {
            const actual = events();
            if (actual.length > 0) throw new SpecificationFailed(`expected no events, got ${show(actual)}`);
          },
          thenRefused: (expected) => {
            const decided = run();
            if (decided.ok) throw new SpecificationFailed(`expected a refusal, got events ${show(decided.value)}`);
            const diff = firstDifference(decided.error, expected, '$');
            if (diff !== null) throw new SpecificationFailed(`refusal differs at ${diff}\nexpected: ${show(expected)}\nactual:   ${show(decided.error)}`);
          },
          events,
        };
      },
    });
  },
};

function isEvents<Event, Refusal>(decided: readonly Event[] | Result<readonly Event[], Refusal>): decided is readonly Event[] {
  return Array.isArray(decided);
}

const show = (v: unknown): string => JSON.stringify(v, null, 2);

/**
 * Structural equality for event data (plain objects, arrays, primitives). Like Jest's toEqual,
 * a key holding `undefined` counts as absent, and an expected value with an `asymmetricMatch`
 * method (Jest's `expect.any(String)` and kin) matches whatever it accepts, so a spec can leave
 * out what it does not pin down (a refusal's wording). Returns the path of the first difference.
 */
export function firstDifference(actual: unknown, expected: unknown, path: string): string | null {
  if (Object.is(actual, expected)) return null;
  if (isAsymmetricMatcher(expected)) return expected.asymmetricMatch(actual) ? null : path;
  if (typeof actual !== 'object' || typeof expected !== 'object' || actual === null || expected === null) return path;
  if (Array.isArray(actual) !== Array.isArray(expected)) return path;
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) return `${path}.length`;
    for (let i = 0; i < actual.length; i++) {
      const d = firstDifference(actual[i], expected[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(e)]);
  for (const k of [...keys].sort()) {
    const d = firstDifference(a[k], e[k], `${path}.${k}`);
    if (d !== null) return d;
  }
  return null;
}

const isAsymmetricMatcher = (v: unknown): v is { asymmetricMatch: (actual: unknown) => boolean } =>
  typeof v === 'object' && v !== null && typeof (v as { asymmetricMatch?: unknown }).asymmetricMatch === 'function';
