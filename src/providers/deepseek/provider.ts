import { openaiCompatible } from '../openai-compatible/provider.js';
import type { Provider } from '../provider.js';

/**
 * api.deepseek.com: the OpenAI wire at the root (`/chat/completions`, `/v1/...` also answers).
 * `deepseek-reasoner` streams `reasoning_content` deltas before the answer, usage counts cache
 * hits as `prompt_cache_hit_tokens`, and a queued request gets `: keep-alive` SSE comments.
 */
export const deepseek: Provider = {
  ...openaiCompatible,
  name: 'deepseek',
  upstream: 'https://api.deepseek.com',
  baseUrlEnv: 'DEEPSEEK_BASE_URL',
  baseUrlSuffix: '',
  prices: {
    'deepseek-chat': { input: 0.28, output: 0.42, cacheRead: 0.028 },
    'deepseek-reasoner': { input: 0.28, output: 0.42, cacheRead: 0.028 },
  },
};
