import type { IncomingHttpHeaders } from 'node:http';
import type { MatchedRequest } from '../../match/request-matcher.js';
import type { Route } from '../../providers/registry.js';
import { sessionRulesOf } from '../../providers/registry.js';
import type { Redactor } from '../../safety/create-redactor.js';
import { CREDENTIAL_REPLACEMENT } from '../../safety/credential-patterns.js';
import { HOP_BY_HOP } from '../../upstream/normalize-headers.js';
import type { ProxyRuntime } from '../proxy-runtime.js';
import { envNameOf } from '../../config/provider-keys.js';

const EMPTY = Buffer.alloc(0);

/**
 * The upgrade request in its stored form and its key: keyed like an HTTP GET of the same path
 * (query secrets such as Gemini's `key=` removed, allow-listed headers), plus `upgrade: websocket`
 * so a session never shares a key with a plain GET of its path.
 */
export function sessionRequest(
  rt: ProxyRuntime,
  provider: Route,
  path: string,
  query: string,
  headers: IncomingHttpHeaders,
): MatchedRequest {
  const plain = rt.matcher.match({ method: 'GET', provider: provider.name, path, query, headers, body: EMPTY });
  const request = { ...plain.request, headers: { ...plain.request.headers, upgrade: 'websocket' } };
  return { request, key: rt.matcher.keyOf(provider.name, request) };
}

/** Headers `ws` sets itself for the upstream handshake, or that only concern the hop to the proxy. */
const HANDSHAKE_HEADERS = new Set([
  'host',
  'upgrade',
  'connection',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'content-length',
]);

export interface SessionTarget {
  url: string;
  /** Offered subprotocols as the client sent them (credentials included: the provider needs them). */
  protocols: string[];
  /** The same list as stored: credential subprotocols become `<prefix><REDACTED>`. */
  storedProtocols: string[];
  headers: Record<string, string | string[]>;
}

/** Where a session goes upstream (`https:` → `wss:`), with the client's own headers and subprotocols. */
export function upstreamSessionTarget(
  provider: Route,
  path: string,
  query: string,
  incoming: IncomingHttpHeaders,
  redactor: Redactor,
  apiKeys: Readonly<Record<string, string>> | undefined,
): SessionTarget {
  const base = provider.upstream;
  const url = new URL(base.href);
  url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  // A base URL ending in "/" makes @google/genai ask for `//ws/...`: one slash is meant.
  url.pathname = `${base.pathname.replace(/\/+$/, '')}${path.replace(/^\/+/, '/')}`;
  url.search = query ? `?${query}` : '';
  const headers: Record<string, string | string[]> = {};
  for (const k in incoming) {
    const v = incoming[k];
    if (v === undefined || HOP_BY_HOP.has(k) || HANDSHAKE_HEADERS.has(k) || k.startsWith('x-cassette-')) continue;
    headers[k] = v;
  }
  const envKey = apiKeys?.[envNameOf(provider.name)];
  if (envKey) {
    const [name, value] = provider.provider.apiKeyHeader(envKey);
    if (!headers[name] && !headers.authorization && !/[?&]key=/.test(query)) headers[name] = value;
  }
  const protocols = offeredProtocols(incoming['sec-websocket-protocol']);
  const secret = sessionRulesOf(provider.provider.family).credentialProtocols;
  const storedProtocols = protocols.map((p) => {
    const prefix = secret.find((s) => p.startsWith(s));
    return prefix ? `${prefix}${CREDENTIAL_REPLACEMENT}` : redactor.text(p);
  });
  return { url: url.href, protocols, storedProtocols, headers };
}

export function offeredProtocols(header: string | string[] | undefined): string[] {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}
