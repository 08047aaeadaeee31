import type { RunRecord } from '../store/run-record.js';

/** Thresholds of the flakiness budget; rates are strict: a test is flaky when its rate is above `flakyAbove`. */
export interface FlakyThresholds {
  /** Failure rate above which a test is flaky (default 0.10). */
  flakyAbove: number;
  /** Failure rate above which a test is quarantined (default 0.20). */
  quarantineAbove: number;
  /** Runs a test needs in the window before it can be called flaky or quarantined (default 5). */
  minRuns: number;
}

export const DEFAULT_FLAKY_THRESHOLDS: FlakyThresholds = { flakyAbove: 0.1, quarantineAbove: 0.2, minRuns: 5 };

export const TEST_STATUSES = ['stable', 'flaky', 'quarantined', 'failing', 'too-few-runs'] as const;
export type TestStatus = (typeof TEST_STATUSES)[number];

/** One test's record over the window of runs. */
export interface TestFlakiness {
  test: string;
  /** Runs of the window in which the test ran (passed, failed or errored; skips do not count). */
  runs: number;
  failures: number;
  /** failures / runs, rounded to 4 places. */
  failureRate: number;
  status: TestStatus;
  /** Ids of the runs in which it failed, newest first. */
  failedIn: string[];
}

/**
 * Each test's failure rate over `runs` (newest first, only those with per-test outcomes count).
 * A test that failed every time it ran is `failing`, not flaky: it is broken, and quarantining it
 * would hide that. Comparisons are done on whole counts (failures > threshold × runs) so that
 * 2 of 10 is exactly 20 % and not flaky-above-20 % by a rounding error.
 */
export function computeFlakyTests(runs: readonly RunRecord[], t: FlakyThresholds): TestFlakiness[] {
  const byTest = new Map<string, { runs: number; failures: number; failedIn: string[] }>();
  for (const run of runs) {
    for (const r of run.tests ?? []) {
      if (r.outcome === 'skipped') continue;
      const entry = byTest.get(r.test) ?? { runs: 0, failures: 0, failedIn: [] };
      entry.runs++;
      if (r.outcome === 'failed' || r.outcome === 'error') {
        entry.failures++;
        entry.failedIn.push(run.id);
      }
      byTest.set(r.test, entry);
    }
  }
  const result = [...byTest].map(([test, e]) => ({
    test,
    runs: e.runs,
    failures: e.failures,
    failureRate: Math.round((e.failures / e.runs) * 1e4) / 1e4,
    status: statusOf(e.runs, e.failures, t),
    failedIn: e.failedIn,
  }));
  return result.sort((a, b) => b.failureRate - a.failureRate || (a.test < b.test ? -1 : a.test > b.test ? 1 : 0));
}

function statusOf(runs: number, failures: number, t: FlakyThresholds): TestStatus {
  if (failures === 0) return 'stable';
  if (failures === runs && runs > 1) return 'failing';
  if (runs < t.minRuns) return 'too-few-runs';
  // A tiny epsilon keeps exact products (0.2 × 10 = 2.0000000000000004) from deciding.
  if (failures > t.quarantineAbove * runs + 1e-9) return 'quarantined';
  if (failures > t.flakyAbove * runs + 1e-9) return 'flaky';
  return 'stable';
}
