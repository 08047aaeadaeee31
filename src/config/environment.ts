import type { ColorSetting } from '../util/paint.js';
import type { LogSettings } from '../log.js';

/**
 * The environment variables that steer the CLI's own behaviour (output, logs, defaults), read in one
 * place into one frozen object. Options a user can also give as flags or config keys (CASSETTE_MODE,
 * CASSETTE_PORT, …) are resolved with their layers in load-config.ts; provider keys in
 * provider-keys.ts. Everything else asks `environment()` instead of reading `process.env`.
 */

export interface Environment {
  /** CASSETTE_STORE: the store when `--store` is not given. */
  readonly store: string | undefined;
  /** NO_COLOR / FORCE_COLOR (no-color.org and the FORCE_COLOR convention of Node and chalk). */
  readonly color: ColorSetting;
  /** TERM=dumb: a terminal that shows escape codes as text, so `auto` means no colour. */
  readonly dumbTerminal: boolean;
  /** DEBUG=cassette:* turns on debug log lines. */
  readonly debug: boolean;
  /** CASSETTE_LOG_JSON: JSON log lines even on a terminal. */
  readonly logJson: boolean;
  /** CASSETTE_QUARANTINE: the quarantine file the test helpers read. */
  readonly quarantineFile: string | undefined;
  /** GITHUB_STEP_SUMMARY: the file GitHub Actions shows on the job page. */
  readonly githubStepSummary: string | undefined;
  /** PERF_REGRESSION_THRESHOLD, PERF_COST_CEILING: gate thresholds (gate-settings.ts parses them). */
  readonly perf: { readonly PERF_REGRESSION_THRESHOLD?: string; readonly PERF_COST_CEILING?: string };
}

/** Reads `env` into an Environment (pure: tests pass their own). */
export function readEnvironment(env: NodeJS.ProcessEnv): Environment {
  const set = (name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const force = set('FORCE_COLOR');
  const color: ColorSetting =
    set('NO_COLOR') !== undefined ? 'never' : force === undefined ? 'auto' : force === '0' || force === 'false' ? 'never' : 'always';
  const perf: { PERF_REGRESSION_THRESHOLD?: string; PERF_COST_CEILING?: string } = {};
  const threshold = set('PERF_REGRESSION_THRESHOLD');
  const ceiling = set('PERF_COST_CEILING');
  if (threshold !== undefined) perf.PERF_REGRESSION_THRESHOLD = threshold;
  if (ceiling !== undefined) perf.PERF_COST_CEILING = ceiling;
  return Object.freeze({
    store: set('CASSETTE_STORE'),
    color,
    dumbTerminal: env.TERM === 'dumb',
    debug: /(^|,)\s*cassette:\*?/.test(env.DEBUG ?? ''),
    logJson: set('CASSETTE_LOG_JSON') !== undefined,
    quarantineFile: set('CASSETTE_QUARANTINE'),
    githubStepSummary: set('GITHUB_STEP_SUMMARY'),
    perf: Object.freeze(perf),
  });
}

let current: Environment | undefined;

/** This process's environment, read on first use and then kept: a command sees one set of values. */
export function environment(): Environment {
  current ??= readEnvironment(process.env);
  return current;
}

/** The log settings (src/log.ts) this environment asks for. */
export function logSettings(env: Environment = environment()): LogSettings {
  return { debug: env.debug, json: env.logJson, color: env.color, dumbTerminal: env.dumbTerminal };
}

/**
 * CASSETTE_LARGE_ANSWER_BYTES, a test knob (docs/operations.md): from what decoded size an answer's
 * recording is finished on a worker thread. Read at each use, unlike the rest, because in-process
 * tests switch it between the proxies they start.
 */
export function largeAnswerBytesKnob(): string | undefined {
  return process.env.CASSETTE_LARGE_ANSWER_BYTES;
}

/**
 * CASSETTE_SQLITE_WRITER_THREAD (docs/operations.md): `on` writes a SQLite store's group commits
 * on the writer thread (where the process may use two cores); `off` or anything else keeps them on
 * the event loop, the default. Read at each use, as the large-answer knob.
 */
export function sqliteWriterThreadKnob(): 'on' | 'off' | undefined {
  const v = process.env.CASSETTE_SQLITE_WRITER_THREAD;
  return v === 'on' || v === 'off' ? v : undefined;
}
