import type { ProviderConfig } from '../config/config-schema.js';
import { CassetteError } from '../errors.js';
import type { FamilyName } from '../types.js';
import type { Family } from './family.js';
import { familyByName } from './family-by-name.js';

/** A routable provider: `/<name>/...` on the proxy goes to `upstream` + the rest of the path. */
export interface Provider {
  readonly name: string;
  readonly upstream: URL;
  readonly family: Family;
  /** Environment variable the SUT's SDK reads for this provider's base URL. */
  readonly baseUrlEnv: string;
  readonly baseUrlSuffix: string;
}

interface BuiltIn {
  name: string;
  upstream: string;
  family: FamilyName;
  baseUrlEnv: string;
  baseUrlSuffix?: string;
}

/** SPEC §2: the providers routed without any configuration. */
export const BUILT_IN_PROVIDERS: readonly BuiltIn[] = [
  { name: 'openai', upstream: 'https://api.openai.com', family: 'openai', baseUrlEnv: 'OPENAI_BASE_URL' },
  { name: 'anthropic', upstream: 'https://api.anthropic.com', family: 'anthropic', baseUrlEnv: 'ANTHROPIC_BASE_URL' },
  {
    name: 'gemini',
    upstream: 'https://generativelanguage.googleapis.com',
    family: 'gemini',
    baseUrlEnv: 'GOOGLE_GEMINI_BASE_URL',
  },
  { name: 'openrouter', upstream: 'https://openrouter.ai/api', family: 'openai', baseUrlEnv: 'OPENROUTER_BASE_URL' },
];

/**
 * Builds the provider table: built-ins, then config providers (which may replace a built-in of
 * the same name), then upstream overrides (`--upstream NAME=URL`, `CASSETTE_UPSTREAM_<NAME>`).
 */
export function createProviderRegistry(
  configured: readonly ProviderConfig[],
  upstreamOverrides: Readonly<Record<string, string>>,
): ReadonlyMap<string, Provider> {
  const table = new Map<string, Provider>();
  for (const p of [...BUILT_IN_PROVIDERS, ...configured]) {
    const family = familyByName(p.family);
    table.set(p.name, {
      name: p.name,
      upstream: parseUpstream(p.name, p.upstream),
      family,
      baseUrlEnv: p.baseUrlEnv ?? `${p.name.toUpperCase().replace(/-/g, '_')}_BASE_URL`,
      baseUrlSuffix: p.baseUrlSuffix ?? family.baseUrlSuffix,
    });
  }
  for (const [name, url] of Object.entries(upstreamOverrides)) {
    const provider = table.get(name);
    if (!provider) {
      throw new CassetteError('bad_usage', `--upstream names an unknown provider "${name}"`, {
        hint: `Known providers: ${[...table.keys()].join(', ')}. Add others to cassette.config.json "providers".`,
      });
    }
    table.set(name, { ...provider, upstream: parseUpstream(name, url) });
  }
  return table;
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
