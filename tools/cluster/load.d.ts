// Types for load.js's argument parser, for faults.spec.ts.
export declare function parseArgs(argv: readonly string[]): { urls: string[]; precincts: number; rate: number; election?: string; duration?: number; seed: number; journal?: string; concurrency: number; turnoutShare: number };
export declare function contentDigest(bytes: Uint8Array): string;
