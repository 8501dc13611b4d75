// The live streams' limits and their defaults, apart from the service so that the environment's
// schema (config/app.config.ts) takes its defaults from here: one place where they are measured.
export interface LiveOptions {
  /** At most one frame per commission per window. */
  readonly windowMs: number;
  /** Frame writes a second (over every subscriber) this process keeps to on average: past it the window stretches. */
  readonly maxWritesPerSecond: number;
  /** Frames kept per commission for resumption… */
  readonly ringSize: number;
  /** …and at most this many bytes of them (a central commission's frame can be tens of kilobytes). */
  readonly ringBytes: number;
  /** Streams this process holds at once; past it a new one is refused (503 with Retry-After). */
  readonly maxSubscribers: number;
  /**
   * Streams one client address may hold at once (IPv6: one /64; behind TALLY_TRUST_PROXY, the
   * forwarded address); past it 429 with Retry-After. One client cannot take every stream the
   * process holds, while a newsroom or a carrier's shared address still fits many viewers.
   */
  readonly maxPerAddress: number;
  /** Commissions with a channel at once; a new one evicts the longest-idle channel, or is refused when none is idle. */
  readonly maxChannels: number;
  /** A subscriber whose socket has not drained for this long is disconnected. */
  readonly stallMs: number;
  readonly heartbeatMs: number;
  /** How long a commission nobody watches keeps its ring (a reconnect within it resumes exactly). */
  readonly idleTtlMs: number;
  /** A hard guard: a subscriber with more than this buffered is disconnected (it reconnects with Last-Event-ID and catches up). */
  readonly maxBufferedBytes: number;
}

export const DEFAULT_LIVE_OPTIONS: LiveOptions = {
  // A tenth of a second for a newsroom's crowd; past 4,000 subscribers the budget stretches it
  // (5,000: 125 ms, 10,000: 250 ms, 15,000: 375 ms). Serving streams is this process's main work:
  // at 40,000 writes/s it spent 53–64% of a core from 5,000 subscribers on (bench/HISTORY.md,
  // 2026-12-05 morning), where 20,000 held p99 under 1 s to 10,000 subscribers only.
  windowMs: 100,
  maxWritesPerSecond: 40_000,
  ringSize: 1024,
  ringBytes: 4 * 1024 * 1024,
  maxSubscribers: 20_000,
  maxPerAddress: 2_000,
  maxChannels: 1000,
  stallMs: 60_000,
  heartbeatMs: 15_000,
  idleTtlMs: 10 * 60_000,
  maxBufferedBytes: 4 * 1024 * 1024,
};
