import { envNameOf } from '../config/provider-keys.js';
import { CassetteError } from '../errors.js';
import { assertUpstreamAllowed } from '../safety/assert-upstream-allowed.js';
import type { Route } from '../providers/registry.js';
import { connectionListed, HOP_BY_HOP } from '../upstream/normalize-headers.js';
import type { ProxyCall } from './proxy-call.js';

/** Where a provider's requests go, worked out (and checked against the allow-list it names) once. */
const targets = new WeakMap<Route, { origin: string; basePath: string; allow: readonly string[] | undefined; envName: string }>();

/**
 * The request as the provider gets it: the SUT's own headers and bytes, minus hop-by-hop and
 * `x-cassette-*` headers. A key from `CASSETTE_<PROVIDER>_API_KEY` (read once into the options) is added when the SUT sent none,
 * so a SUT under test needs no key of its own.
 */
export function buildUpstreamRequest(
  call: ProxyCall,
  allow: readonly string[] | undefined,
  apiKeys: Readonly<Record<string, string>> | undefined,
): { origin: string; path: string; headers: Record<string, string | string[]> } {
  if (call.route.upstreamMissing !== undefined) {
    // The hint goes in the message too: the SUT's SDK shows the message, not our hint.
    const hint = call.route.upstreamMissing;
    throw new CassetteError('bad_config', `provider ${call.route.name} has no upstream to forward to. ${hint}`, { hint });
  }
  let target = targets.get(call.route);
  if (!target || target.allow !== allow) {
    const base = call.route.upstream;
    assertUpstreamAllowed(base, allow);
    // A bare origin's pathname is '/', never '': without the trim, /v1/x would go upstream as //v1/x.
    target = { origin: base.origin, basePath: base.pathname.replace(/\/+$/, ''), allow, envName: envNameOf(call.route.name) };
    targets.set(call.route, target);
  }
  const headers: Record<string, string | string[]> = {};
  const incoming = call.req.headers;
  const listed = connectionListed(incoming);
  for (const k in incoming) {
    const v = incoming[k];
    // HTTP/2 pseudo-headers (`:path`, `:authority`, from the --tls listener) are not headers upstream.
    if (v === undefined || HOP_BY_HOP.has(k) || listed.has(k) || k.startsWith('x-cassette-') || k.charCodeAt(0) === 58) continue;
    headers[k] = v;
  }
  const envKey = apiKeys?.[target.envName];
  if (envKey) {
    const [name, value] = call.route.provider.apiKeyHeader(envKey);
    if (!headers[name] && !headers.authorization && !/[?&]key=/.test(call.query)) headers[name] = value;
  }
  let origin = target.origin;
  const placed = call.route.provider.upstreamFor?.(call.route.upstream, call.path);
  if (placed !== undefined && placed.origin !== origin) {
    assertUpstreamAllowed(placed, allow);
    origin = placed.origin;
  }
  return { origin, path: `${target.basePath}${call.path}${call.query ? `?${call.query}` : ''}`, headers };
}
