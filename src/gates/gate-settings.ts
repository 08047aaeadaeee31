import { CassetteError } from '../errors.js';
import type { GatesConfig } from '../config/gates-config-schema.js';
import { DEFAULT_FLAKY_THRESHOLDS } from './flaky-tests.js';
import type { FlakyGateOptions } from './flaky-gate.js';
import { parseRate, parseUsd } from './parse-rate.js';
import { DEFAULT_QUARANTINE_FILE } from './quarantine-file.js';

/** Flags of `cassette flaky` (and the flaky part of `cassette gates`). */
export interface FlakyFlags {
  runs?: string;
  flakyAbove?: string;
  quarantineAbove?: string;
  minRuns?: string;
  maxFlaky?: string;
  label?: string;
  quarantine?: string | boolean;
  action?: string;
}

export const DEFAULT_FLAKY_WINDOW = 20;

/** Flags over config over the built-in defaults. */
export function resolveFlakySettings(
  flags: FlakyFlags,
  config: GatesConfig | undefined,
): FlakyGateOptions & { quarantineFile: string | undefined; action: 'skip' | 'xfail' } {
  const c = config?.flaky ?? {};
  const action = flags.action ?? c.action ?? 'skip';
  if (action !== 'skip' && action !== 'xfail') throw new CassetteError('bad_usage', `--action expects skip or xfail, got "${action}"`);
  const quarantineFile = flags.quarantine === true ? (c.quarantineFile ?? DEFAULT_QUARANTINE_FILE) : flags.quarantine || undefined;
  const settings = {
    window: flags.runs !== undefined ? count('--runs', flags.runs, 1) : (c.window ?? DEFAULT_FLAKY_WINDOW),
    flakyAbove:
      flags.flakyAbove !== undefined ? parseRate(flags.flakyAbove, '--flaky-above') : (c.flakyAbove ?? DEFAULT_FLAKY_THRESHOLDS.flakyAbove),
    quarantineAbove:
      flags.quarantineAbove !== undefined
        ? parseRate(flags.quarantineAbove, '--quarantine-above')
        : (c.quarantineAbove ?? DEFAULT_FLAKY_THRESHOLDS.quarantineAbove),
    minRuns: flags.minRuns !== undefined ? count('--min-runs', flags.minRuns, 1) : (c.minRuns ?? DEFAULT_FLAKY_THRESHOLDS.minRuns),
    maxFlaky: flags.maxFlaky !== undefined ? count('--max-flaky', flags.maxFlaky, 0) : (c.maxFlaky ?? 0),
    minSimilarity: 0.5,
    quarantineFile,
    action,
  } as const;
  const label = flags.label ?? c.label;
  if (settings.quarantineAbove < settings.flakyAbove) {
    throw new CassetteError(
      'bad_usage',
      `the quarantine threshold (${settings.quarantineAbove}) is below the flaky one (${settings.flakyAbove})`,
    );
  }
  return label === undefined ? settings : { ...settings, label };
}

/** A whole number from `min`, else bad_usage naming the flag. */
export function count(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CassetteError('bad_usage', `${flag} expects a whole number from ${min}, got "${value}"`);
  return n;
}

/** Relative growth allowed per statistic before `cassette gate` calls it a regression. */
export interface PerfThresholds {
  p50: number;
  p95: number;
  p99: number;
  /** Relative drop of throughput (tokens per second) allowed. */
  throughput: number;
  /** Total cost of the current run allowed, USD; undefined: no ceiling. */
  costCeilingUsd: number | undefined;
  /** Samples a statistic needs on both sides before its verdict is trusted (else a note). */
  minSamples: number;
}

export const DEFAULT_PERF_THRESHOLDS: PerfThresholds = {
  p50: 0.1,
  p95: 0.15,
  p99: 0.2,
  throughput: 0.05,
  costCeilingUsd: undefined,
  minSamples: 20,
};

export interface PerfFlags {
  p50?: string;
  p95?: string;
  p99?: string;
  throughput?: string;
  costCeiling?: string;
  minSamples?: string;
}

/**
 * Flags over env over config over defaults. `PERF_REGRESSION_THRESHOLD` is one rate for every
 * percentile (`0.15`, `15%`) or a list (`p50=10%,p95=15%,p99=20%,throughput=5%`);
 * `PERF_COST_CEILING` is USD.
 */
export function resolvePerfThresholds(
  flags: PerfFlags,
  env: Readonly<Record<string, string | undefined>>,
  config: GatesConfig | undefined,
): PerfThresholds {
  const c = config?.perf ?? {};
  const t: PerfThresholds = {
    p50: c.p50 ?? DEFAULT_PERF_THRESHOLDS.p50,
    p95: c.p95 ?? DEFAULT_PERF_THRESHOLDS.p95,
    p99: c.p99 ?? DEFAULT_PERF_THRESHOLDS.p99,
    throughput: c.throughput ?? DEFAULT_PERF_THRESHOLDS.throughput,
    costCeilingUsd: c.costCeilingUsd,
    minSamples: c.minSamples ?? DEFAULT_PERF_THRESHOLDS.minSamples,
  };
  const fromEnv = env.PERF_REGRESSION_THRESHOLD?.trim();
  if (fromEnv) {
    if (fromEnv.includes('=')) {
      for (const pair of fromEnv.split(',')) {
        const [key, value = ''] = pair.split('=').map((s) => s.trim());
        if (key !== 'p50' && key !== 'p95' && key !== 'p99' && key !== 'throughput') {
          throw new CassetteError('bad_usage', `PERF_REGRESSION_THRESHOLD: unknown key "${key}" (p50, p95, p99, throughput)`);
        }
        t[key] = parseRate(value, `PERF_REGRESSION_THRESHOLD ${key}`);
      }
    } else {
      const r = parseRate(fromEnv, 'PERF_REGRESSION_THRESHOLD');
      t.p50 = t.p95 = t.p99 = r;
    }
  }
  if (env.PERF_COST_CEILING?.trim()) t.costCeilingUsd = parseUsd(env.PERF_COST_CEILING, 'PERF_COST_CEILING');
  if (flags.p50 !== undefined) t.p50 = parseRate(flags.p50, '--p50');
  if (flags.p95 !== undefined) t.p95 = parseRate(flags.p95, '--p95');
  if (flags.p99 !== undefined) t.p99 = parseRate(flags.p99, '--p99');
  if (flags.throughput !== undefined) t.throughput = parseRate(flags.throughput, '--throughput');
  if (flags.costCeiling !== undefined) t.costCeilingUsd = parseUsd(flags.costCeiling, '--cost-ceiling');
  if (flags.minSamples !== undefined) t.minSamples = count('--min-samples', flags.minSamples, 1);
  return t;
}
