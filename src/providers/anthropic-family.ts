import type { Family } from './family.js';
import { bodyModelFields } from './family.js';

export const anthropicFamily: Family = {
  name: 'anthropic',
  // `metadata.user_id` is an opaque end-user label for abuse tracking.
  ignoredFields: ['metadata'],
  inputIncludesCachedTokens: false,
  baseUrlSuffix: '',
  apiKeyHeader(key) {
    return ['x-api-key', key];
  },
  errorBody(_status, code, message) {
    return { type: 'error', error: { type: code, message } };
  },
  ...bodyModelFields,
  assemblerKind(path) {
    if (/\/messages$/.test(path)) return 'anthropic-messages';
    if (/\/chat\/completions$/.test(path)) return 'openai-chat';
    return 'generic';
  },
};
