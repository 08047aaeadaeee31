import { openaiCompatible } from '../openai-compatible/provider.js';
import type { Provider } from '../provider.js';
import { openaiSessionRules } from './session-rules.js';

/** api.openai.com: the OpenAI-compatible wire at its home, with OpenAI's list prices. */
export const openai: Provider = {
  ...openaiCompatible,
  name: 'openai',
  upstream: 'https://api.openai.com',
  baseUrlEnv: 'OPENAI_BASE_URL',
  sessionRules: openaiSessionRules,
  prices: {
    'gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005 },
    'gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025 },
    'gpt-5': { input: 1.25, output: 10, cacheRead: 0.125 },
    'gpt-4.1-nano': { input: 0.1, output: 0.4, cacheRead: 0.025 },
    'gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1 },
    'gpt-4.1': { input: 2, output: 8, cacheRead: 0.5 },
    // Realtime models, text-token prices (audio tokens cost more; usage reports them apart).
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
  },
};
