import { CassetteError } from '../errors.js';
import { anthropic } from './anthropic/provider.js';
import { azure } from './azure/provider.js';
import { bedrock } from './bedrock/provider.js';
import { cerebras } from './cerebras/provider.js';
import { cohere } from './cohere/provider.js';
import { deepseek } from './deepseek/provider.js';
import { fireworks } from './fireworks/provider.js';
import { gemini } from './gemini/provider.js';
import { groq } from './groq/provider.js';
import { mcp } from './mcp/provider.js';
import { mistral } from './mistral/provider.js';
import { openai } from './openai/provider.js';
import { openrouter } from './openrouter/provider.js';
import { perplexity } from './perplexity/provider.js';
import { together } from './together/provider.js';
import { vertex } from './vertex/provider.js';
import { xai } from './xai/provider.js';
import type { Provider } from './provider.js';
import type { SessionRules } from './session-rules.js';
import { genericSessionRules } from './session-rules.js';

/** A provider the config file adds (`providers` in cassette.config.json). */
export interface RouteConfig {
  name: string;
  upstream: string;
  family: string;
  baseUrlEnv?: string | undefined;
  baseUrlSuffix?: string | undefined;
}

/** A routable provider: `/<name>/...` on the proxy goes to `upstream` + the rest of the path. */
export interface Route {
  readonly name: string;
  readonly upstream: URL;
  /** The provider module that speaks this route's wire protocol. */
  readonly provider: Provider;
  /** Environment variable the SUT's SDK reads for this route's base URL. */
  readonly baseUrlEnv: string;
  readonly baseUrlSuffix: string;
  /** Set when the route has no upstream yet (Azure without an endpoint): what forwarding tells the user. */
  readonly upstreamMissing?: string;
}

/** Stands in for the upstream of a route that has none yet: `.invalid` never resolves. */
const NO_UPSTREAM = 'https://upstream-not-set.invalid';

/**
 * The provider modules, built-ins first (SPEC §2: the routes served without configuration, in
 * this order). The list is the registry: nothing else names a provider.
 */
const PROVIDERS: Provider[] = [
  openai,
  anthropic,
  gemini,
  openrouter,
  azure,
  vertex,
  cohere,
  mistral,
  groq,
  deepseek,
  xai,
  together,
  fireworks,
  cerebras,
  perplexity,
  bedrock,
  mcp,
];

/**
 * Adds a provider module (or replaces one of the same name). Registered before a server starts,
 * it is routed at `/<name>/` when it has an `upstream`, and config providers may name its family.
 */
export function registerProvider(provider: Provider): void {
  const at = PROVIDERS.findIndex((p) => p.name === provider.name);
  if (at === -1) PROVIDERS.push(provider);
  else PROVIDERS[at] = provider;
  registryGeneration++;
  volatileHeaders = undefined;
}

/** Counts registerProvider calls: what is derived from the list and cached is rebuilt when it moves. */
let registryGeneration = 0;

/** Changes whenever a provider module is registered (for caches of what derives from the list). */
export function providersGeneration(): number {
  return registryGeneration;
}

/** Every registered provider module, built-ins first. */
export function allProviders(): readonly Provider[] {
  return PROVIDERS;
}

/** The module that speaks a wire family (the first registered of it); undefined for an unknown one. */
export function providerOfFamily(family: string): Provider | undefined {
  return PROVIDERS.find((p) => p.family === family);
}

/** The wire families config providers may name. */
export function knownFamilies(): string[] {
  return [...new Set(PROVIDERS.map((p) => p.family))];
}

/**
 * Builds the provider table: built-ins, then config providers (which may replace a built-in of
 * the same name), then upstream overrides (`--upstream NAME=URL`, `CASSETTE_UPSTREAM_<NAME>`).
 */
export function createProviderRegistry(
  configured: readonly RouteConfig[],
  upstreamOverrides: Readonly<Record<string, string>>,
): ReadonlyMap<string, Route> {
  const table = new Map<string, Route>();
  for (const p of PROVIDERS) {
    if (p.upstream !== undefined) table.set(p.name, route(p.name, p.upstream, p, p.baseUrlEnv, p.baseUrlSuffix));
    // Routed (golden needs no upstream) but not forwardable until the user names its host.
    else if (p.upstreamEnv !== undefined) {
      const hint = p.upstreamHint ?? `Set ${p.upstreamEnv} or --upstream ${p.name}=URL.`;
      table.set(p.name, { ...route(p.name, NO_UPSTREAM, p, p.baseUrlEnv, p.baseUrlSuffix), upstreamMissing: hint });
    }
  }
  for (const p of configured) {
    const provider = providerOfFamily(p.family);
    if (!provider) {
      throw new CassetteError('bad_config', `provider "${p.name}" names an unknown family "${p.family}"`, {
        hint: `Known families: ${knownFamilies().join(', ')}.`,
      });
    }
    table.set(p.name, route(p.name, p.upstream, provider, p.baseUrlEnv, p.baseUrlSuffix ?? provider.baseUrlSuffix));
  }
  for (const [name, url] of Object.entries(upstreamOverrides)) {
    const provider = table.get(name);
    if (!provider) {
      throw new CassetteError('bad_usage', `--upstream names an unknown provider "${name}"`, {
        hint: `Known providers: ${[...table.keys()].join(', ')}. Add others to cassette.config.json "providers".`,
      });
    }
    const { upstreamMissing: _unset, ...rest } = provider;
    table.set(name, { ...rest, upstream: parseUpstream(name, url) });
  }
  return table;
}

function route(name: string, upstream: string, provider: Provider, baseUrlEnv: string | undefined, baseUrlSuffix: string): Route {
  return {
    name,
    upstream: parseUpstream(name, upstream),
    provider,
    baseUrlEnv: baseUrlEnv ?? `${name.toUpperCase().replace(/-/g, '_')}_BASE_URL`,
    baseUrlSuffix,
  };
}

function parseUpstream(name: string, url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CassetteError('bad_config', `upstream of provider "${name}" is not a URL: ${url}`, {
      hint: 'Write it as http(s)://host[:port][/prefix].',
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CassetteError('bad_config', `upstream of provider "${name}" must be http or https: ${url}`);
  }
  // A path prefix (openrouter.ai/api) is kept without its trailing slash: request paths start with one.
  parsed.pathname = parsed.pathname.replace(/\/+$/, '');
  parsed.search = '';
  parsed.hash = '';
  return parsed;
}

/**
 * Upstreams named by the providers' own environment variables (`AZURE_OPENAI_ENDPOINT`), for the
 * providers that have no fixed host; `--upstream` and `CASSETTE_UPSTREAM_<NAME>` override them.
 */
export function upstreamsFromEnv(env: NodeJS.ProcessEnv, configured: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of PROVIDERS) {
    if (configured.has(p.name)) continue;
    const value = p.upstreamEnv === undefined ? undefined : env[p.upstreamEnv];
    if (value) out[p.name] = value;
  }
  return out;
}

/**
 * The response headers of every provider module that are never stored (account ids, rate-limit
 * counters): applied whatever the route, since one upstream may answer in another's headers.
 */
export function volatileResponseHeaders(): { names: ReadonlySet<string>; prefixes: readonly string[] } {
  // Asked once per recorded answer: built once per registry state, not per call.
  volatileHeaders ??= {
    names: new Set(PROVIDERS.flatMap((p) => p.volatileResponseHeaders ?? [])),
    prefixes: Object.freeze(PROVIDERS.flatMap((p) => p.volatileResponseHeaderPrefixes ?? [])),
  };
  return volatileHeaders;
}

let volatileHeaders: { names: ReadonlySet<string>; prefixes: readonly string[] } | undefined;

/** The WebSocket rules of a wire family (a family without a socket API gets neutral ones). */
export function sessionRulesOf(family: string): SessionRules {
  return providerOfFamily(family)?.sessionRules ?? genericSessionRules;
}
