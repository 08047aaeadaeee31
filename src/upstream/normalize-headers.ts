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
  'openai-processing-ms',
  'openai-organization',
  'openai-project',
  'anthropic-organization-id',
  'x-generation-id',
  'x-goog-api-key',
  'authorization',
  'x-api-key',
  'api-key',
  'strict-transport-security',
]);

// access-control-*: a replayed answer must never grant a web page cross-origin reads.
const VOLATILE_PREFIX = /^(x-ratelimit-|anthropic-ratelimit-|x-groq-|cf-|x-kong-|x-amz|access-control-)/;

/** Response headers as stored: lower-cased, volatile and transport headers dropped, keys sorted. */
export function normalizeResponseHeaders(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of Object.keys(headers).sort()) {
    const lower = name.toLowerCase();
    const value = headers[name];
    if (value === undefined || TRANSPORT.has(lower) || VOLATILE.has(lower) || VOLATILE_PREFIX.test(lower)) continue;
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
