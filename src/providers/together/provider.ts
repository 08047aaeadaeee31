import { openaiCompatible } from '../openai-compatible/provider.js';
import type { Provider } from '../provider.js';

/**
 * api.together.xyz: the OpenAI wire under `/v1` (the together-ai SDK reads TOGETHER_BASE_URL
 * with `/v1`). Its last stream chunk carries `usage` beside a non-empty `choices`.
 */
export const together: Provider = {
  ...openaiCompatible,
  name: 'together',
  upstream: 'https://api.together.xyz',
  baseUrlEnv: 'TOGETHER_BASE_URL',
};
