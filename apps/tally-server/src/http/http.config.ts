// The HTTP surface's own settings, read from the environment at start-up like the rest of the
// configuration: body limits and the commission endpoints' rate limit. Tests and benchmarks
// raise the rate limit; production keeps it per client address.
import { isIP } from 'node:net';
import { z } from 'zod';

const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const int = (min: number, fallback: number) => z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).default(fallback));

/** proxy-addr's names for address ranges (Fastify's trustProxy takes them too). */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a CIDR block or one of PROXY_RANGE_NAMES: what Fastify's trustProxy list accepts. */
const isProxyEntry = (entry: string): boolean => {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
};

/**
 * Which reverse proxies' X-Forwarded-For the service believes, for the address that rate limits
 * a commission: off (unset), a number of hops, or the proxies' addresses. Behind a proxy without
 * it, every commission shares the proxy's address and one limit. "true" (believe any sender) is
 * refused: any client could then choose its own address, and its own limit.
 */
const trustProxy = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx): false | number | string[] => {
      if (value === undefined || value === 'false') return false;
      if (/^\d+$/.test(value)) return Number(value);
      const entries = value.split(',').map((e) => e.trim());
      const bad = entries.filter((e) => !isProxyEntry(e));
      if (value === 'true' || bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `name the proxies: their addresses or CIDR blocks (or loopback, linklocal, uniquelocal), comma-separated, or how many hops to trust${value === 'true' ? '; "true" would believe any client\'s X-Forwarded-For' : `; not ${bad.map((b) => JSON.stringify(b)).join(', ')}`}`,
        });
        return z.NEVER;
      }
      return entries;
    }),
);

/** Merge into the app's environment schema (appEnvSchema): every key is a variable the service reads. */
export const httpEnvSchema = z.object({
  /** Requests per client address per window on the commission endpoints (429 with Retry-After beyond). */
  TALLY_RATE_LIMIT: int(1, 120),
  TALLY_RATE_WINDOW_MS: int(1, 60_000),
  /** Largest election definition the admin may upload, in bytes. */
  TALLY_DEFINITION_LIMIT: int(1024, 64 * 1024 * 1024),
  /** Refused requests intake keeps in memory for GET /v1/admin/intake-refusals (a ring: the oldest go first). */
  TALLY_RECENT_REFUSALS: int(0, 1_000),
  TALLY_TRUST_PROXY: trustProxy,
});

export interface HttpConfig {
  readonly rateLimit: number;
  readonly rateWindowMs: number;
  /** Every other request body, protocols included: 64 KB. */
  readonly bodyLimit: number;
  readonly definitionLimit: number;
  readonly recentRefusals: number;
  /** Fastify's trustProxy: false (the socket's address counts), hops, or the proxies' addresses. */
  readonly trustProxy: false | number | readonly string[];
}

export const BODY_LIMIT_BYTES = 64 * 1024;

export function loadHttpConfig(env: Readonly<Record<string, string | undefined>> = process.env): HttpConfig {
  const parsed = httpEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid HTTP configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { rateLimit: parsed.data.TALLY_RATE_LIMIT, rateWindowMs: parsed.data.TALLY_RATE_WINDOW_MS, bodyLimit: BODY_LIMIT_BYTES, definitionLimit: parsed.data.TALLY_DEFINITION_LIMIT, recentRefusals: parsed.data.TALLY_RECENT_REFUSALS, trustProxy: parsed.data.TALLY_TRUST_PROXY };
}

export const HTTP_CONFIG = Symbol('HTTP_CONFIG');
