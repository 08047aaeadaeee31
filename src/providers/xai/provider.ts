import { openaiCompatible } from '../openai-compatible/provider.js';
import type { Provider } from '../provider.js';

/**
 * api.x.ai: the OpenAI wire under `/v1` (chat completions and responses). Grok reasoning models
 * stream `reasoning_content` and count `completion_tokens_details.reasoning_tokens`.
 */
export const xai: Provider = {
  ...openaiCompatible,
  name: 'xai',
  upstream: 'https://api.x.ai',
  baseUrlEnv: 'XAI_BASE_URL',
};
