// Global positions are opaque strings to callers. Every engine encodes a pair of unsigned
// integers `<major>:<minor>` (PostgreSQL: `transaction_id:global_position`; EventStoreDB:
// `commit:prepare`), so one comparison serves them all.

/** Before the first event of any store: reading or subscribing from it starts at the beginning. */
export const START_POSITION = '0:0';

export interface PositionParts {
  readonly major: bigint;
  readonly minor: bigint;
}

const POSITION_PATTERN = /^(\d+):(\d+)$/;

export function parsePosition(position: string): PositionParts {
  const match = POSITION_PATTERN.exec(position);
  if (!match) throw new TypeError(`Not an event-store position: ${JSON.stringify(position)}`);
  return { major: BigInt(match[1]), minor: BigInt(match[2]) };
}

export function formatPosition(major: bigint | number | string, minor: bigint | number | string): string {
  return `${BigInt(major)}:${BigInt(minor)}`;
}

/** Negative when `a` comes before `b` in global order, 0 when equal, positive after. */
export function comparePositions(a: string, b: string): number {
  const pa = parsePosition(a);
  const pb = parsePosition(b);
  if (pa.major !== pb.major) return pa.major < pb.major ? -1 : 1;
  if (pa.minor !== pb.minor) return pa.minor < pb.minor ? -1 : 1;
  return 0;
}
