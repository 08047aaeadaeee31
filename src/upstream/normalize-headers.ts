import type { IncomingHttpHeaders } from 'node:http';

/**
 * Transport headers: they describe one connection or one encoding, never the answer. A stored
 * `trailer` made every replay a 500 (Node refuses it without chunked trailers), so the hop-by-hop
 * headers of RFC 9110 §7.6.1 and every header `Connection:` names are transport too.
 */
const TRANSPORT = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'content-encoding',
  'keep-alive',
  'trailer',
  'upgrade',
  'proxy-connection',
  'te',
]);

const LISTS_NONE: ReadonlySet<string> = new Set();

/**
 * The header names a `Connection:` header lists (hop-by-hop by declaration), lower-cased. Read on
 * every forwarded request and answer: the usual values (none, `keep-alive`, `close`) list nothing
 * and allocate nothing.
 */
export function connectionListed(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): ReadonlySet<string> {
  const value = headers.connection ?? headers.Connection;
  if (value === undefined || value === 'keep-alive' || value === 'close') return LISTS_NONE;
  const names = new Set<string>();
  for (const part of (Array.isArray(value) ? value.join(',') : (value ?? '')).split(',')) {
    const name = part.trim().toLowerCase();
    if (name && name !== 'close' && name !== 'keep-alive') names.add(name);
  }
  return names;
}

/** True for a header a proxy neither stores nor passes on (see TRANSPORT). */
export function isTransportHeader(name: string): boolean {
  return TRANSPORT.has(name);
}

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

// access-control-*: a replayed answer must never grant a web page cross-origin reads.
const VOLATILE_PREFIX = /^(x-ratelimit-|x-groq-|cf-|x-kong-|x-amz|access-control-)/;

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
  const listed = connectionListed(headers);
  for (const name of Object.keys(headers).sort()) {
    const lower = name.toLowerCase();
    const value = headers[name];
    if (value === undefined || TRANSPORT.has(lower) || listed.has(lower) || VOLATILE.has(lower) || VOLATILE_PREFIX.test(lower)) continue;
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
