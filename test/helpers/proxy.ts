// Starts llm-cassette for tests: in-process (startCassetteServer + loadOptions, the same path the
// CLI takes) or as the real CLI (`node bin/cassette.js ...`, built by global-setup.ts).
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadOptions } from '../../src/config/load-config.js';
import type { CliFlags } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log.js';
import { startCassetteServer } from '../../src/server/create-cassette-server.js';
import type { CassetteServer } from '../../src/server/create-cassette-server.js';
import { defer } from './cleanup.js';

export const REPO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI_PATH = join(REPO_DIR, 'bin', 'cassette.js');

export interface TestProxy extends CassetteServer {
  /** Everything the proxy logged (JSON lines), for assertions on messages and secrets. */
  logs(): string;
  /** `http://127.0.0.1:PORT/<provider>` plus the SDK suffix (`/v1` for OpenAI-compatible ones). */
  baseUrl(provider: 'openai' | 'anthropic' | 'gemini' | 'openrouter' | (string & {})): string;
}

/**
 * Starts the proxy in this process on 127.0.0.1, port 0. `flags` are the CLI flags as commander
 * hands them over (`{ mode: 'live', store, upstream: ['openai=http://…'] }`); `env` replaces the
 * process environment for option resolution (default: empty, so the caller's CASSETTE_* never leak in).
 */
export async function startProxy(flags: CliFlags, opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<TestProxy> {
  const options = await loadOptions({ port: '0', verbose: true, ...flags }, opts.env ?? {}, opts.cwd ?? process.cwd());
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const server = await startCassetteServer(options, { logger: createLogger(options.logLevel, sink) });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= server.stop());
  defer(stop);
  const suffix: Record<string, string> = { openai: '/openai/v1', anthropic: '/anthropic', gemini: '/gemini', openrouter: '/openrouter/v1' };
  return {
    ...server,
    stop,
    logs: () => lines.join(''),
    baseUrl: (provider) => `${server.url}${suffix[provider] ?? `/${provider}`}`,
  };
}

/** The environment a CLI child gets: this one minus anything that would change the product's choices. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(CASSETTE_|TEST_MODE$|TEST_SEED$|OPENAI_|ANTHROPIC_|GOOGLE_|GEMINI_|OPENROUTER_|NODE_OPTIONS$|DEBUG$)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/cassette.js ...args` to completion. */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolveRun) => {
    execFile(
      process.execPath,
      [CLI_PATH, ...args],
      {
        env: cliEnv(opts.env),
        cwd: opts.cwd ?? REPO_DIR,
        timeout: opts.timeoutMs ?? 20_000,
        maxBuffer: 64 * 1024 * 1024,
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: NodeJS.Signals | null }) | null;
        resolveRun({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          stdout: String(stdout),
          stderr: String(stderr),
        });
      },
    );
  });
}

export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first complete stdout line. */
  firstLine(timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a long-running CLI command (`serve`); it is killed after the test if still running. */
export function spawnCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliProcess {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    env: cliEnv(opts.env),
    cwd: opts.cwd ?? REPO_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  defer(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    firstLine(timeoutMs = 15_000) {
      return new Promise((resolveLine, reject) => {
        const timer = setTimeout(() => reject(new Error(`no stdout line within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        const check = (): void => {
          const nl = out.indexOf('\n');
          if (nl !== -1) {
            clearTimeout(timer);
            child.stdout?.off('data', check);
            resolveLine(out.slice(0, nl));
          }
        };
        child.stdout?.on('data', check);
        void exited.then(() => {
          check();
          clearTimeout(timer);
          reject(new Error(`process exited before printing a line; stderr: ${err}`));
        });
        check();
      });
    },
  };
}
