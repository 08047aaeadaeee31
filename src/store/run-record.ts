import type { Mode } from '../types.js';

/** What a test run reported for one test case (from the runner's JUnit XML). */
export const TEST_OUTCOMES = ['passed', 'failed', 'error', 'skipped'] as const;
export type TestOutcome = (typeof TEST_OUTCOMES)[number];

/** One test case of a run: its JUnit `classname::name`, outcome and time. */
export interface TestResult {
  /** `classname::name`, or `name` when the case has no classname: what flakiness is keyed by. */
  test: string;
  outcome: TestOutcome;
  durationMs?: number;
}

/** A take a run served answers from, and how many (golden and record-missing hits). */
export interface ServedTake {
  episode: string;
  take: number;
  hits: number;
}

/**
 * One `cassette run` in the run ledger (docs/gates.md): kept in the store beside the episodes,
 * so every machine writing a fleet store adds to the same history. Never holds the command line
 * (it may carry secrets), only what the gates need.
 */
export interface RunRecord {
  /** Sortable, unique: the start time in ISO-8601 plus a random suffix. */
  id: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  mode: Mode;
  /** The episode the run started in. */
  episode: string;
  /** The child's exit code (128+n for a signal) as `cassette run` passed it through. */
  exitCode: number;
  /** What the proxy served and recorded during the run. */
  hits: number;
  misses: number;
  recorded: number;
  /**
   * The takes the run served answers from (`cassette prune --unused-since`). Absent in records
   * written before the ledger kept it: such a run says nothing about which takes were used.
   */
  served?: ServedTake[];
  /** Per-test outcomes, when `--junit FILE` named the runner's JUnit XML; absent when it did not. */
  tests?: TestResult[];
  /** Set by `run --repeat N`: this run's place in the series, and the series id (the first run's id). */
  repeat?: { series: string; index: number; of: number };
  /** A free label (`--label`), e.g. the CI job name, so runs of different suites can be told apart. */
  label?: string;
}

/** Which runs `Store.listRuns` returns. */
export interface RunFilter {
  /** At most this many, newest first (default: all). */
  limit?: number;
  label?: string;
}

/** Newest first, then by id for runs that started in the same millisecond. */
export function compareRunsNewestFirst(a: RunRecord, b: RunRecord): number {
  return a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Applies a `RunFilter` to runs in any order: newest first. */
export function filterRuns(runs: RunRecord[], filter: RunFilter = {}): RunRecord[] {
  const kept = runs.filter((r) => filter.label === undefined || r.label === filter.label).sort(compareRunsNewestFirst);
  return filter.limit === undefined ? kept : kept.slice(0, filter.limit);
}
