import { openaiCompatible } from '../openai-compatible/provider.js';
import type { Provider } from '../provider.js';

/**
 * api.groq.com: the OpenAI wire under `/openai/v1`. groq-sdk reads GROQ_BASE_URL as the host
 * and adds `/openai/v1/...` itself, so the route's upstream is the bare host (the `openai`
 * package pointed at Groq uses `<proxy>/groq/openai/v1`). Streams report usage under `x_groq`
 * in the last chunk; reasoning models stream `reasoning` deltas (both read by the chat assembler).
 */
export const groq: Provider = {
  ...openaiCompatible,
  name: 'groq',
  upstream: 'https://api.groq.com',
  baseUrlEnv: 'GROQ_BASE_URL',
  baseUrlSuffix: '',
  prices: {
    'llama-3.3-70b-versatile': { input: 0.59, output: 0.79 },
    'llama-3.1-8b-instant': { input: 0.05, output: 0.08 },
  },
};
