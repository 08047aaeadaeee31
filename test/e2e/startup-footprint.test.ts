// What the CLI loads before it is ready (bench/findings.md §4: every module costs start-up time and
// resident memory, zod alone ~12 MiB). `serve` in golden mode without a config file needs neither zod
// nor the contract checker; a config file brings zod in to validate it; `--help` runs no command.
// The built CLI runs with an ESM load hook (`--import`) that writes the URL of every module it loads.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir, tempStore, useCleanup } from '../helpers/cleanup.js';
import { runCli, spawnCli } from '../helpers/proxy.js';

useCleanup();

/** A directory with the load hook, and the environment that makes the CLI use it. */
function traceLoads(): { cwd: string; env: NodeJS.ProcessEnv; loaded(): string[] } {
  const cwd = tempDir();
  const log = join(cwd, 'loaded.txt');
  writeFileSync(log, '');
  writeFileSync(
    join(cwd, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(log)}, url + '\\n');
  return next(url, context);
}
`,
  );
  writeFileSync(join(cwd, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);
  return {
    cwd,
    env: { NODE_OPTIONS: `--import ${pathToFileURL(join(cwd, 'register.mjs')).href}` },
    loaded: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}

/** Starts `serve --json` (golden unless told) and returns the modules loaded by the time it printed its ready line. */
async function loadedBySettledServe(trace: ReturnType<typeof traceLoads>, mode = 'golden'): Promise<string[]> {
  const cli = spawnCli(['serve', '--json', '--mode', mode, '--store', tempStore(), '--port', '0'], { cwd: trace.cwd, env: trace.env });
  expect(JSON.parse(await cli.firstLine())).toMatchObject({ ok: true, mode });
  return trace.loaded();
}

const isZod = (url: string): boolean => url.includes('/node_modules/zod/');
const isUndici = (url: string): boolean => url.includes('/node_modules/undici/');
/** The `*-action.js` modules that hold the code of a command (lazy-action.js is the loader they share). */
const commandCode = (loaded: string[]): string[] =>
  loaded.map((u) => u.slice(u.lastIndexOf('/') + 1)).filter((name) => name.endsWith('-action.js') && name !== 'lazy-action.js');
/** The contract checker; contract-types.js holds only constants (the default contracts dir) and types. */
const isContractChecker = (url: string): boolean =>
  url.endsWith('/modes/smoke-checker.js') || (url.includes('/dist/contract/') && !url.endsWith('/contract-types.js'));

describe('start-up footprint', () => {
  it('serve in golden mode without a config file loads neither zod, nor undici, nor the contract checker', async () => {
    const trace = traceLoads();
    const loaded = await loadedBySettledServe(trace);
    // The hook saw the proxy itself load, so an empty list below means something.
    expect(loaded.some((u) => u.endsWith('/dist/server/create-cassette-server.js'))).toBe(true);
    expect(loaded.filter(isZod)).toEqual([]);
    expect(loaded.filter(isUndici)).toEqual([]);
    expect(loaded.filter(isContractChecker)).toEqual([]);
    expect(commandCode(loaded)).toEqual(['serve-action.js']);
  });

  it('serve with a config file validates it with zod, still without the contract checker', async () => {
    const trace = traceLoads();
    writeFileSync(join(trace.cwd, 'cassette.config.json'), JSON.stringify({ match: { ignore: ['metadata'] } }));
    const loaded = await loadedBySettledServe(trace);
    expect(loaded.some(isZod)).toBe(true);
    expect(loaded.filter(isContractChecker)).toEqual([]);
  });

  it('serve in live mode loads undici, the upstream client, and still no contract checker', async () => {
    const trace = traceLoads();
    const loaded = await loadedBySettledServe(trace, 'live');
    expect(loaded.some(isUndici)).toBe(true);
    expect(loaded.filter(isContractChecker)).toEqual([]);
  });

  it('--help loads the option definitions only, no command code', async () => {
    const trace = traceLoads();
    const help = await runCli(['serve', '--help'], { cwd: trace.cwd, env: trace.env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--mode <mode>');
    const loaded = trace.loaded();
    expect(loaded.some((u) => u.endsWith('/dist/cli/serve-command.js'))).toBe(true);
    expect(commandCode(loaded)).toEqual([]);
    expect(loaded.filter((u) => isZod(u) || u.includes('/dist/server/'))).toEqual([]);
  });
});
