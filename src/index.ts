/**
 * Programmatic API: start a proxy from a test runner.
 *
 *   const cassette = await startCassette({ mode: 'golden', store: 'cassettes/' });
 *   process.env.OPENAI_BASE_URL = cassette.env.OPENAI_BASE_URL;
 *   cassette.setEpisode('my-test');
 *   ...
 *   await cassette.stop();
 */
import { loadOptions } from './config/load-config.js';
import type { CliFlags } from './config/load-config.js';
import { logSettings } from './config/environment.js';
import { configureLogs, createLogger, silentLogger } from './log.js';
import { startCassetteServer } from './server/create-cassette-server.js';
import { assertEpisodeId } from './server/route-request.js';
import type { RunSummary } from './server/run-summary.js';
import type { Mode } from './types.js';

export { CassetteError, ERROR_CODES, EXIT } from './errors.js';
export type { ErrorCode } from './errors.js';
export type { Interaction, Mode, RecordedRequest, RecordedResponse, StoredBody, StoredStream, Usage } from './types.js';
export type { RunSummary } from './server/run-summary.js';
export { openStore } from './store/open-store.js';
export type { Store } from './store/store.js';
export { loadQuarantine, quarantineIt } from './gates/vitest-quarantine.js';
export type { Quarantine } from './gates/vitest-quarantine.js';

export interface StartCassetteOptions {
  mode?: Mode;
  /** Store path (default `cassettes/cassettes.db`). */
  store?: string;
  /** Port (default 0: any free port). */
  port?: number;
  host?: string;
  episode?: string;
  seed?: number;
  strict?: boolean;
  config?: string;
  /** Provider upstream overrides, e.g. `{ openai: 'http://127.0.0.1:9000' }`. */
  upstreams?: Record<string, string>;
  /** Log to stderr (default false: silent). */
  log?: boolean;
}

export interface Cassette {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`, ... pointing at this proxy. */
  env: Record<string, string>;
  /** Switches the current episode (a test's name, say); what was served of it is forgotten. */
  setEpisode(id: string): void;
  /** Hits, misses, recordings, unused recordings so far. */
  summary(): RunSummary;
  stop(): Promise<void>;
}

/** Starts a proxy in this process; options as on the command line, environment variables honoured. */
export async function startCassette(options: StartCassetteOptions = {}): Promise<Cassette> {
  if (options.episode !== undefined) assertEpisodeId(options.episode, 'startCassette({ episode })');
  const flags: CliFlags = {
    port: String(options.port ?? 0),
    ...(options.mode ? { mode: options.mode } : {}),
    ...(options.store ? { store: options.store } : {}),
    ...(options.host ? { host: options.host } : {}),
    ...(options.episode ? { episode: options.episode } : {}),
    ...(options.seed !== undefined ? { seed: String(options.seed) } : {}),
    ...(options.strict !== undefined ? { strict: options.strict } : {}),
    ...(options.config ? { config: options.config } : {}),
    upstream: Object.entries(options.upstreams ?? {}).map(([k, v]) => `${k}=${v}`),
  };
  const resolved = await loadOptions(flags);
  if (options.log) configureLogs(logSettings());
  const server = await startCassetteServer(resolved, { logger: options.log ? createLogger(resolved.logLevel) : silentLogger });
  return {
    url: server.url,
    env: server.env,
    setEpisode: (id) => server.setEpisode(id),
    summary: () => server.summary(),
    stop: () => server.stop(),
  };
}
