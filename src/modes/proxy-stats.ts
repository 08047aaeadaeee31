import type { Usage } from '../types.js';

export const OUTCOMES = ['hit', 'miss', 'recorded', 'forwarded', 'refused', 'fault'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Upper bounds (seconds) of the request duration histogram. */
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

export interface MissRecord {
  episode: string;
  provider: string;
  method: string;
  path: string;
  message: string;
}

/** Counters of one proxy's life, read by `/__cassette/stats`, `/__cassette/metrics` and summaries. */
export class ProxyStats {
  readonly byOutcome = new Map<string, number>();
  /** `provider\0outcome` strings made once per provider, not once per request. */
  readonly #outcomeKeys = new Map<string, Map<Outcome, string>>();
  readonly durations = new Map<string, { buckets: number[]; sum: number; count: number }>();
  /**
   * Misses with their explanations, and smoke drift findings: a sample of the first MISS_SAMPLE
   * each (the miss counter keeps the total). Unbounded, fresh episode ids grew golden by ~2 KB a
   * miss and made `/__cassette/stats` tens of MB (issue 13 item 9).
   */
  readonly misses: MissRecord[] = cappedList(MISS_SAMPLE);
  readonly drift: { severity: string; check: string; path: string; provider: string; message?: string }[] = cappedList(MISS_SAMPLE);
  inputTokens = 0;
  outputTokens = 0;
  costUsd = 0;
  /** Tokens and cost of answers served from cassettes: what the replay did not spend. */
  savedTokens = 0;
  savedCostUsd = 0;
  bytesIn = 0;
  bytesOut = 0;

  count(provider: string, outcome: Outcome, seconds: number): void {
    let keys = this.#outcomeKeys.get(provider);
    if (!keys) this.#outcomeKeys.set(provider, (keys = new Map(OUTCOMES.map((o) => [o, `${provider}\0${o}`]))));
    const k = keys.get(outcome) as string;
    this.byOutcome.set(k, (this.byOutcome.get(k) ?? 0) + 1);
    let h = this.durations.get(provider);
    if (!h) {
      h = { buckets: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.durations.set(provider, h);
    }
    // One bucket per observation; render-metrics makes them cumulative, as Prometheus wants.
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[i] as number)) i++;
    if (i < DURATION_BUCKETS.length) (h.buckets[i] as number)++;
    h.sum += seconds;
    h.count++;
  }

  addUsage(usage: Usage | undefined, costUsd: number | undefined, saved: boolean): void {
    const tokens = (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0);
    if (saved) {
      this.savedTokens += tokens;
      this.savedCostUsd += costUsd ?? 0;
    } else {
      this.inputTokens += usage?.inputTokens ?? 0;
      this.outputTokens += usage?.outputTokens ?? 0;
      this.costUsd += costUsd ?? 0;
    }
  }

  total(outcome?: Outcome): number {
    let n = 0;
    for (const [k, v] of this.byOutcome) if (!outcome || k.endsWith(`\0${outcome}`)) n += v;
    return n;
  }
}

/** How many misses (and drift findings) keep their explanation. */
export const MISS_SAMPLE = 1_000;

/** An array whose push stops adding at `cap` entries (callers keep using it as an array). */
function cappedList<T>(cap: number): T[] {
  const list: T[] = [];
  // Non-enumerable, so the list still compares, serialises and clones as a plain array.
  Object.defineProperty(list, 'push', {
    value: (...items: T[]): number => {
      for (const item of items) if (list.length < cap) Array.prototype.push.call(list, item);
      return list.length;
    },
  });
  return list;
}
