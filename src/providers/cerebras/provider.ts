import { openaiCompatible } from '../openai-compatible/provider.js';
import type { Provider } from '../provider.js';

/**
 * api.cerebras.ai: the OpenAI wire under `/v1`. The Cerebras SDK reads CEREBRAS_BASE_URL as the
 * host and adds `/v1/...` itself. Answers carry a `time_info` object beside `usage`.
 */
export const cerebras: Provider = {
  ...openaiCompatible,
  name: 'cerebras',
  upstream: 'https://api.cerebras.ai',
  baseUrlEnv: 'CEREBRAS_BASE_URL',
  baseUrlSuffix: '',
};
