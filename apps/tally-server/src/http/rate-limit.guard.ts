// The commission endpoints' rate limiter: @nestjs/throttler's ThrottlerGuard with the options
// ThrottlerModule holds (IntakeModule: one throttler, our O(1) storage, key and tracker), judged
// by the same rules, with the same headers and the same 429 — decided synchronously. The library's
// guard looks up five route overrides through the Reflector and awaits six promises on every
// request; no route here declares an override or a skip, so the values are taken once, at start,
// and a configuration this guard cannot honour (several throttlers, a limit computed per request,
// requests to skip, headers off, another message) stops the start-up instead of being judged otherwise. Measured on intake
// alone (bench/HISTORY.md): the library's guard was 3–6% of intake's CPU a request.
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { InjectThrottlerOptions, InjectThrottlerStorage, normalizeIp, ThrottlerException, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HitLogThrottlerStorage } from './hit-log-throttler.storage';
import type { HttpConfig } from './http.config';

/** ThrottlerModule's options for the commission endpoints (IntakeModule): what this guard judges by. */
export function rateLimitOptions(http: Pick<HttpConfig, 'rateLimit' | 'rateWindowMs' | 'trustProxy'>): ThrottlerModuleOptions {
  return {
    throttlers: [{ ttl: http.rateWindowMs, limit: http.rateLimit }],
    // O(1) per request (hit-log-throttler.storage.ts); the key as the library builds it, less
    // its SHA-256 (a client's address and a route name need no hashing to stay short).
    storage: new HitLogThrottlerStorage(),
    generateKey: (context, tracker, name) => `${context.getClass().name}-${context.getHandler().name}-${name}-${tracker}`,
    // The client's address, as the library's default reads it (req.ip). With no proxy trusted
    // (TALLY_TRUST_PROXY unset) that is the socket's, read without proxy-addr's parsing per
    // request; behind trusted proxies, Fastify's request.ip: the nearest address in
    // X-Forwarded-For that no trusted proxy holds. IPv6 clients count by their /64, as by default.
    getTracker:
      http.trustProxy === false
        ? (req) => normalizeIp((req as FastifyRequest).socket.remoteAddress ?? '')
        : (req) => normalizeIp((req as FastifyRequest).ip),
  };
}

const HEADER_PREFIX = 'X-RateLimit';
const DEFAULT_NAME = 'default';

type Tracker = (req: Record<string, unknown>, context: ExecutionContext) => Promise<string> | string;
type KeyOf = (context: ExecutionContext, tracker: string, throttlerName: string) => string;

@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly name: string;
  private readonly limit: number;
  private readonly ttl: number;
  private readonly blockDuration: number;
  private readonly tracker: Tracker;
  private readonly keyOf: KeyOf;
  private readonly storage: HitLogThrottlerStorage;
  /** The library's header names: `-<name>` after each but for the default throttler. */
  private readonly suffix: string;

  constructor(@InjectThrottlerOptions() options: ThrottlerModuleOptions, @InjectThrottlerStorage() storage: ThrottlerStorage) {
    const refuse = (why: string): never => {
      throw new Error(`RateLimitGuard: ${why}; use @nestjs/throttler's ThrottlerGuard for that`);
    };
    if (Array.isArray(options) || options.throttlers.length !== 1) refuse('it judges by exactly one throttler');
    const common = options as Exclude<ThrottlerModuleOptions, readonly unknown[]>;
    const [t] = common.throttlers;
    if (typeof t.limit !== 'number' || typeof t.ttl !== 'number' || (t.blockDuration !== undefined && typeof t.blockDuration !== 'number')) {
      refuse('its limit, ttl and block duration are numbers fixed at start');
    }
    if (t.ignoreUserAgents ?? common.ignoreUserAgents ?? t.skipIf ?? common.skipIf) refuse('it skips no request');
    if ((t.setHeaders ?? common.setHeaders) === false || common.errorMessage !== undefined) refuse("it sets the library's headers and answers with its message");
    const tracker = t.getTracker ?? common.getTracker;
    const keyOf = t.generateKey ?? common.generateKey;
    if (!tracker || !keyOf) refuse('it needs getTracker and generateKey in the options');
    if (!(storage instanceof HitLogThrottlerStorage)) refuse('it answers from HitLogThrottlerStorage, synchronously');
    this.name = t.name ?? DEFAULT_NAME;
    this.limit = t.limit as number;
    this.ttl = t.ttl as number;
    // The library's default: blocked for as long as the window.
    this.blockDuration = (t.blockDuration as number | undefined) ?? this.ttl;
    this.tracker = tracker as Tracker;
    this.keyOf = keyOf as KeyOf;
    this.storage = storage as HitLogThrottlerStorage;
    this.suffix = this.name === DEFAULT_NAME ? '' : `-${this.name}`;
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const req = http.getRequest<Record<string, unknown>>();
    const reply = http.getResponse<FastifyReply>();
    const tracker = this.tracker(req, context);
    if (typeof tracker !== 'string') throw new Error('RateLimitGuard: getTracker answers synchronously');
    const hit = this.storage.hit(this.keyOf(context, tracker, this.name), this.ttl, this.limit, this.blockDuration, this.name, Date.now());
    if (hit.isBlocked) {
      reply.header(`Retry-After${this.suffix}`, hit.timeToBlockExpire);
      throw new ThrottlerException();
    }
    reply.header(`${HEADER_PREFIX}-Limit${this.suffix}`, this.limit);
    reply.header(`${HEADER_PREFIX}-Remaining${this.suffix}`, Math.max(0, this.limit - hit.totalHits));
    reply.header(`${HEADER_PREFIX}-Reset${this.suffix}`, hit.timeToExpire);
    return true;
  }
}
