/** "1 event", "2,040 events": a count and its noun, for the audit's notes and the CLI's lines alike. */
export const counted = (n: number, noun: string): string => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
