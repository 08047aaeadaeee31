import { providerOfFamily } from '../providers/registry.js';
import { costOf } from '../providers/prices.js';
import type { Price } from '../providers/prices.js';
import type { Interaction, Usage } from '../types.js';

/** Calls, tokens, cost and latency of a set of interactions (`cassette stats`, `cassette ls`). */
export interface CallSummary {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Undefined when no call could be priced. */
  costUsd: number | undefined;
  latencyMs: { p50: number | null; p95: number | null; meanTtfb: number | null };
}

/** Sums what the providers reported; see `costOfInteraction` for the cost. */
export function summarizeInteractions(list: readonly Interaction[], prices: Readonly<Record<string, Price>> = {}): CallSummary {
  const s = { calls: list.length, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
  let cost: number | undefined;
  for (const i of list) {
    const u = usageOf(i);
    s.inputTokens += u?.inputTokens ?? 0;
    s.outputTokens += u?.outputTokens ?? 0;
    s.cacheReadTokens += u?.cacheReadTokens ?? 0;
    s.cacheWriteTokens += u?.cacheWriteTokens ?? 0;
    s.reasoningTokens += u?.reasoningTokens ?? 0;
    const c = costOfInteraction(i, prices);
    if (c !== undefined) cost = (cost ?? 0) + c;
  }
  const totals = list.map((i) => i.timings?.totalMs).filter(isNumber);
  const ttfbs = list.map((i) => i.timings?.ttfbMs).filter(isNumber);
  return {
    ...s,
    costUsd: cost === undefined ? undefined : Number(cost.toFixed(8)),
    latencyMs: {
      p50: percentile(totals, 50),
      p95: percentile(totals, 95),
      meanTtfb: ttfbs.length === 0 ? null : round(ttfbs.reduce((a, b) => a + b, 0) / ttfbs.length),
    },
  };
}

/** The usage the provider reported (stored beside the interaction, or inside the assembled answer). */
export function usageOf(i: Interaction): Usage | undefined {
  return i.usage ?? i.assembled?.usage;
}

/**
 * Cost at today's price table (plus config `prices`), so every figure shown is at the prices of
 * PRICE_TABLE_DATE; a model the table does not know keeps the cost stored at recording time.
 */
export function costOfInteraction(i: Interaction, prices: Readonly<Record<string, Price>> = {}): number | undefined {
  // A damaged row may name no known family: fall back rather than fail the whole report.
  const family = providerOfFamily(i.family);
  if (!family) return i.costUsd;
  const body = i.request?.body?.kind === 'json' ? i.request.body.json : undefined;
  const model = i.assembled?.model ?? family.model(i.request?.path ?? '', body);
  return costOf(model, usageOf(i), family.inputIncludesCachedTokens, prices) ?? i.costUsd;
}

/** Nearest-rank percentile, null for no samples. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return round(sorted[rank - 1] ?? 0);
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
