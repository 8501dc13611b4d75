// Behind a reverse proxy every request comes from the proxy: the access lines' req.remoteAddress
// names it, not the client. Where TALLY_TRUST_PROXY names the proxies, the client's address from
// X-Forwarded-For (Fastify's request.ip, the one the rate limit counts) is kept here for the
// request by an onRequest hook (http/node-hooks.ts), and each access line adds it as clientAddress.
import type { IncomingMessage } from 'node:http';

const forwarded = new WeakMap<IncomingMessage, string>();

/** Keeps the client's address for the request, when it is not the socket's. */
export function noteClientAddress(req: IncomingMessage, ip: string): void {
  if (ip !== req.socket.remoteAddress) forwarded.set(req, ip);
}

/** `{ clientAddress }` for a request forwarded by a trusted proxy; `{}` for any other. */
export function clientAddressProps(req: IncomingMessage): { clientAddress?: string } {
  const clientAddress = forwarded.get(req);
  return clientAddress === undefined ? {} : { clientAddress };
}
