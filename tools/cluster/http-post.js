'use strict';
// JSON POSTs for the load generators (load.js, and the SSE bench's bench/sse-load.ts): undici's
// Pool, a keep-alive connection pool per origin. On a 2-core box the generator's CPU is taken from
// the service it measures, so it should cost as little as a client can: 20,000 POSTs, 64 in flight,
// against a bare node:http server (tools measured here on 2026-12-05): fetch about 450 µs of CPU a
// request, node:http with a keep-alive agent 85–130 µs, undici's Pool 40–55 µs. The callers bound
// what is in flight; the pool opens a connection per request in flight, as the agent did.
const { Pool } = require('undici');

/**
 * post(base, path, body) answers { status, text, retryAfter } and rejects on a connection error
 * or no answer within timeoutMs; destroy() closes every socket (a finished run leaves none open).
 */
function createPoster({ timeoutMs = 30_000 } = {}) {
  const pools = new Map();
  async function post(base, path, body) {
    const target = new URL(path, base);
    let pool = pools.get(target.origin);
    if (!pool) pools.set(target.origin, (pool = new Pool(target.origin, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs })));
    const res = await pool.request({ method: 'POST', path: target.pathname + target.search, headers: { 'content-type': 'application/json' }, body });
    const text = await res.body.text();
    const retryAfter = res.headers['retry-after'];
    return { status: res.statusCode, text, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter };
  }
  function destroy() {
    // Sockets close now; a failure to close one is no answer anyone waits for.
    for (const pool of pools.values()) pool.destroy().catch(() => undefined);
    pools.clear();
  }
  return { post, destroy };
}

module.exports = { createPoster };
