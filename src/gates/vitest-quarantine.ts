import { environment } from '../config/environment.js';
import { DEFAULT_QUARANTINE_FILE, readQuarantineFile, type QuarantinedTest } from './quarantine-file.js';

/** The quarantine file as a test file reads it (docs/gates.md, "Quarantine file"). */
export interface Quarantine {
  action: 'skip' | 'xfail';
  tests: QuarantinedTest[];
  /** True when the test `name` of `file` (vitest's JUnit classname: the test file's path) is quarantined. */
  has(file: string, name: string): boolean;
}

/**
 * Reads the quarantine file `cassette flaky --quarantine` wrote: `path`, else env
 * CASSETTE_QUARANTINE, else ./cassette-quarantine.json. No file is an empty quarantine.
 */
export function loadQuarantine(path: string = environment().quarantineFile ?? DEFAULT_QUARANTINE_FILE): Quarantine {
  const file = readQuarantineFile(path);
  const tests = file?.tests ?? [];
  return {
    action: file?.action ?? 'skip',
    tests,
    // vitest names a case `describe > test` in its JUnit report; a test body only knows its own name.
    has: (testFile, name) => tests.some((t) => sameFile(t.classname, testFile) && (t.name === name || t.name.endsWith(` > ${name}`))),
  };
}

/** What `quarantineIt` needs of vitest's `it` (or jest's `test`, which has `skip` and `failing`). */
export interface ItLike<F> {
  (name: string, fn: F, timeout?: number): unknown;
  skip: (name: string, fn: F, timeout?: number) => unknown;
  fails?: (name: string, fn: F, timeout?: number) => unknown;
  failing?: (name: string, fn: F, timeout?: number) => unknown;
}

/**
 * Wraps vitest's `it` for one test file: a quarantined test is skipped, or with action `xfail`
 * run expecting failure (`it.fails`, jest's `test.failing`); the others run as usual.
 *
 *   import { it } from 'vitest';
 *   import { quarantineIt } from 'llm-cassette';
 *   const qit = quarantineIt(it, 'test/weather.test.ts');
 *   qit('answers with the forecast', async () => { ... });
 */
export function quarantineIt<F>(
  it: ItLike<F>,
  testFile: string,
  quarantine: Quarantine = loadQuarantine(),
): (name: string, fn: F, timeout?: number) => unknown {
  return (name, fn, timeout) => {
    if (!quarantine.has(testFile, name)) return it(name, fn, timeout);
    const expectFailure = it.fails ?? it.failing;
    return quarantine.action === 'xfail' && expectFailure ? expectFailure(name, fn, timeout) : it.skip(name, fn, timeout);
  };
}

function sameFile(a: string, b: string): boolean {
  const norm = (p: string): string => p.replace(/\\/g, '/').replace(/^\.\//, '');
  return norm(a) === norm(b);
}
