import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../store/atomic-write.js';
import type { TestFlakiness } from './flaky-tests.js';

/** Where `cassette flaky --quarantine` writes, and the pytest plugin and vitest helper read, by default. */
export const DEFAULT_QUARANTINE_FILE = 'cassette-quarantine.json';

/**
 * The quarantine file (docs/gates.md, "Quarantine file"), version 1. Readers match a test by
 * `test` (`classname::name` as the JUnit report spelled it) or by `classname` and `name`.
 */
export interface QuarantineFile {
  version: 1;
  generatedAt: string;
  /** What a reader does with a listed test: skip it, or run it expecting failure (xfail). */
  action: 'skip' | 'xfail';
  thresholds: { flakyAbove: number; quarantineAbove: number; window: number };
  tests: QuarantinedTest[];
}

export interface QuarantinedTest {
  test: string;
  classname: string;
  name: string;
  failureRate: number;
  runs: number;
  failures: number;
  reason: string;
}

/** Builds the file's content from the quarantined tests of a flakiness report. */
export function buildQuarantineFile(
  tests: readonly TestFlakiness[],
  action: 'skip' | 'xfail',
  thresholds: QuarantineFile['thresholds'],
  now = new Date(),
): QuarantineFile {
  return {
    version: 1,
    generatedAt: now.toISOString(),
    action,
    thresholds,
    tests: tests
      .filter((t) => t.status === 'quarantined')
      .map((t) => {
        const sep = t.test.lastIndexOf('::');
        return {
          test: t.test,
          classname: sep < 0 ? '' : t.test.slice(0, sep),
          name: sep < 0 ? t.test : t.test.slice(sep + 2),
          failureRate: t.failureRate,
          runs: t.runs,
          failures: t.failures,
          reason: `failed ${t.failures} of its last ${t.runs} runs (${percent(t.failureRate)} > ${percent(thresholds.quarantineAbove)})`,
        };
      }),
  };
}

export function writeQuarantineFile(path: string, file: QuarantineFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`);
}

/** Reads a quarantine file; a missing file is an empty quarantine. */
export function readQuarantineFile(path: string): QuarantineFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return JSON.parse(text) as QuarantineFile;
}

export function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10} %`;
}
