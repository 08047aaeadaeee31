/**
 * Provider API keys from the environment, read here and nowhere else (issue 12 item 5): the proxy
 * reads `CASSETTE_<NAME>_API_KEY` once into its options (`CassetteOptions.apiKeys`); the commands
 * that resend recorded requests ask `resendApiKey`.
 */

/** A provider's name as it appears in variable names: `open-router` → `OPEN_ROUTER`. */
export function envNameOf(provider: string): string {
  return provider.toUpperCase().replace(/-/g, '_');
}

/** Every `CASSETTE_<NAME>_API_KEY` set (and not empty), keyed by `<NAME>`; frozen. */
export function readProxyApiKeys(env: NodeJS.ProcessEnv): Readonly<Record<string, string>> {
  const keys: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const m = /^CASSETTE_(.+)_API_KEY$/.exec(name);
    if (m?.[1] && value) keys[m[1]] = value;
  }
  return Object.freeze(keys);
}

/**
 * The key a command resending recorded requests uses for a provider: `CASSETTE_<NAME>_API_KEY`,
 * then `<NAME>_API_KEY`, then the variables the provider's own SDKs read (`apiKeyEnv`).
 */
export function resendApiKey(
  provider: string,
  apiKeyEnv: readonly string[] | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const name = envNameOf(provider);
  let key = env[`CASSETTE_${name}_API_KEY`] ?? env[`${name}_API_KEY`];
  for (const other of apiKeyEnv ?? []) key ??= env[other];
  return key;
}
