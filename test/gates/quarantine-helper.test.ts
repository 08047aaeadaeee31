// The vitest helper reads the quarantine file `cassette flaky --quarantine` writes (docs/gates.md).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadQuarantine, quarantineIt } from '../../src/index.js';
import { buildQuarantineFile } from '../../src/gates/quarantine-file.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';

useCleanup();

function writeQuarantine(action: 'skip' | 'xfail'): string {
  const path = join(tempDir(), 'cassette-quarantine.json');
  const file = buildQuarantineFile(
    [
      {
        test: 'test/weather.test.ts::forecast > answers in celsius',
        runs: 10,
        failures: 3,
        failureRate: 0.3,
        status: 'quarantined',
        failedIn: [],
      },
      { test: 'test/weather.test.ts::is flaky only', runs: 10, failures: 2, failureRate: 0.2, status: 'flaky', failedIn: [] },
    ],
    action,
    { flakyAbove: 0.1, quarantineAbove: 0.2, window: 10 },
  );
  writeFileSync(path, JSON.stringify(file));
  return path;
}

/** Records which of vitest's entry points the wrapper chose. */
function recordingIt(): { calls: string[]; it: Parameters<typeof quarantineIt<() => void>>[0] } {
  const calls: string[] = [];
  const it = Object.assign((name: string) => calls.push(`run ${name}`), {
    skip: (name: string) => calls.push(`skip ${name}`),
    fails: (name: string) => calls.push(`fails ${name}`),
  });
  return { calls, it };
}

describe('quarantine helper', () => {
  it('skips the quarantined test of its file, matched under its describe block, and runs the rest', () => {
    const q = loadQuarantine(writeQuarantine('skip'));
    expect(q.has('test/weather.test.ts', 'answers in celsius')).toBe(true);
    expect(q.has('./test/weather.test.ts', 'answers in celsius')).toBe(true);
    expect(q.has('test/other.test.ts', 'answers in celsius')).toBe(false);
    expect(q.has('test/weather.test.ts', 'is flaky only')).toBe(false); // flaky is reported, not quarantined
    const { calls, it: fakeIt } = recordingIt();
    const qit = quarantineIt(fakeIt, 'test/weather.test.ts', q);
    qit('answers in celsius', () => undefined);
    qit('is flaky only', () => undefined);
    expect(calls).toEqual(['skip answers in celsius', 'run is flaky only']);
  });

  it('runs a quarantined test expecting failure with action xfail, and treats a missing file as no quarantine', () => {
    const { calls, it: fakeIt } = recordingIt();
    quarantineIt(fakeIt, 'test/weather.test.ts', loadQuarantine(writeQuarantine('xfail')))('answers in celsius', () => undefined);
    expect(calls).toEqual(['fails answers in celsius']);
    expect(loadQuarantine(join(tempDir(), 'none.json')).tests).toEqual([]);
  });
});
