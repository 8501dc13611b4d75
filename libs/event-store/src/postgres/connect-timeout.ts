// How long a new PostgreSQL connection may take; no pg import, so the config can check it at start.
/** Seconds to wait for a new connection when DATABASE_URL does not say (`connect_timeout`). */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;

/**
 * libpq's `connect_timeout` (seconds; 0 waits forever) read from the URL's query, else the default.
 * pg itself ignores it, and without a timeout a host that drops packets (a firewall, a failed-over
 * address) holds a start or a reconnect for the kernel's TCP timeout, about two minutes, and a
 * server that accepts and never answers holds it forever.
 */
export function connectTimeoutSeconds(connectionString: string): number {
  let raw: string | null = null;
  try {
    raw = new URL(connectionString).searchParams.get('connect_timeout');
  } catch {
    // Not a URL: pg reports that on the first connection; no timeout of ours to read.
  }
  if (raw === null || raw.trim() === '') return DEFAULT_CONNECT_TIMEOUT_SECONDS;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new Error(`DATABASE_URL's connect_timeout must be a whole number of seconds (0 waits forever), not ${JSON.stringify(raw)}`);
  }
  return seconds;
}
