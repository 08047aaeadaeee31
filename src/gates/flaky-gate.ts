import type { Store } from '../store/store.js';
import { computeAnswerVariability, type EpisodeVariability } from './answer-variability.js';
import { computeFlakyTests, type FlakyThresholds, type TestFlakiness } from './flaky-tests.js';
import type { GateResult } from './gate-result.js';
import { percent } from './quarantine-file.js';
import { cell } from './render-gates.js';

export interface FlakyGateOptions extends FlakyThresholds {
  /** The last N runs of the ledger (with per-test outcomes) make the window. */
  window: number;
  /** More flaky or quarantined tests than this is over the budget (exit 1). */
  maxFlaky: number;
  label?: string;
  /** Text similarity under which two live answers count as different. */
  minSimilarity: number;
}

export interface FlakyReport {
  ok: boolean;
  /** Ids of the runs in the window, newest first. */
  runs: string[];
  tests: TestFlakiness[];
  episodes: EpisodeVariability[];
  thresholds: FlakyThresholds & { window: number; maxFlaky: number };
  result: GateResult;
}

/** `cassette flaky`: the flakiness budget over the ledger's last runs, and answer variability across live takes. */
export async function runFlakyGate(store: Store, o: FlakyGateOptions): Promise<FlakyReport> {
  const all = await store.listRuns(o.label === undefined ? {} : { label: o.label });
  const window = all.filter((r) => r.tests !== undefined).slice(0, o.window);
  const tests = computeFlakyTests(window, o);
  const episodes = await computeAnswerVariability(store, o.window, o.minSimilarity);
  const over = tests.filter((t) => t.status === 'flaky' || t.status === 'quarantined');
  const ok = over.length <= o.maxFlaky;
  const thresholds = {
    flakyAbove: o.flakyAbove,
    quarantineAbove: o.quarantineAbove,
    minRuns: o.minRuns,
    window: o.window,
    maxFlaky: o.maxFlaky,
  };
  const count = (s: TestFlakiness['status']): number => tests.filter((t) => t.status === s).length;
  const summary =
    window.length === 0
      ? 'no runs with per-test outcomes in the ledger (record some with `cassette run --junit FILE`)'
      : `${tests.length} tests over ${window.length} runs: ${count('quarantined')} quarantined, ${count('flaky')} flaky, ${count('failing')} failing every run; budget ${o.maxFlaky} flaky`;
  const notes: string[] = [];
  if (window.length > 0 && window.length < o.minRuns) {
    notes.push(`Only ${window.length} runs in the window: a test needs ${o.minRuns} runs before it can be called flaky.`);
  }
  const result: GateResult = {
    gate: 'flaky',
    ok,
    summary,
    markdown: flakyMarkdown(tests, episodes),
    checks: tests
      .filter((t) => t.status !== 'stable')
      .map((t) => ({
        name: t.test,
        ok: t.status !== 'flaky' && t.status !== 'quarantined',
        detail: `${t.status}: failed ${t.failures} of ${t.runs} runs (${percent(t.failureRate)})`,
      })),
    notes,
    ...(window.length === 0 ? { skipped: summary } : {}),
  };
  return { ok, runs: window.map((r) => r.id), tests, episodes, thresholds, result };
}

function flakyMarkdown(tests: readonly TestFlakiness[], episodes: readonly EpisodeVariability[]): string {
  const lines: string[] = [];
  const shown = tests.filter((t) => t.status !== 'stable');
  if (shown.length > 0) {
    lines.push('| test | status | failed | runs | rate |', '|---|---|---:|---:|---:|');
    for (const t of shown) lines.push(`| ${cell(t.test)} | ${t.status} | ${t.failures} | ${t.runs} | ${percent(t.failureRate)} |`);
  }
  const variable = episodes.filter((e) => e.variable);
  if (variable.length > 0) {
    lines.push('', 'Episodes whose live answers vary across takes:', '');
    lines.push('| episode | takes | steps compared | mean similarity | lowest | tool-call agreement | status changes |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|');
    for (const e of variable) {
      lines.push(
        `| ${cell(e.episode)} | ${e.takes} | ${e.pairs} | ${e.meanSimilarity} | ${e.minSimilarity} | ${percent(e.toolCallAgreement)} | ${e.statusChanges} |`,
      );
    }
  }
  return lines.join('\n');
}
