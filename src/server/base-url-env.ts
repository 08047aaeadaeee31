import type { Route } from '../providers/registry.js';

/** `OPENAI_BASE_URL=http://127.0.0.1:8787/openai/v1`, one per provider. */
export function baseUrlEnv(url: string, providers: ReadonlyMap<string, Route>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of providers.values()) env[p.baseUrlEnv] = `${url}/${p.name}${p.baseUrlSuffix}`;
  // Some SDKs read another name too (each provider module lists them).
  for (const p of providers.values()) {
    if (p.baseUrlEnv !== p.provider.baseUrlEnv) continue;
    for (const alias of p.provider.baseUrlEnvAliases ?? []) env[alias] = env[p.baseUrlEnv] as string;
  }
  env.CASSETTE_URL = url;
  return env;
}
