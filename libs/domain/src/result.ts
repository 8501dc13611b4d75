// Expected failures are values, not exceptions (after VotingWorks' `Result`, reduced to a
// plain tagged union so it serialises, compares with toEqual, and narrows on `ok`).

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

export type Result<T, E> = Ok<T> | Err<E>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });

export const err = <E>(error: E): Err<E> => ({ ok: false, error });
