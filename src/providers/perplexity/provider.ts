import { openaiCompatible } from '../openai-compatible/provider.js';
import type { Provider } from '../provider.js';

/**
 * api.perplexity.ai: the OpenAI chat wire at the root (`/chat/completions`). Every chunk repeats
 * `citations` and `search_results` (kept in the assembled answer) and its `usage` adds a `cost`
 * object whose `total_cost` is the answer's price, so it needs no price table.
 */
export const perplexity: Provider = {
  ...openaiCompatible,
  name: 'perplexity',
  upstream: 'https://api.perplexity.ai',
  baseUrlEnv: 'PERPLEXITY_BASE_URL',
  baseUrlSuffix: '',
  apiKeyEnv: ['PPLX_API_KEY'],
};
