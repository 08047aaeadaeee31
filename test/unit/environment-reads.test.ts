// Issue 12: environment variables are read in one place (src/config/), so what steers a command is
// findable and testable. This keeps it so: a new `process.env` outside the allowed files fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../../src/config/environment.js';

const SRC = new URL('../../src/', import.meta.url).pathname;

/** Files that may read process.env, and why. */
const ALLOWED: Record<string, string> = {
  'config/environment.ts': 'the one reader of the CLI’s own variables',
  'config/load-config.ts': 'option layers: CASSETTE_MODE, CASSETTE_PORT, … beside flags and the config file',
  'config/provider-keys.ts': 'provider API keys, read when a request needs one',
  'cli/run-child.ts': 'passes the environment on to the command it runs',
  // Below config in the layers, so it cannot ask src/config: AWS credentials are read when a
  // request is signed, as provider-keys.ts reads API keys. Injecting them is left to the provider interface.
  'providers/bedrock/sign-request.ts': 'AWS credentials and region for SigV4 re-signing',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Lines of code that read process.env (comment lines aside). */
function envReads(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line) && /process\.env\b/.test(line));
}

describe('environment variables', () => {
  it('are read only in src/config/ and the few files that must (named with their reason)', () => {
    const offenders = sourceFiles(SRC)
      .map((f) => relative(SRC, f).replace(/\\/g, '/'))
      .filter((f) => !(f in ALLOWED) && envReads(join(SRC, f)).length > 0);
    expect(offenders).toEqual([]);
  });

  it('the check sees a read when there is one', () => {
    expect(envReads(join(SRC, 'config/environment.ts')).length).toBeGreaterThan(0);
    expect(envReads(join(SRC, 'index.ts'))).toEqual([]); // mentions process.env in a comment only
  });

  it('are read into one frozen object', () => {
    const env = readEnvironment({ CASSETTE_STORE: 'x.db', DEBUG: 'other,cassette:*', CASSETTE_LOG_JSON: '1', PERF_COST_CEILING: '2' });
    expect(env).toMatchObject({ store: 'x.db', debug: true, logJson: true, color: 'auto', perf: { PERF_COST_CEILING: '2' } });
    expect(Object.isFrozen(env)).toBe(true);
    expect(readEnvironment({ CASSETTE_STORE: '', DEBUG: 'express:*' })).toMatchObject({ store: undefined, debug: false, logJson: false });
  });
});
