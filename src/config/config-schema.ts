import { z } from 'zod';
import { gatesConfigSchema } from './gates-config-schema.js';
import { parseJsonPath } from '../util/json-path.js';
import { knownFamilies } from '../providers/registry.js';
import { CONFIG_DEFAULTS } from './config-defaults.js';
import { MODES } from '../types.js';

/** A regex replacement on string values; `path` limits it to one JSON path (dots and `[*]`). */
const rewriteRule = z
  .object({
    pattern: z.string().refine(isValidRegex, { message: 'Invalid regular expression' }),
    replacement: z.string().default(''),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'Only the flags i, m, s, u are allowed')
      .optional(),
    path: jsonPathString().optional(),
  })
  .strict()
  // The pattern must also compile with its flags (`u` is stricter; a flag may not repeat), as the
  // proxy compiles it at start: an error here names the key instead of failing the server later.
  .superRefine((rule, ctx) => {
    if (!rule.flags || !isValidRegex(rule.pattern) || !/^[imsu]*$/.test(rule.flags)) return;
    try {
      new RegExp(rule.pattern, `g${rule.flags}`);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['flags'], message: `Invalid with this pattern: ${(err as Error).message}` });
    }
  });

const providerName = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'Provider names are lower-case letters, digits, - and _');

const provider = z
  .object({
    name: providerName,
    upstream: z.url({ protocol: /^https?$/, message: 'Invalid URL (http or https)' }),
    // Any family a provider module speaks; the JSON schema lists the built-in ones.
    family: z.string().refine((f) => knownFamilies().includes(f), {
      error: (issue) =>
        `Invalid option: expected one of ${knownFamilies()
          .map((f) => JSON.stringify(f))
          .join('|')}, got ${JSON.stringify(issue.input)}`,
    }),
    /** Environment variable that the SUT's SDK reads for this provider's base URL. */
    baseUrlEnv: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/)
      .optional(),
    /** Path appended to the proxy URL in that variable (e.g. `/v1` for OpenAI-compatible SDKs). */
    baseUrlSuffix: z.string().optional(),
  })
  .strict();

/** The file `cassette.config.json`: every key optional, defaults filled in from CONFIG_DEFAULTS. */
export const configFileSchema = z
  .object({
    $schema: z.string().optional(),
    providers: z.array(provider).default(CONFIG_DEFAULTS.providers),
    match: z
      .object({
        ignore: z.array(jsonPathString()).default(CONFIG_DEFAULTS.match.ignore),
        normalize: z.array(rewriteRule).default(CONFIG_DEFAULTS.match.normalize),
        headers: z.array(z.string().min(1)).default(CONFIG_DEFAULTS.match.headers),
      })
      .strict()
      .default(CONFIG_DEFAULTS.match),
    redact: z.array(rewriteRule).default(CONFIG_DEFAULTS.redact),
    limits: z
      .object({
        maxBodyBytes: z.number().int().positive().default(CONFIG_DEFAULTS.limits.maxBodyBytes),
        /** Time to wait for the upstream's response headers. */
        upstreamTimeoutMs: z.number().int().positive().default(CONFIG_DEFAULTS.limits.upstreamTimeoutMs),
        /** Longest silence inside a streamed body; generous for reasoning models. */
        idleTimeoutMs: z.number().int().positive().default(CONFIG_DEFAULTS.limits.idleTimeoutMs),
        /** Silence after which a client socket with no request under way is closed. */
        clientIdleTimeoutMs: z.number().int().positive().default(CONFIG_DEFAULTS.limits.clientIdleTimeoutMs),
        /** Decoded bytes of one answer that are recorded; the answer itself always flows on. */
        maxRecordedBytes: z.number().int().positive().default(CONFIG_DEFAULTS.limits.maxRecordedBytes),
        /** Decoded bytes per compressed byte, past the first MiB, before a compressed answer is not recorded. */
        maxDecompressionRatio: z.number().positive().default(CONFIG_DEFAULTS.limits.maxDecompressionRatio),
      })
      .strict()
      .default(CONFIG_DEFAULTS.limits),
    allowUpstream: z.array(z.string().min(1)).optional(),
    /** Host names (besides loopback names and the bound address) requests may carry; `*` allows any. */
    allowedHosts: z.array(z.string().min(1)).default(CONFIG_DEFAULTS.allowedHosts),
    /** Web origins whose pages may call providers through the proxy; `*` allows any. */
    allowedOrigins: z.array(z.string().min(1)).default(CONFIG_DEFAULTS.allowedOrigins),
    verify: z
      .object({
        patterns: z
          .array(z.string().refine(isValidRegex, { message: 'Invalid regular expression' }))
          .default(CONFIG_DEFAULTS.verify.patterns),
      })
      .strict()
      .default(CONFIG_DEFAULTS.verify),
    /** USD per million tokens, per model name prefix; overrides the built-in table. */
    prices: z
      .record(
        z.string(),
        z
          .object({
            input: z.number().nonnegative(),
            output: z.number().nonnegative(),
            cacheRead: z.number().nonnegative().optional(),
            cacheWrite: z.number().nonnegative().optional(),
          })
          .strict(),
      )
      .default(CONFIG_DEFAULTS.prices),
    contract: z
      .object({
        severity: z.record(z.string(), z.enum(['breaking', 'warning', 'info', 'off'])).default(CONFIG_DEFAULTS.contract.severity),
        ignore: z
          .array(
            z
              .object({
                check: z.string().optional(),
                path: z.string().optional(),
                provider: z.string().optional(),
                until: z
                  .string()
                  .regex(/^\d{4}-\d{2}-\d{2}$/, 'A date as YYYY-MM-DD')
                  .optional(),
                reason: z.string().optional(),
              })
              .strict(),
          )
          .default(CONFIG_DEFAULTS.contract.ignore),
      })
      .strict()
      .default(CONFIG_DEFAULTS.contract),
    /** Quality gates (docs/gates.md); every key optional, the built-in thresholds otherwise. */
    gates: gatesConfigSchema.optional(),
    /** The common options as a layer (flags and environment variables win). */
    mode: z.enum(MODES).optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(0).max(65535).optional(),
    episode: z.string().min(1).optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;
export type RewriteRule = z.infer<typeof rewriteRule>;
export type ProviderConfig = z.infer<typeof provider>;

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/** A JSON path of config rules (`messages[*].name`), checked as the proxy parses it per request. */
function jsonPathString() {
  return z
    .string()
    .min(1)
    .refine(isValidJsonPath, { message: 'Invalid JSON path: dot-separated keys with [*] or [n], e.g. messages[*].name' });
}

function isValidJsonPath(path: string): boolean {
  try {
    parseJsonPath(path);
    return true;
  } catch {
    return false;
  }
}
