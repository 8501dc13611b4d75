// Types for faults.js's pure parts, for faults.spec.ts.
export interface JournalEntry {
  readonly submissionId: string;
  readonly digest: string;
}
export interface StoredEvent {
  readonly type: string;
  readonly digest: string | null;
}
export declare const KINDS: readonly string[];
export declare function exactlyOnce(
  journal: readonly JournalEntry[],
  stored: ReadonlyMap<string, readonly StoredEvent[]>,
): { recorded: number; lost: Array<{ submissionId: string; found: string[] }>; duplicated: string[] };
export declare function parseArgs(argv: readonly string[]): { cycles: number; rate: number; hold: number; settle: number; seed: number; postgres: 'own' | 'machine' };
