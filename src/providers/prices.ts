import type { Usage } from '../types.js';
import type { Price } from './provider.js';
import { allProviders, providersGeneration } from './registry.js';

export type { Price } from './provider.js';

/** The date the built-in list prices were taken from the providers' pricing pages. */
export const PRICE_TABLE_DATE = '2026-11-01';

/** Built-in list prices by model-name prefix (the longest matching prefix wins), from every provider module. */
export const BUILT_IN_PRICES: Readonly<Record<string, Price>> = Object.freeze(
  Object.assign({}, ...allProviders().map((p) => p.prices ?? {})),
);

/** The list prices of every registered provider module (built-ins and any registered since). */
function registeredPrices(): Readonly<Record<string, Price>> {
  // Asked for every recorded answer's cost: merged once per registry state, not per call.
  if (pricesCache?.generation !== providersGeneration()) {
    pricesCache = {
      generation: providersGeneration(),
      prices: Object.freeze(Object.assign({}, ...allProviders().map((p) => p.prices ?? {}))),
    };
  }
  return pricesCache.prices;
}

let pricesCache: { generation: number; prices: Readonly<Record<string, Price>> } | undefined;

/**
 * Cost of one answer in USD: the provider's own figure when it reports one (OpenRouter), else
 * the price table. `inputIncludesCached`: OpenAI and Gemini count cached tokens inside the input
 * count, Anthropic reports them beside it.
 */
export function costOf(
  model: string | undefined,
  usage: Usage | undefined,
  inputIncludesCached: boolean,
  overrides: Readonly<Record<string, Price>> = NO_OVERRIDES,
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
export function priceOf(model: string, overrides: Readonly<Record<string, Price>> = NO_OVERRIDES): Price | undefined {
  // A proxy prices every recorded answer, mostly of a few models: the prefix search runs once per
  // model (and price table), not once per answer.
  const generation = providersGeneration();
  let memo = priceMemo.get(overrides);
  if (memo?.generation !== generation) priceMemo.set(overrides, (memo = { generation, byModel: new Map() }));
  if (memo.byModel.has(model)) return memo.byModel.get(model);
  const price = searchPrice(model, overrides);
  // Bounded: a client inventing model names cannot grow it without limit.
  if (memo.byModel.size < 1000) memo.byModel.set(model, price);
  return price;
}

const NO_OVERRIDES: Readonly<Record<string, Price>> = Object.freeze({});
const priceMemo = new WeakMap<object, { generation: number; byModel: Map<string, Price | undefined> }>();

function searchPrice(model: string, overrides: Readonly<Record<string, Price>>): Price | undefined {
  const name = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
  for (const table of [overrides, registeredPrices()]) {
    let best: string | undefined;
    for (const prefix of Object.keys(table)) {
      if (name.startsWith(prefix) && (!best || prefix.length > best.length)) best = prefix;
    }
    if (best) return table[best];
  }
  return undefined;
}
