import { assertUpstreamAllowed } from '../safety/assert-upstream-allowed.js';
import { HOP_BY_HOP } from '../upstream/normalize-headers.js';
import type { ProxyCall } from './handle-proxy-call.js';

/**
 * The request as the provider gets it: the SUT's own headers and bytes, minus hop-by-hop and
 * `x-cassette-*` headers. A key in `CASSETTE_<PROVIDER>_API_KEY` is added when the SUT sent none,
 * so a SUT under test needs no key of its own.
 */
export function buildUpstreamRequest(
  call: ProxyCall,
  allow: readonly string[] | undefined,
): { url: URL; headers: Record<string, string | string[]> } {
  const base = call.provider.upstream;
  const url = new URL(base.href);
  // A bare origin's pathname is '/', never '': without the trim, /v1/x would go upstream as //v1/x.
  url.pathname = `${base.pathname.replace(/\/+$/, '')}${call.path}`;
  url.search = call.query ? `?${call.query}` : '';
  assertUpstreamAllowed(url, allow);
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(call.req.headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || k.startsWith('x-cassette-')) continue;
    headers[k] = v;
  }
  const envKey = process.env[`CASSETTE_${call.provider.name.toUpperCase().replace(/-/g, '_')}_API_KEY`];
  if (envKey) {
    const [name, value] = call.provider.family.apiKeyHeader(envKey);
    if (!headers[name] && !headers.authorization && !/[?&]key=/.test(call.query)) headers[name] = value;
  }
  return { url, headers };
}
