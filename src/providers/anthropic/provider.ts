import type { HttpChaosFault } from '../../safety/chaos-responses.js';
import { bodyModelFields } from '../openai-compatible/provider.js';
import type { Provider } from '../provider.js';
import { lazyContract } from '../lazy-contract.js';
import { versionUnder } from '../versioned-path.js';
import { assembleAnthropicJson, createAnthropicMessagesAssembler } from './messages-assembler.js';
import { anthropicMock } from './mock.js';

/** Anthropic's error `type` for each injected status. */
const CHAOS: Record<HttpChaosFault, string> = {
  '429': 'rate_limit_error',
  '500': 'api_error',
  '503': 'api_error',
  '529': 'overloaded_error',
};

/** api.anthropic.com: the Messages API (and its OpenAI-compatible chat route). */
export const anthropic: Provider = {
  name: 'anthropic',
  family: 'anthropic',
  upstream: 'https://api.anthropic.com',
  baseUrlEnv: 'ANTHROPIC_BASE_URL',
  baseUrlSuffix: '',
  // `metadata.user_id` is an opaque end-user label for abuse tracking.
  ignoredFields: ['metadata'],
  inputIncludesCachedTokens: false,
  volatileResponseHeaders: ['anthropic-organization-id'],
  volatileResponseHeaderPrefixes: ['anthropic-ratelimit-'],
  apiKeyHeader(key) {
    return ['x-api-key', key];
  },
  errorBody(_status, code, message) {
    return { type: 'error', error: { type: code, message } };
  },
  chaosErrorBody(fault, _status, message) {
    return { type: 'error', error: { type: CHAOS[fault], message } };
  },
  ...bodyModelFields,
  // The Vercel AI SDK's Anthropic provider appends `/messages` to ANTHROPIC_BASE_URL as it is.
  versionedPath: versionUnder('v1', ['messages', 'models', 'complete', 'files']),
  assemblers: {
    'anthropic-messages': { create: createAnthropicMessagesAssembler, json: assembleAnthropicJson },
  },
  assemblerKind(path) {
    if (/\/messages$/.test(path)) return 'anthropic-messages';
    if (/\/chat\/completions$/.test(path)) return 'openai-chat';
    return 'generic';
  },
  mock: anthropicMock,
  mockEndpoints: 'POST /v1/messages, POST /v1/messages/count_tokens, GET /v1/models, GET /v1/models/{id}',
  ...lazyContract('anthropic', () => import('./contract.js')),
  prices: {
    'claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
    'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'claude-3-7-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'claude-3-5-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'claude-haiku-4': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
    'claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
    'claude-3-haiku': { input: 0.25, output: 1.25, cacheRead: 0.03, cacheWrite: 0.3 },
  },
};
