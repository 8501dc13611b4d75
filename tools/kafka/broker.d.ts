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
/** fresh: true wipes storage; fresh: false (default) keeps topics and committed offsets. */
export declare function startBroker(options?: { port?: number; fresh?: boolean; log?: Log; readyTimeoutMs?: number }): Promise<StartedBroker>;
/** kill: true is a crash (SIGKILL); otherwise a controlled shutdown. Storage is kept. */
export declare function stopBroker(options?: { port?: number; kill?: boolean; log?: Log }): Promise<{ stopped: boolean; pid?: number }>;
export declare function brokerStatus(options?: { port?: number }): BrokerStatus;
export declare function waitForBroker(brokers: string, options?: { timeoutMs?: number }): Promise<unknown>;
export declare function fetchBroker(options?: { log?: Log }): { libsDir: string; fetched: boolean; ms: number };
export declare function brokersFor(port: number): string;
export declare function paths(port: number): Record<string, string>;
