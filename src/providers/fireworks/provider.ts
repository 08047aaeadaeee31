import { openaiCompatible } from '../openai-compatible/provider.js';
import type { Provider } from '../provider.js';

/** api.fireworks.ai: the OpenAI wire under `/inference/v1`; models are named `accounts/<a>/models/<m>`. */
export const fireworks: Provider = {
  ...openaiCompatible,
  name: 'fireworks',
  upstream: 'https://api.fireworks.ai/inference',
  baseUrlEnv: 'FIREWORKS_BASE_URL',
};
