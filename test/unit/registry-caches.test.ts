// What the recording hot path derives from the provider list (the merged price table, the
// volatile response headers) is built once, and built again when a provider module is registered.
import { describe, expect, it } from 'vitest';
import { openai } from '../../src/providers/openai/provider.js';
import { costOf, priceOf } from '../../src/providers/prices.js';
import type { Provider } from '../../src/providers/provider.js';
import { registerProvider, volatileResponseHeaders } from '../../src/providers/registry.js';

const late: Provider = {
  ...openai,
  name: 'late-registered',
  prices: { 'late-model-': { input: 3, output: 5 } },
  volatileResponseHeaders: ['x-late-request-id'],
  volatileResponseHeaderPrefixes: ['x-late-ratelimit-'],
};

describe('caches of the provider registry', () => {
  it('see a provider module registered after they were first asked', () => {
    // Asked first: the model is unknown, the headers are not volatile.
    expect(priceOf('late-model-1')).toBeUndefined();
    expect(costOf('late-model-1', { inputTokens: 1_000_000, outputTokens: 0 }, true)).toBeUndefined();
    expect(volatileResponseHeaders().names.has('x-late-request-id')).toBe(false);
    expect(volatileResponseHeaders()).toBe(volatileResponseHeaders());

    registerProvider(late);

    expect(priceOf('late-model-1')).toEqual({ input: 3, output: 5 });
    expect(priceOf('vendor/late-model-1')).toEqual({ input: 3, output: 5 });
    expect(costOf('late-model-1', { inputTokens: 1_000_000, outputTokens: 1_000_000 }, true)).toBe(8);
    expect(volatileResponseHeaders().names.has('x-late-request-id')).toBe(true);
    expect(volatileResponseHeaders().prefixes).toContain('x-late-ratelimit-');
  });

  it('keep config price overrides apart from the built-in table, per overrides object', () => {
    const overrides = { 'gpt-4o': { input: 100, output: 200 } };
    const builtIn = priceOf('gpt-4o-2024-08-06');
    expect(builtIn).toBeDefined();
    expect(priceOf('gpt-4o-2024-08-06', overrides)).toEqual({ input: 100, output: 200 });
    // The memo of one overrides object does not answer for another, nor for none.
    expect(priceOf('gpt-4o-2024-08-06')).toEqual(builtIn);
    expect(priceOf('gpt-4o-2024-08-06', { 'gpt-4o-2024': { input: 7, output: 9 } })).toEqual({ input: 7, output: 9 });
  });
});
