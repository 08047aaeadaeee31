export const DEFAULT_PORT = 8787;
export const DEFAULT_STORE = 'cassettes/cassettes.db';
export const DEFAULT_CONFIG_FILE = 'cassette.config.json';
/** Default baseline directory, relative to the working directory (SPEC §7). */
export const DEFAULT_CONTRACTS_DIR = 'contracts';

/**
 * The config of a proxy without `cassette.config.json`, and the default of each key the file leaves
 * out (the zod schema takes its `.default()`s from here). Plain data, so that the common case, no
 * config file, needs neither the schema nor zod. Frozen: every server in a process shares it.
 * (Not annotated as ConfigFile, which is inferred from the schema that uses it; the schema's
 * `.default()` calls type-check each part, and a test checks it equals the schema's parse of `{}`.)
 */
export const CONFIG_DEFAULTS = deepFreeze({
  providers: [],
  match: { ignore: [], normalize: [], headers: ['anthropic-version', 'anthropic-beta', 'openai-beta'] },
  redact: [],
  limits: {
    maxBodyBytes: 32 * 1024 * 1024,
    /** Time to wait for the upstream's response headers. */
    upstreamTimeoutMs: 120_000,
    /** Longest silence inside a streamed body; generous for reasoning models. */
    idleTimeoutMs: 300_000,
    /** Silence after which a client socket waiting for a request (fresh or between requests) is closed. */
    clientIdleTimeoutMs: 60_000,
    /** Decoded bytes of one answer that are recorded; past it the answer flows on unrecorded. */
    maxRecordedBytes: 64 * 1024 * 1024,
    /** Decoded bytes per wire byte a compressed answer may reach (past 1 MiB) before it is not recorded. */
    maxDecompressionRatio: 200,
  },
  allowedHosts: [],
  allowedOrigins: [],
  verify: { patterns: [] },
  prices: {},
  contract: { severity: {}, ignore: [] },
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
