// The rate limiter's memory: the same sliding log as @nestjs/throttler's own storage (every hit
// expires `ttl` after it, a client over the limit is blocked for `blockDuration`), kept in
// O(1) per request. The library's storage filters the whole list of a client's live hits on every
// request, so a client allowed many hits per window (a commission's server posting for thousands
// of precincts, TALLY_RATE_LIMIT raised) costs time in proportion to its own allowance; it also
// spreads that list into Math.min, which throws past ~100k hits. Hits are pushed in time order
// with one ttl per throttler, so the expired ones are always at the front: a moving head drops them.
import type { ThrottlerStorage } from '@nestjs/throttler';

/** What the ThrottlerGuard reads back (the library's ThrottlerStorageRecord). */
export interface HitRecord {
  readonly totalHits: number;
  readonly timeToExpire: number;
  readonly isBlocked: boolean;
  readonly timeToBlockExpire: number;
}

/** Expiry instants of one client's hits under one throttler, oldest first. */
class HitLog {
  private times: number[] = [];
  private head = 0;

  /** Live hits at `now`, after dropping the expired ones. */
  live(now: number): number {
    while (this.head < this.times.length && this.times[this.head] <= now) this.head++;
    // Compact once most of the array is dead, so memory follows the live hits (amortised O(1)).
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  push(expiresAt: number): void {
    this.times.push(expiresAt);
  }

  clear(): void {
    this.times = [];
    this.head = 0;
  }

  /** The earliest expiry among the live hits (after `live`), or undefined. */
  first(): number | undefined {
    return this.head < this.times.length ? this.times[this.head] : undefined;
  }
}

interface ClientRecord {
  expiresAt: number;
  blockExpiresAt: number;
  isBlocked: boolean;
  readonly logs: Map<string, HitLog>;
}

const SWEEP_EVERY_MS = 60_000;

export class HitLogThrottlerStorage implements ThrottlerStorage {
  private readonly clients = new Map<string, ClientRecord>();
  /** Idle clients are swept on the request path (no timer to stop), at most once a minute. */
  private sweptAt = 0;

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<HitRecord> {
    return this.hit(key, ttl, limit, blockDuration, throttlerName, Date.now());
  }

  /** `increment` at a given instant: the library's rules, step by step (ThrottlerStorageService.increment). */
  hit(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string, now: number): HitRecord {
    if (now - this.sweptAt >= SWEEP_EVERY_MS) {
      this.sweptAt = now;
      this.evictIdle(now);
    }
    let client = this.clients.get(key);
    if (!client) {
      client = { expiresAt: now + ttl, blockExpiresAt: 0, isBlocked: false, logs: new Map() };
      this.clients.set(key, client);
    }
    let log = client.logs.get(throttlerName);
    if (!log) {
      log = new HitLog();
      client.logs.set(throttlerName, log);
    }
    let totalHits = log.live(now);
    let timeToExpire = Math.ceil((client.expiresAt - now) / 1000);
    if (timeToExpire <= 0) {
      client.expiresAt = now + ttl;
      timeToExpire = Math.ceil(ttl / 1000);
    }
    if (blockDuration <= 0) {
      const isBlocked = totalHits >= limit;
      if (!isBlocked) {
        log.push(now + ttl);
        totalHits++;
      }
      const first = log.first();
      const timeToBlockExpire = first !== undefined ? Math.ceil((first - now) / 1000) : timeToExpire;
      return { totalHits: totalHits + (isBlocked ? 1 : 0), timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToBlockExpire : 0 };
    }
    if (!client.isBlocked) {
      log.push(now + ttl);
      totalHits++;
    }
    if (totalHits > limit && !client.isBlocked) {
      client.isBlocked = true;
      client.blockExpiresAt = now + blockDuration;
    }
    const timeToBlockExpire = Math.ceil((client.blockExpiresAt - now) / 1000);
    if (timeToBlockExpire <= 0 && client.isBlocked) {
      // The block is over: the client starts afresh with this hit.
      client.isBlocked = false;
      log.clear();
      log.push(now + ttl);
      totalHits = 1;
    }
    return { totalHits, timeToExpire, isBlocked: client.isBlocked, timeToBlockExpire };
  }

  /** Forgets clients with no live hit, window or block: memory follows the active clients. */
  evictIdle(now: number): void {
    for (const [key, client] of this.clients) {
      if ((client.isBlocked && client.blockExpiresAt > now) || client.expiresAt > now) continue;
      if ([...client.logs.values()].some((log) => log.live(now) > 0)) continue;
      this.clients.delete(key);
    }
  }

  /** Clients remembered (live hits, window or block): for tests. */
  get size(): number {
    return this.clients.size;
  }
}
