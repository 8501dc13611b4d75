// Types for topology.js, so the compose check (topology.spec.ts) reads the same description.
export declare const KAFKA: { readonly nodes: number; readonly replicationFactor: number; readonly minInsyncReplicas: number; readonly uncleanLeaderElection: boolean };
export declare const QUEUE: { readonly topic: string; readonly partitions: number };
export declare const ROLES: ReadonlyArray<{ readonly role: string; readonly count: number; readonly TALLY_ROLES: string }>;
export declare function instances(): Array<{ name: string; role: string; index: number; TALLY_ROLES: string }>;
