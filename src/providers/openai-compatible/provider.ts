import type { HttpChaosFault } from '../../safety/chaos-responses.js';
import { isRecord } from '../../util/is-record.js';
import { assembleOllamaJson, createOllamaAssembler } from '../ollama/assembler.js';
import type { Provider } from '../provider.js';
import { lazyContract } from '../lazy-contract.js';
import { assembleOpenAiChatJson, createOpenAiChatAssembler } from './chat-assembler.js';
import { openaiMock } from './mock.js';
import { assembleResponsesJson, createOpenAiResponsesAssembler } from './responses-assembler.js';

/** What an OpenAI-family server says for each injected status (OpenAI has no 529: it gets its overload answer). */
const CHAOS: Record<HttpChaosFault, { type: string; code: string | null }> = {
  '429': { type: 'requests', code: 'rate_limit_exceeded' },
  '500': { type: 'server_error', code: null },
  '503': { type: 'server_error', code: 'service_unavailable' },
  '529': { type: 'server_error', code: 'overloaded' },
};

/** Families whose request body names the model (`model`) and asks for a stream (`stream: true`). */
export const bodyModelFields: Pick<Provider, 'model' | 'withModel' | 'isStreamRequest'> = {
  model(_path, body) {
    return isRecord(body) && typeof body.model === 'string' ? body.model : undefined;
  },
  withModel(path, body, model) {
    return { path, body: isRecord(body) ? { ...body, model } : body };
  },
  isStreamRequest(_path, _query, body) {
    return isRecord(body) && body.stream === true;
  },
};

/**
 * The OpenAI wire protocol as every OpenAI-compatible server speaks it (OpenAI, OpenRouter, Groq,
 * Together, DeepSeek, Ollama, vLLM): chat completions, responses, embeddings, models, and Ollama's
 * native `/api/chat` and `/api/generate`. The `openai` and `openrouter` modules are routes over it;
 * config providers with `family: "openai"` speak it too.
 */
export const openaiCompatible: Omit<Provider, 'name' | 'upstream' | 'baseUrlEnv' | 'prices'> = {
  family: 'openai',
  // `user`, `metadata`, `safety_identifier` and `prompt_cache_key` label a request for the
  // provider's bookkeeping; `include_obfuscation` only pads stream chunks. None changes the answer.
  ignoredFields: ['user', 'metadata', 'safety_identifier', 'prompt_cache_key', 'stream_options.include_obfuscation'],
  inputIncludesCachedTokens: true,
  baseUrlSuffix: '/v1',
  volatileResponseHeaders: ['openai-processing-ms', 'openai-organization', 'openai-project'],
  apiKeyHeader(key) {
    return ['authorization', `Bearer ${key}`];
  },
  errorBody(_status, code, message) {
    return { error: { message, type: code, param: null, code } };
  },
  chaosErrorBody(fault, _status, message) {
    return { error: { message, type: CHAOS[fault].type, param: null, code: CHAOS[fault].code } };
  },
  ...bodyModelFields,
  assemblers: {
    'openai-chat': { create: createOpenAiChatAssembler, json: assembleOpenAiChatJson },
    'openai-responses': { create: createOpenAiResponsesAssembler, json: assembleResponsesJson },
    ollama: { create: createOllamaAssembler, json: assembleOllamaJson },
  },
  assemblerKind(path) {
    if (/\/responses(\/|$)/.test(path)) return 'openai-responses';
    if (/\/chat\/completions$/.test(path)) return 'openai-chat';
    if (/\/api\/(chat|generate)$/.test(path)) return 'ollama';
    return 'generic';
  },
  mock: openaiMock,
  mockEndpoints: 'POST /v1/chat/completions, POST /v1/responses, POST /v1/embeddings, GET /v1/models, GET /v1/models/{id}',
  ...lazyContract('openai', () => import('./contract.js')),
};
