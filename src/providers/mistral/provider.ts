import { openaiCompatible } from '../openai-compatible/provider.js';
import type { Provider } from '../provider.js';

/**
 * api.mistral.ai: OpenAI-like chat (`/v1/chat/completions`), fill-in-the-middle
 * (`/v1/fim/completions`, answered in the chat shape) and embeddings. Quirks: tool-call deltas
 * arrive whole, reasoning models (Magistral) stream `content` as an array of `thinking` and `text`
 * chunks, errors carry `"object": "error"` (422 validation errors are `{"detail": [...]}`).
 */
export const mistral: Provider = {
  ...openaiCompatible,
  name: 'mistral',
  family: 'mistral',
  upstream: 'https://api.mistral.ai',
  // The TypeScript SDK takes `serverURL` (set it from this variable).
  baseUrlEnv: 'MISTRAL_BASE_URL',
  baseUrlSuffix: '',
  errorBody(_status, code, message) {
    return { object: 'error', message, type: code, param: null, code };
  },
  assemblerKind(path) {
    return /\/fim\/completions$/.test(path) ? 'openai-chat' : openaiCompatible.assemblerKind(path);
  },
  mockEndpoints: 'POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models',
  prices: {
    'mistral-large': { input: 2, output: 6 },
    'mistral-medium': { input: 0.4, output: 2 },
    'mistral-small': { input: 0.1, output: 0.3 },
    codestral: { input: 0.3, output: 0.9 },
    'mistral-embed': { input: 0.1, output: 0 },
  },
};
