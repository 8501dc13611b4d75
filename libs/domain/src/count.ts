// A count of votes, ballots or seats: a whole number, not negative, exact in a double. The one
// test every calculator and check applies before it trusts a figure (the schemas say the same at
// the boundary; this is the last defence when they are bypassed).
export const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
