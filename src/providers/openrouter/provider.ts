import { openaiCompatible } from '../openai-compatible/provider.js';
import type { Provider } from '../provider.js';

/**
 * openrouter.ai: the OpenAI-compatible wire under an `/api` prefix. It reports each answer's cost
 * itself (`usage.cost`, read by the chat assembler), so it needs no price table of its own.
 */
export const openrouter: Provider = {
  ...openaiCompatible,
  name: 'openrouter',
  upstream: 'https://openrouter.ai/api',
  baseUrlEnv: 'OPENROUTER_BASE_URL',
};
