// given(events).when(command).then(events), after Emmett's DeciderSpecification. The state is
// built only through evolve, so a spec checks decide and evolve together, as the recorder uses
// them. No Jest import: this file is part of the pure domain library.

export interface Decider<Command, Event, State, Context> {
  readonly decide: (command: Command, state: State, context: Context) => readonly Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
}

export interface DeciderSpecification<Command, Event> {
  (given: Event | readonly Event[]): {
    when: (command: Command) => {
      then: (expected: Event | readonly Event[]) => void;
      thenNothingHappened: () => void;
      /** The events decided, for assertions the exact form cannot express. */
      events: () => readonly Event[];
    };
  };
}

export class SpecificationFailed extends Error {
  override readonly name = 'SpecificationFailed';
}

export const DeciderSpecification = {
  for<Command, Event, State, Context>(decider: Decider<Command, Event, State, Context>, context: Context): DeciderSpecification<Command, Event> {
    return (given) => ({
      when: (command) => {
        const run = (): readonly Event[] => {
          const history: readonly Event[] = Array.isArray(given) ? given : [given as Event];
          const state = history.reduce(decider.evolve, decider.initialState());
          return decider.decide(command, state, context);
        };
        return {
          then: (expected) => {
            const expectedEvents: readonly Event[] = Array.isArray(expected) ? expected : [expected as Event];
            const actual = run();
            const diff = firstDifference(actual, expectedEvents, '$');
            if (diff !== null) {
              throw new SpecificationFailed(
                `decided events differ at ${diff}\nexpected: ${show(expectedEvents)}\nactual:   ${show(actual)}`,
              );
            }
          },
          thenNothingHappened: () => {
            const actual = run();
            if (actual.length > 0) throw new SpecificationFailed(`expected no events, got ${show(actual)}`);
          },
          events: run,
        };
      },
    });
  },
};

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
