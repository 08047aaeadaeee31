import type { Interaction } from '../types.js';
import { percentile } from './percentile.js';

/** What `cassette gate` groups calls by. */
export interface PerfGroupKey {
  episode: string;
  provider: string;
  model: string;
}

/** The statistics of one group of calls (docs/gates.md, "Latency and cost"). */
export interface PerfStats extends PerfGroupKey {
  /** Calls measured (complete, status below 400). */
  samples: number;
  totalMs: { p50: number; p95: number; p99: number };
  /** Time to first token: the first stream event's time, else time to first byte. */
  ttftMs: { p50: number; p95: number; p99: number };
  /** Median of each call's output tokens per second of its total time; undefined without usage. */
  tokensPerSecond: number | undefined;
  /** All output tokens over all seconds spent: the group's throughput; undefined without usage. */
  throughput: number | undefined;
  /** Summed cost, USD (calls without a known price count 0). */
  costUsd: number;
}

/** The model a call asked for: what the answer says, else the request body's `model`, else `unknown`. */
export function modelOf(i: Interaction): string {
  const fromAnswer = i.assembled?.model;
  if (fromAnswer) return fromAnswer;
  const body = i.request.body;
  const model =
    body.kind === 'json' && body.json && typeof body.json === 'object' ? (body.json as Record<string, unknown>).model : undefined;
  return typeof model === 'string' && model ? model : 'unknown';
}

/** Time to first token of a call, ms. */
export function ttftOf(i: Interaction): number {
  return i.response.stream?.events[0]?.ms ?? i.timings.ttfbMs;
}

/** Groups calls by episode, provider and model, and adds an `*` group of everything when there is more than one. */
export function computePerfStats(calls: readonly Interaction[]): PerfStats[] {
  const measured = calls.filter((i) => i.complete && i.response.status < 400);
  const groups = new Map<string, Interaction[]>();
  for (const i of measured) {
    const key = JSON.stringify([i.episode, i.provider, modelOf(i)]);
    const list = groups.get(key);
    if (list) list.push(i);
    else groups.set(key, [i]);
  }
  const stats = [...groups].map(([key, list]) => {
    const [episode, provider, model] = JSON.parse(key) as [string, string, string];
    return statsOf({ episode, provider, model }, list);
  });
  stats.sort((a, b) => groupName(a).localeCompare(groupName(b)));
  if (stats.length > 1) stats.push(statsOf({ episode: '*', provider: '*', model: '*' }, measured));
  return stats;
}

/** `episode provider/model` for tables and JUnit case names. */
export function groupName(g: PerfGroupKey): string {
  return g.episode === '*' ? 'all calls' : `${g.episode} ${g.provider}/${g.model}`;
}

function statsOf(key: PerfGroupKey, calls: readonly Interaction[]): PerfStats {
  const total = calls.map((i) => i.timings.totalMs).sort((a, b) => a - b);
  const ttft = calls.map(ttftOf).sort((a, b) => a - b);
  const withTokens = calls.filter((i) => i.usage !== undefined && i.timings.totalMs > 0);
  const perCall = withTokens.map((i) => ((i.usage?.outputTokens ?? 0) * 1000) / i.timings.totalMs).sort((a, b) => a - b);
  const tokens = withTokens.reduce((n, i) => n + (i.usage?.outputTokens ?? 0), 0);
  const seconds = withTokens.reduce((n, i) => n + i.timings.totalMs / 1000, 0);
  return {
    ...key,
    samples: calls.length,
    totalMs: { p50: round(percentile(total, 50)), p95: round(percentile(total, 95)), p99: round(percentile(total, 99)) },
    ttftMs: { p50: round(percentile(ttft, 50)), p95: round(percentile(ttft, 95)), p99: round(percentile(ttft, 99)) },
    tokensPerSecond: perCall.length ? round(percentile(perCall, 50)) : undefined,
    throughput: seconds > 0 ? round(tokens / seconds) : undefined,
    costUsd: Math.round(calls.reduce((n, i) => n + (i.costUsd ?? 0), 0) * 1e6) / 1e6,
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
