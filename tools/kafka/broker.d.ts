// Types for broker.js, so TypeScript tests can stop and restart the development broker.
export declare const KAFKA_VERSION: string;

export interface StartedBroker {
  readonly brokers: string;
  readonly port: number;
  readonly pid: number;
  /** True when this port's broker was already running and was left as it was. */
  readonly alreadyRunning: boolean;
  readonly fetchMs: number;
  readonly startMs: number;
}

export interface BrokerStatus {
  readonly running: boolean;
  readonly pid?: number;
  readonly port: number;
  readonly brokers: string;
  readonly dir: string;
}

type Log = (line: string) => void;

/** The port from KAFKA_PORT, else from a loopback KAFKA_BROKERS, else 9092. */
export declare function defaultPort(env?: Record<string, string | undefined>): number;
export interface StartOptions {
  port?: number;
  /** true wipes storage; false (default) keeps topics and committed offsets. */
  fresh?: boolean;
  log?: Log;
  readyTimeoutMs?: number;
  /** Server properties replacing generated ones of the same key, or added. */
  properties?: Record<string, string>;
  /** SCRAM credentials written at format time (kafka-storage format --add-scram). */
  scramUsers?: readonly { mechanism?: 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string }[];
  /** kafkajs's sasl option for the readiness check, on a SASL listener. */
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** Added to the broker's JVM options, e.g. -Djava.security.auth.login.config=FILE. */
  jvmOptions?: readonly string[];
  /** false: the caller formatted the storage (`properties['log.dirs']`) itself. Default true. */
  format?: boolean;
}

/** The classpath of the broker's jars (after fetchBroker), to run one of its tools. */
export declare function brokerClasspath(): string;

export declare function startBroker(options?: StartOptions): Promise<StartedBroker>;
/** kill: true is a crash (SIGKILL); otherwise a controlled shutdown. Storage is kept. */
export declare function stopBroker(options?: { port?: number; kill?: boolean; log?: Log }): Promise<{ stopped: boolean; pid?: number }>;
export declare function brokerStatus(options?: { port?: number }): BrokerStatus;
export declare function waitForBroker(brokers: string, options?: { timeoutMs?: number; sasl?: StartOptions['sasl'] }): Promise<unknown>;
export declare function fetchBroker(options?: { log?: Log }): { libsDir: string; fetched: boolean; ms: number };
export declare function brokersFor(port: number): string;
export declare function paths(port: number): Record<string, string>;

/** One node of a KRaft quorum (see broker.js nodeProperties). */
export interface NodeSpec {
  readonly nodeId: number;
  readonly port: number;
  readonly controllerPort: number;
  readonly voters: string;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly listeners?: ReadonlyArray<{ readonly name: string; readonly port: number; readonly advertisedPort?: number }>;
  readonly properties?: readonly string[];
  readonly jvm?: readonly string[];
}
export declare function startNode(options: { dir: string; spec: NodeSpec; clusterId?: string; fresh?: boolean; log?: Log; portHint?: string }): Promise<{ pid: number; clusterId: string; fetchMs: number; started: number; paths: Record<string, string> }>;
export declare function stopNode(options: { dir: string; kill?: boolean; log?: Log }): Promise<{ stopped: boolean; pid?: number }>;
export declare function nodeStatus(options: { dir: string }): { running: boolean; pid?: number; dir: string };
export declare function nodePaths(dir: string): Record<string, string>;
export declare function randomClusterId(): string;
export declare function portFree(port: number): Promise<boolean>;
export declare function isAlive(pid: number): boolean;
