import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { DEFAULT_CONTRACTS_DIR } from './config-defaults.js';
import { CassetteError } from '../errors.js';
import { upstreamsFromEnv } from '../providers/registry.js';
import { parseChaosFaults } from '../safety/chaos.js';
import type { ChaosFault } from '../safety/chaos.js';
import { MODES } from '../types.js';
import { knownKeysAt, suggestKey } from './suggest-key.js';
import type { Mode } from '../types.js';
import { chooseStore } from './choose-store.js';
import { CONFIG_DEFAULTS, DEFAULT_CONFIG_FILE, DEFAULT_PORT } from './config-defaults.js';
import type { ConfigFile } from './config-schema.js';
import { readProxyApiKeys } from './provider-keys.js';
import { LOCK_FILE } from '../store/pin-lock.js';

export type Timing = 'instant' | 'recorded' | number;

/** Everything a server or command runs with, resolved once: defaults → file → env → flags. */
export interface CassetteOptions {
  mode: Mode;
  host: string;
  port: number;
  store: string;
  episode: string;
  /** Where `episode` came from (`--episode`, `CASSETTE_EPISODE`), named when it is not a valid id. */
  episodeFrom?: string;
  seed: number;
  strict: boolean;
  timing: Timing;
  upstreams: Record<string, string>;
  allowUpstream: string[] | undefined;
  maxCostUsd: number | undefined;
  maxRequests: number | undefined;
  chaos: { rate: number; seed: number; faults: ChaosFault[] } | undefined;
  authToken: string | undefined;
  /** Config `allowedHosts` plus `CASSETTE_ALLOWED_HOSTS` (comma-separated). */
  allowedHosts?: string[];
  onStoreError: 'fail' | 'forward';
  logLevel: 'quiet' | 'info' | 'verbose';
  /** Baseline contracts for smoke mode and `contract` commands. */
  contractsDir: string;
  configPath: string | undefined;
  file: ConfigFile;
  /**
   * `CASSETTE_<NAME>_API_KEY` by `<NAME>` (envNameOf): the key forwarding adds when the SUT sent
   * none. Read from the environment once, here; absent: no keys.
   */
  apiKeys?: Readonly<Record<string, string>>;
  /** The pin file golden obeys (`--lock`, `CASSETTE_LOCK`, else `cassette.lock` in the working directory if present). */
  lock?: string | undefined;
  /** `--tls` / `--tls-cert` + `--tls-key`: listen with TLS (https and wss on the same port). */
  tls?: { certFile?: string; keyFile?: string; dir: string } | undefined;
}

/** Flags as commander hands them over (all optional strings / booleans). */
export interface CliFlags {
  mode?: string;
  host?: string;
  port?: string;
  store?: string;
  episode?: string;
  seed?: string;
  strict?: boolean;
  timing?: string;
  config?: string;
  upstream?: string[];
  allowUpstream?: string[];
  maxCost?: string;
  maxRequests?: string;
  chaos?: string;
  chaosSeed?: string;
  chaosFaults?: string;
  authToken?: string;
  onStoreError?: string;
  quiet?: boolean;
  verbose?: boolean;
  contracts?: string;
  tls?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  lock?: string;
}

const TEST_MODE_MAP: Record<string, Mode> = { GOLDEN: 'golden', LIVE: 'live', LIVE_SMOKE: 'smoke', MOCK: 'mock' };

/** Resolves options; throws CassetteError('bad_usage' | 'bad_config') naming the bad input. */
export async function loadOptions(flags: CliFlags, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<CassetteOptions> {
  const { file, path: configPath } = await readConfigFile(flags.config, cwd);
  // A provider's own endpoint variable (Azure's) names its upstream unless the config declares it.
  const upstreams: Record<string, string> = upstreamsFromEnv(env, new Set((file.providers ?? []).map((p) => p.name)));
  for (const [name, value] of Object.entries(env)) {
    const m = /^CASSETTE_UPSTREAM_([A-Z0-9_]+)$/.exec(name);
    if (m?.[1] && value) upstreams[m[1].toLowerCase()] = value;
  }
  for (const pair of flags.upstream ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw usage(`--upstream expects NAME=URL, got "${pair}"`, 'Example: --upstream openai=http://127.0.0.1:9000');
    upstreams[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const allow = [...(file.allowUpstream ?? []), ...(flags.allowUpstream ?? []).flatMap((v) => v.split(','))]
    .map((h) => h.trim())
    .filter(Boolean);
  const chaosRate = flags.chaos === undefined ? undefined : number('--chaos', flags.chaos, 0, 1);
  const options: CassetteOptions = {
    mode: resolveMode(flags.mode, env) ?? file.mode ?? 'golden',
    host: flags.host ?? file.host ?? '127.0.0.1',
    port: flags.port === undefined ? (file.port ?? DEFAULT_PORT) : integer('--port', flags.port, 0, 65535),
    // The printable form: a URL's password stays in store-location.ts, never in the options.
    store: chooseStore(flags.store, env.CASSETTE_STORE, file.store),
    episode: flags.episode ?? env.CASSETTE_EPISODE ?? file.episode ?? 'default',
    episodeFrom:
      flags.episode !== undefined
        ? '--episode'
        : env.CASSETTE_EPISODE !== undefined
          ? 'CASSETTE_EPISODE'
          : file.episode !== undefined
            ? `${configPath ?? 'the config file'} "episode"`
            : 'the default',
    seed: integer(
      flags.seed !== undefined
        ? '--seed'
        : env.CASSETTE_SEED !== undefined
          ? 'CASSETTE_SEED'
          : env.TEST_SEED !== undefined
            ? 'TEST_SEED'
            : '--seed',
      flags.seed ?? env.CASSETTE_SEED ?? env.TEST_SEED ?? '0',
      0,
      2 ** 32 - 1,
    ),
    strict: flags.strict ?? false,
    timing: parseTiming(flags.timing ?? 'instant'),
    upstreams,
    allowUpstream: allow.length > 0 || file.allowUpstream ? allow : undefined,
    maxCostUsd: flags.maxCost === undefined ? undefined : number('--max-cost', flags.maxCost, 0, Infinity),
    maxRequests: flags.maxRequests === undefined ? undefined : integer('--max-requests', flags.maxRequests, 0, 2 ** 31),
    chaos:
      chaosRate === undefined
        ? undefined
        : {
            rate: chaosRate,
            seed: integer('--chaos-seed', flags.chaosSeed ?? '0', 0, 2 ** 32 - 1),
            faults: parseChaosFaults(flags.chaosFaults ?? '429,500,529,timeout,reset,truncate,slow'),
          },
    authToken: authToken(flags.authToken, env.CASSETTE_AUTH_TOKEN),
    apiKeys: readProxyApiKeys(env),
    allowedHosts: [...file.allowedHosts, ...(env.CASSETTE_ALLOWED_HOSTS ?? '').split(',')].map((h) => h.trim()).filter(Boolean),
    onStoreError: oneOf('--on-store-error', flags.onStoreError ?? 'fail', ['fail', 'forward'] as const),
    logLevel: flags.quiet ? 'quiet' : flags.verbose ? 'verbose' : 'info',
    contractsDir: resolve(cwd, flags.contracts ?? DEFAULT_CONTRACTS_DIR),
    configPath,
    file,
    lock: resolveLockPath(flags.lock ?? env.CASSETTE_LOCK, cwd),
    ...(flags.tls || flags.tlsCert !== undefined || flags.tlsKey !== undefined
      ? {
          tls: {
            // Where --tls keeps its self-signed certificate (made on first use, then reused).
            dir: env.CASSETTE_TLS_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'llm-cassette', 'tls'),
            ...(flags.tlsCert !== undefined ? { certFile: resolve(cwd, flags.tlsCert) } : {}),
            ...(flags.tlsKey !== undefined ? { keyFile: resolve(cwd, flags.tlsKey) } : {}),
          },
        }
      : {}),
  };
  return options;
}

/** An empty token (`CASSETTE_AUTH_TOKEN=`) is a mistake, never "no auth". */
function authToken(flag: string | undefined, env: string | undefined): string | undefined {
  const [value, from] = flag !== undefined ? [flag, '--auth-token'] : [env, 'CASSETTE_AUTH_TOKEN'];
  if (value !== undefined && value.trim() === '') {
    throw usage(`${from} is empty: an empty token would silently turn authentication off`, `Set a token, or unset ${from}.`);
  }
  return value;
}

/** The mode from a flag or the environment; undefined when neither names one (the config file or golden then). */
function resolveMode(flag: string | undefined, env: NodeJS.ProcessEnv): Mode | undefined {
  if (flag !== undefined) return oneOf('--mode', flag, MODES);
  // Case-insensitive like TEST_MODE: CASSETTE_MODE=LIVE is live.
  if (env.CASSETTE_MODE) return oneOf('CASSETTE_MODE', env.CASSETTE_MODE.toLowerCase(), MODES);
  if (env.TEST_MODE) {
    const mode = TEST_MODE_MAP[env.TEST_MODE.toUpperCase()];
    if (!mode) throw usage(`TEST_MODE=${env.TEST_MODE} is not one of ${Object.keys(TEST_MODE_MAP).join(', ')}`);
    return mode;
  }
  return undefined;
}

/**
 * Reads and validates the config file; errors name the file and the key. The zod schema (and zod,
 * ~12 MiB) is imported only when there is a file to validate.
 */
export async function readConfigFile(flagPath: string | undefined, cwd: string): Promise<{ file: ConfigFile; path: string | undefined }> {
  const path = flagPath === undefined ? resolve(cwd, DEFAULT_CONFIG_FILE) : resolve(cwd, flagPath);
  if (!existsSync(path)) {
    if (flagPath !== undefined) throw configError(`${flagPath}: file not found`);
    return { file: CONFIG_DEFAULTS, path: undefined };
  }
  let raw: unknown;
  try {
    // A UTF-8 byte order mark (Windows editors add one) is not JSON but is no reason to refuse the file.
    raw = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    throw configError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const { configFileSchema } = await import('./config-schema.js');
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw configError(`${path}: ${describeIssues(parsed.error, configFileSchema)}`);
  return { file: parsed.data, path };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * `providers[2].upstream: Invalid URL; match.ignore: ...`. A key that is not an identifier is
 * quoted (`prices["gpt-4o"]`), so no key can make the path ambiguous.
 */
export function describeIssues(error: z.ZodError, schema?: z.ZodType): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.reduce<string>((acc, seg) => {
        if (typeof seg === 'number') return `${acc}[${seg}]`;
        const key = String(seg);
        if (!IDENTIFIER.test(key)) return `${acc}[${JSON.stringify(key)}]`;
        return acc ? `${acc}.${key}` : key;
      }, '');
      const keys = 'keys' in issue && Array.isArray(issue.keys) ? (issue.keys as string[]) : [];
      // A mistyped key gets a did-you-mean from the keys the schema accepts there.
      const known = schema && keys.length > 0 ? knownKeysAt(schema, issue.path) : [];
      const meant = keys.map((k) => [k, suggestKey(k, known)] as const).filter(([, s]) => s !== undefined);
      const suggestion = meant.length > 0 ? `; did you mean ${meant.map(([k, s]) => `"${s}" for "${k}"`).join(', ')}?` : '';
      return `${where || '(root)'}: ${issue.message}${keys.length > 0 ? ` (${keys.join(', ')})` : ''}${suggestion}`;
    })
    .join('; ');
}

function parseTiming(value: string): Timing {
  if (value === 'instant' || value === 'recorded') return value;
  const factor = Number(value);
  if (!Number.isFinite(factor) || factor < 0) {
    throw usage(`--timing expects instant, recorded or a factor such as 0.5, got "${value}"`);
  }
  return factor;
}

function integer(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw usage(`${flag} expects a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

function number(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw usage(`${flag} expects a number from ${min} to ${max}, got "${value}"`);
  return n;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw usage(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
}

function usage(message: string, hint?: string): CassetteError {
  return new CassetteError('bad_usage', message, hint === undefined ? {} : { hint });
}

function configError(message: string): CassetteError {
  return new CassetteError('bad_config', message, { hint: 'Fix the config file; docs/config.md lists every key.' });
}

/** An explicit pin file (it must exist), else `cassette.lock` in the working directory when there is one. */
function resolveLockPath(given: string | undefined, cwd: string): string | undefined {
  if (given !== undefined && given !== '') {
    const path = resolve(cwd, given);
    if (!existsSync(path)) throw usage(`--lock ${given}: no such file`, 'Write it with `cassette pin`, or leave --lock out.');
    return path;
  }
  const found = join(cwd, LOCK_FILE);
  return existsSync(found) ? found : undefined;
}
