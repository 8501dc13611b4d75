// Types for load.js: its argument parser (faults.spec.ts) and its signing ahead (bench/sse-load.ts).
import type { ElectionDefinition } from '@tally/domain';

export declare function parseArgs(argv: readonly string[]): { urls: string[]; precincts: number; rate: number; election?: string; duration?: number; seed: number; journal?: string; concurrency: number; turnoutShare: number };
export declare function contentDigest(bytes: Uint8Array): string;

/** A signed submission ready to post: a protocol (contestId) or, first, a turnout report (time). */
export interface SignedBody {
  readonly path: string;
  readonly body: string;
  /** SHA-256 (hex) of the canonical signed encoding. */
  readonly digest: string;
  readonly precinctId: string;
  readonly contestId?: string;
  readonly time?: string;
}
export declare function signAhead(definition: ElectionDefinition, seed: number, turnoutShare?: number): SignedBody[];
