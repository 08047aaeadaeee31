import { existsSync } from 'node:fs';
import type { Store } from '../store/store.js';
import { readBaselineFile, writeBaselineFile } from './baseline-file.js';
import type { PerfThresholds } from './gate-settings.js';
import { comparePerf, type PerfComparison } from './perf-gate.js';
import { computePerfStats, type PerfStats } from './perf-stats.js';
import { isStoreSelector, selectCalls } from './select-calls.js';

/** The committed baseline `cassette gate` compares with when `--baseline` is not given and it exists. */
export const DEFAULT_BASELINE_FILE = 'perf/baselines.json';

export interface PerfGateOptions {
  /** `run[:…]`, `take[:…]` or a baseline file; default perf/baselines.json when present, else run:previous. */
  baseline?: string;
  /** `run[:…]` or `take[:…]`; default the newest run that recorded calls, else the newest takes. */
  current?: string;
  thresholds: PerfThresholds;
}

export interface PerfGateReport extends PerfComparison {
  current: { source: string; groups: PerfStats[] };
  baseline: { source: string; groups: PerfStats[] };
}

/** The current side's statistics: a named selection, else the newest run that recorded calls, else the newest takes. */
export async function measureCurrent(store: Store, selector: string | undefined): Promise<{ source: string; groups: PerfStats[] }> {
  const chosen = selector ?? ((await store.listRuns()).some((r) => r.recorded > 0) ? 'run:latest' : 'take:latest');
  const selection = await selectCalls(store, chosen, 'current');
  return { source: selection.source, groups: computePerfStats(selection.calls) };
}

/** `cassette gate`: compares the current calls with the baseline. */
export async function runPerfGate(store: Store, o: PerfGateOptions): Promise<PerfGateReport> {
  const current = await measureCurrent(store, o.current);
  const baselineArg = o.baseline ?? (existsSync(DEFAULT_BASELINE_FILE) ? DEFAULT_BASELINE_FILE : 'run:previous');
  let baseline: { source: string; groups: PerfStats[] };
  if (isStoreSelector(baselineArg)) {
    const selection = await selectCalls(store, baselineArg, 'baseline');
    baseline = { source: selection.source, groups: computePerfStats(selection.calls) };
  } else {
    const file = readBaselineFile(baselineArg);
    baseline = { source: `${baselineArg} (${file.source})`, groups: file.groups };
  }
  const comparison = comparePerf(current.groups, baseline.groups, o.thresholds, { current: current.source, baseline: baseline.source });
  return { ...comparison, current, baseline };
}

/** `cassette gate --write-baseline FILE`: the current side's statistics, written for committing. */
export async function writePerfBaseline(
  store: Store,
  selector: string | undefined,
  path: string,
): Promise<{ source: string; groups: PerfStats[] }> {
  const current = await measureCurrent(store, selector);
  writeBaselineFile(path, current.source, current.groups);
  return current;
}
