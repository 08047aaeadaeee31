import type { HttpChaosFault } from '../../safety/chaos-responses.js';
import { bodyModelFields } from '../openai-compatible/provider.js';
import type { Provider } from '../provider.js';
import { assembleCohereChatJson, createCohereChatAssembler } from './assembler.js';

/** What Cohere says for each injected status. */
const CHAOS: Record<HttpChaosFault, string> = {
  '429': 'You are using a Trial key, which is limited to 10 API calls / minute.',
  '500': 'internal server error, this has been reported to our developers.',
  '503': 'service unavailable',
  '529': 'service unavailable',
};

/**
 * api.cohere.com, API v2: `/v2/chat` (streamed as typed SSE events: `message-start`,
 * `content-delta`, `tool-call-*`, `message-end`), `/v2/embed`, `/v2/rerank`. Errors are
 * `{"id", "message"}`; the cohere-ai SDK raises its typed error with that body.
 */
export const cohere: Provider = {
  name: 'cohere',
  family: 'cohere',
  upstream: 'https://api.cohere.com',
  // Cohere's Python SDK reads it; the TypeScript SDK takes `environment` (set it from this variable).
  baseUrlEnv: 'CO_API_URL',
  baseUrlSuffix: '',
  apiKeyEnv: ['CO_API_KEY'],
  ignoredFields: [],
  inputIncludesCachedTokens: true,
  volatileResponseHeaders: [
    'x-trial-endpoint-call-limit',
    'x-trial-endpoint-call-remaining',
    'x-debug-trace-id',
    'x-endpoint-monthly-call-limit',
    'num_chars',
    'num_tokens',
  ],
  apiKeyHeader(key) {
    return ['authorization', `Bearer ${key}`];
  },
  errorBody(_status, code, message) {
    return { id: code, message };
  },
  chaosErrorBody(fault, _status, message) {
    return { id: `chaos-${fault}`, message: `${CHAOS[fault]} (${message})` };
  },
  ...bodyModelFields,
  assemblers: {
    'cohere-chat': { create: createCohereChatAssembler, json: assembleCohereChatJson },
  },
  assemblerKind(path) {
    return /\/v2\/chat$/.test(path) ? 'cohere-chat' : 'generic';
  },
  // Mock mode and built-in contract schemas are not written yet: mock answers 404 for Cohere and
  // drift checks use the contracts inferred from recordings only.
  mock: () => undefined,
  mockEndpoints: 'no endpoint yet',
  contractSchema: () => undefined,
  prices: {
    'command-a': { input: 2.5, output: 10 },
    'command-r-plus': { input: 2.5, output: 10 },
    'command-r7b': { input: 0.0375, output: 0.15 },
    'command-r': { input: 0.15, output: 0.6 },
    'embed-v4': { input: 0.12, output: 0 },
  },
};
