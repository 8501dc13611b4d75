// The HTTP surface's own settings, read from the environment at start-up like the rest of the
// configuration: body limits and the commission endpoints' rate limit. Tests and benchmarks
// raise the rate limit; production keeps it per client address.
import { z } from 'zod';

const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const int = (min: number, fallback: number) => z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).default(fallback));

/** Merge into the app's environment schema (appEnvSchema): every key is a variable the service reads. */
export const httpEnvSchema = z.object({
  /** Requests per client address per window on the commission endpoints (429 with Retry-After beyond). */
  TALLY_RATE_LIMIT: int(1, 120),
  TALLY_RATE_WINDOW_MS: int(1, 60_000),
  /** Largest election definition the admin may upload, in bytes. */
  TALLY_DEFINITION_LIMIT: int(1024, 64 * 1024 * 1024),
  /** Refused requests intake keeps in memory for GET /v1/admin/intake-refusals (a ring: the oldest go first). */
  TALLY_RECENT_REFUSALS: int(0, 1_000),
});

export interface HttpConfig {
  readonly rateLimit: number;
  readonly rateWindowMs: number;
  /** Every other request body, protocols included: 64 KB. */
  readonly bodyLimit: number;
  readonly definitionLimit: number;
  readonly recentRefusals: number;
}

export const BODY_LIMIT_BYTES = 64 * 1024;

export function loadHttpConfig(env: Readonly<Record<string, string | undefined>> = process.env): HttpConfig {
  const parsed = httpEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid HTTP configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { rateLimit: parsed.data.TALLY_RATE_LIMIT, rateWindowMs: parsed.data.TALLY_RATE_WINDOW_MS, bodyLimit: BODY_LIMIT_BYTES, definitionLimit: parsed.data.TALLY_DEFINITION_LIMIT, recentRefusals: parsed.data.TALLY_RECENT_REFUSALS };
}

export const HTTP_CONFIG = Symbol('HTTP_CONFIG');
