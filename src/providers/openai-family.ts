import type { Family } from './family.js';
import { bodyModelFields } from './family.js';

/** OpenAI and every OpenAI-compatible server (OpenRouter, Groq, Together, DeepSeek, Ollama, vLLM). */
export const openaiFamily: Family = {
  name: 'openai',
  // `user`, `metadata`, `safety_identifier` and `prompt_cache_key` label a request for the
  // provider's bookkeeping; `include_obfuscation` only pads stream chunks. None changes the answer.
  ignoredFields: ['user', 'metadata', 'safety_identifier', 'prompt_cache_key', 'stream_options.include_obfuscation'],
  inputIncludesCachedTokens: true,
  baseUrlSuffix: '/v1',
  apiKeyHeader(key) {
    return ['authorization', `Bearer ${key}`];
  },
  errorBody(_status, code, message) {
    return { error: { message, type: code, param: null, code } };
  },
  ...bodyModelFields,
  assemblerKind(path) {
    if (/\/responses(\/|$)/.test(path)) return 'openai-responses';
    if (/\/chat\/completions$/.test(path)) return 'openai-chat';
    if (/\/api\/(chat|generate)$/.test(path)) return 'ollama';
    return 'generic';
  },
};
