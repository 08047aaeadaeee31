import type { IncomingHttpHeaders } from 'node:http';

/** Transport headers: they describe one connection or one encoding, never the answer. */
const TRANSPORT = new Set(['content-length', 'transfer-encoding', 'connection', 'content-encoding', 'keep-alive']);

/** Headers that change on every call or identify an account: dropped so cassettes diff cleanly. */
const VOLATILE = new Set([
  'date',
  'age',
  'expires',
  'etag',
  'set-cookie',
  'cookie',
  'cf-ray',
  'cf-cache-status',
  'server-timing',
  'alt-svc',
  'nel',
  'report-to',
  'via',
  'x-request-id',
  'request-id',
  'x-amzn-requestid',
  'x-amz-cf-id',
  'x-cloud-trace-context',
  'x-envoy-upstream-service-time',
  'x-generation-id',
  'authorization',
  'x-api-key',
  'api-key',
  'strict-transport-security',
]);

const VOLATILE_PREFIX = /^(x-ratelimit-|x-groq-|cf-|x-kong-|x-amz)/;

/** A provider's own volatile headers (each provider module names them): names, and prefixes. */
export interface VolatileHeaders {
  names: ReadonlySet<string>;
  prefixes: readonly string[];
}

const NONE: VolatileHeaders = { names: new Set(), prefixes: [] };

/** Response headers as stored: lower-cased, volatile and transport headers dropped, keys sorted. */
export function normalizeResponseHeaders(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
  providers: VolatileHeaders = NONE,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of Object.keys(headers).sort()) {
    const lower = name.toLowerCase();
    const value = headers[name];
    if (value === undefined || TRANSPORT.has(lower) || VOLATILE.has(lower) || VOLATILE_PREFIX.test(lower)) continue;
    if (providers.names.has(lower) || providers.prefixes.some((p) => lower.startsWith(p))) continue;
    out[lower] = value;
  }
  return out;
}

/** Hop-by-hop request headers a proxy must not forward (RFC 9110 §7.6.1), plus host and length. */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'expect',
]);
