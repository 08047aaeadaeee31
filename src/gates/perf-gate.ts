import type { GateCheck, GateResult } from './gate-result.js';
import type { PerfThresholds } from './gate-settings.js';
import { samplesFor } from './percentile.js';
import { groupName, type PerfStats } from './perf-stats.js';
import { cell } from './render-gates.js';

/** One statistic of one group, compared with the baseline. */
export interface PerfMove {
  group: string;
  metric: string;
  baseline: number;
  current: number;
  /** Relative change, +0.2 = 20 % higher (for throughput, 20 % lower is -0.2). */
  change: number;
  /** The change allowed in the bad direction. */
  allowed: number;
  regression: boolean;
  /** True when either side has fewer samples than the statistic needs: reported, never failed. */
  lowConfidence: boolean;
}

export interface PerfComparison {
  ok: boolean;
  moves: PerfMove[];
  /** Groups of the current run with no baseline group (and the reverse). */
  unmatched: { current: string[]; baseline: string[] };
  costUsd: number;
  costCeilingUsd: number | undefined;
  latency: GateResult;
  cost: GateResult;
}

const LATENCY = [
  ['total p50', (s: PerfStats) => s.totalMs.p50, 'p50', 50],
  ['total p95', (s: PerfStats) => s.totalMs.p95, 'p95', 95],
  ['total p99', (s: PerfStats) => s.totalMs.p99, 'p99', 99],
  ['ttft p50', (s: PerfStats) => s.ttftMs.p50, 'p50', 50],
  ['ttft p95', (s: PerfStats) => s.ttftMs.p95, 'p95', 95],
  ['ttft p99', (s: PerfStats) => s.ttftMs.p99, 'p99', 99],
] as const;

/**
 * Compares the current statistics with the baseline's, group by group: latency percentiles may
 * grow by their threshold, tokens per second and throughput may drop by theirs, the summed cost
 * of the current calls may not pass the ceiling. A statistic computed from fewer samples than it
 * needs (`minSamples`, and for p95/p99 at least 100/(100-p)) is reported with a note, not failed.
 */
export function comparePerf(
  current: PerfStats[],
  baseline: PerfStats[],
  t: PerfThresholds,
  sources: { current: string; baseline: string },
): PerfComparison {
  const key = (s: PerfStats): string => `${s.episode}\u0000${s.provider}\u0000${s.model}`;
  const base = new Map(baseline.map((s) => [key(s), s]));
  const cur = new Map(current.map((s) => [key(s), s]));
  const moves: PerfMove[] = [];
  for (const c of current) {
    const b = base.get(key(c));
    if (!b) continue;
    const fewSamples = Math.min(c.samples, b.samples) < t.minSamples;
    for (const [metric, read, threshold, p] of LATENCY) {
      const low = fewSamples || Math.min(c.samples, b.samples) < samplesFor(p);
      moves.push(move(groupName(c), metric, read(b), read(c), t[threshold], 'up', low));
    }
    if (b.tokensPerSecond !== undefined && c.tokensPerSecond !== undefined) {
      moves.push(move(groupName(c), 'tokens/s p50', b.tokensPerSecond, c.tokensPerSecond, t.throughput, 'down', fewSamples));
    }
    if (b.throughput !== undefined && c.throughput !== undefined) {
      moves.push(move(groupName(c), 'throughput', b.throughput, c.throughput, t.throughput, 'down', fewSamples));
    }
  }
  const unmatched = {
    current: current.filter((c) => !base.has(key(c))).map(groupName),
    baseline: baseline.filter((b) => !cur.has(key(b))).map(groupName),
  };
  const all = current.find((s) => s.episode === '*') ?? current[0];
  const costUsd = all?.costUsd ?? 0;
  const regressions = moves.filter((m) => m.regression && !m.lowConfidence);
  const costOk = t.costCeilingUsd === undefined || costUsd <= t.costCeilingUsd;
  const notes: string[] = [];
  const low = moves.filter((m) => m.regression && m.lowConfidence);
  if (low.length > 0) {
    notes.push(
      `${low.length} statistic(s) moved past their threshold on too small a sample to fail the gate (under ${t.minSamples} calls, or too few for the percentile: p95 needs 20, p99 needs 100): ${low.map((m) => `${m.group} ${m.metric} ${signed(m.change)}`).join('; ')}.`,
    );
  }
  if (unmatched.current.length > 0) notes.push(`No baseline for: ${unmatched.current.join(', ')}.`);
  const latency: GateResult = {
    gate: 'perf',
    ok: regressions.length === 0,
    summary:
      moves.length === 0
        ? `nothing to compare: no group of ${sources.current} is in ${sources.baseline}`
        : regressions.length === 0
          ? `no regression of ${sources.current} against ${sources.baseline} (${moves.length} statistics compared)`
          : `${regressions.length} regression(s) of ${sources.current} against ${sources.baseline}: ${regressions.map((m) => `${m.group} ${m.metric} ${signed(m.change)} (allowed ${Math.round(m.allowed * 1000) / 10} %)`).join('; ')}`,
    markdown: perfMarkdown(moves),
    checks: moves.map(toCheck),
    notes,
    ...(moves.length === 0 ? { skipped: 'no comparable groups' } : {}),
  };
  const cost: GateResult = {
    gate: 'cost',
    ok: costOk,
    summary:
      t.costCeilingUsd === undefined
        ? `${sources.current} cost $${costUsd} (no ceiling set)`
        : `${sources.current} cost $${costUsd} against a ceiling of $${t.costCeilingUsd}${costOk ? '' : ': over the ceiling'}`,
    markdown: '',
    checks: t.costCeilingUsd === undefined ? [] : [{ name: 'cost ceiling', ok: costOk, detail: `$${costUsd} of $${t.costCeilingUsd}` }],
    notes: [],
    ...(t.costCeilingUsd === undefined
      ? { skipped: 'no cost ceiling (PERF_COST_CEILING, --cost-ceiling, gates.perf.costCeilingUsd)' }
      : {}),
  };
  return { ok: latency.ok && costOk, moves, unmatched, costUsd, costCeilingUsd: t.costCeilingUsd, latency, cost };
}

function move(
  group: string,
  metric: string,
  baseline: number,
  current: number,
  allowed: number,
  bad: 'up' | 'down',
  lowConfidence: boolean,
): PerfMove {
  const change = baseline === 0 ? (current === 0 ? 0 : Infinity) : Math.round(((current - baseline) / baseline) * 1e4) / 1e4;
  const regression = bad === 'up' ? change > allowed : change < -allowed;
  return { group, metric, baseline, current, change, allowed, regression, lowConfidence };
}

function toCheck(m: PerfMove): GateCheck {
  const text = `${m.metric}: ${m.baseline} → ${m.current} (${signed(m.change)}, allowed ${Math.round(m.allowed * 1000) / 10} %)${m.lowConfidence ? ', low confidence: small sample' : ''}`;
  return { name: `${m.group} ${m.metric}`, ok: !m.regression || m.lowConfidence, detail: text };
}

function perfMarkdown(moves: readonly PerfMove[]): string {
  if (moves.length === 0) return '';
  const lines = ['| calls | statistic | baseline | current | change | allowed | verdict |', '|---|---|---:|---:|---:|---:|---|'];
  for (const m of moves) {
    const verdict = m.regression ? (m.lowConfidence ? 'moved (small sample)' : '**regression**') : 'ok';
    lines.push(
      `| ${cell(m.group)} | ${m.metric} | ${m.baseline} | ${m.current} | ${signed(m.change)} | ${Math.round(m.allowed * 1000) / 10} % | ${verdict} |`,
    );
  }
  return lines.join('\n');
}

/** `+20.1 %`, `-3 %`. */
export function signed(change: number): string {
  if (!Number.isFinite(change)) return 'new';
  const pct = Math.round(change * 1000) / 10;
  return `${pct >= 0 ? '+' : ''}${pct} %`;
}
