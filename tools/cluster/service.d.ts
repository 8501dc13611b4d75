// Types for service.js, for bench/split-cluster.ts.
export declare function serviceEnv(options: {
  readonly port: number;
  readonly roles: string;
  readonly databaseUrl: string;
  readonly kafkaBrokers: string;
  readonly topic: string;
  readonly partitions: number;
  readonly clientId: string;
  readonly dataDir: string;
  readonly adminToken: string;
  readonly instanceId: string;
}): Record<string, string | undefined>;
export declare function isReady(url: string): Promise<boolean>;
export declare function readiness(url: string): Promise<{ readonly ready: boolean; readonly why?: string }>;
