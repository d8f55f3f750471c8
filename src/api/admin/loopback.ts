/**
 * Who may call the admin routes: a process on this machine, talking to us directly. The routes have no other
 * authentication, so each condition closes a way around "the caller is local":
 * - the peer address is loopback (a remote client, whatever it claims, is not);
 * - no proxy header: a reverse proxy on this host would make every remote request look local;
 * - the Host header names a loopback host: a web page can make a browser send requests to 127.0.0.1, but a DNS
 *   name rebound to 127.0.0.1 still carries its own name in Host;
 * - (checked by the routes) a JSON body: a cross-site form cannot send `application/json` without a CORS preflight,
 *   which this server never grants.
 */
import type { IncomingHttpHeaders } from 'node:http';

const LOOPBACK_PEERS = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface RequestOrigin {
  readonly remoteAddress: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

export function isLoopbackRequest(req: RequestOrigin): boolean {
  if (!req.remoteAddress || !LOOPBACK_PEERS.has(req.remoteAddress)) return false;
  if (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined) return false;
  const host = req.headers.host;
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
  return LOOPBACK_HOSTS.has(name.toLowerCase());
}
