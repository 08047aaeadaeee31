import type { Usage } from '../types.js';

export interface Price {
  /** USD per million input tokens. */
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** The date the built-in list prices were taken from the providers' pricing pages. */
export const PRICE_TABLE_DATE = '2026-11-01';

/** Built-in list prices by model-name prefix (the longest matching prefix wins). */
export const BUILT_IN_PRICES: Readonly<Record<string, Price>> = {
  'gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005 },
  'gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025 },
  'gpt-5': { input: 1.25, output: 10, cacheRead: 0.125 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cacheRead: 0.025 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1 },
  'gpt-4.1': { input: 2, output: 8, cacheRead: 0.5 },
  // Realtime models, text token prices (audio tokens cost more; sessions report them apart).
  'gpt-realtime-mini': { input: 0.6, output: 2.4, cacheRead: 0.06 },
  'gpt-realtime': { input: 4, output: 16, cacheRead: 0.4 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075 },
  'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275 },
  o3: { input: 2, output: 8, cacheRead: 0.5 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  'text-embedding-ada-002': { input: 0.1, output: 0 },
  'claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-3-7-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-3-5-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-haiku-4': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
  'claude-3-haiku': { input: 0.25, output: 1.25, cacheRead: 0.03, cacheWrite: 0.3 },
  'gemini-2.5-pro': { input: 1.25, output: 10, cacheRead: 0.31 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cacheRead: 0.025 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5, cacheRead: 0.075 },
  'gemini-2.0-flash': { input: 0.1, output: 0.4, cacheRead: 0.025 },
  'gemini-3-pro': { input: 2, output: 12, cacheRead: 0.2 },
};

/**
 * Cost of one answer in USD: the provider's own figure when it reports one (OpenRouter), else
 * the price table. `inputIncludesCached`: OpenAI and Gemini count cached tokens inside the input
 * count, Anthropic reports them beside it.
 */
export function costOf(
  model: string | undefined,
  usage: Usage | undefined,
  inputIncludesCached: boolean,
  overrides: Readonly<Record<string, Price>> = {},
): number | undefined {
  if (!usage) return undefined;
  if (usage.reportedCostUsd !== undefined) return usage.reportedCostUsd;
  const price = model === undefined ? undefined : priceOf(model, overrides);
  if (!price) return undefined;
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const plainInput = inputIncludesCached ? Math.max(0, usage.inputTokens - cacheRead) : usage.inputTokens;
  const usd =
    plainInput * price.input +
    cacheRead * (price.cacheRead ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input) +
    usage.outputTokens * price.output;
  return Number((usd / 1e6).toFixed(8));
}

/** The price for a model: config overrides first, then the built-in table; vendor prefixes (`openai/`) ignored. */
export function priceOf(model: string, overrides: Readonly<Record<string, Price>> = {}): Price | undefined {
  const name = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
  for (const table of [overrides, BUILT_IN_PRICES]) {
    let best: string | undefined;
    for (const prefix of Object.keys(table)) {
      if (name.startsWith(prefix) && (!best || prefix.length > best.length)) best = prefix;
    }
    if (best) return table[best];
  }
  return undefined;
}
