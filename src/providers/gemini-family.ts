import type { Family } from './family.js';

const MODEL_IN_PATH = /\/models\/([^/:]+)(:[A-Za-z]+)?$/;

/** google.rpc status names for the HTTP statuses the proxy itself answers with. */
const RPC_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  402: 'FAILED_PRECONDITION',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export const geminiFamily: Family = {
  name: 'gemini',
  // `labels` are billing tags (Vertex); they never change the answer.
  ignoredFields: ['labels'],
  inputIncludesCachedTokens: true,
  baseUrlSuffix: '',
  apiKeyHeader(key) {
    return ['x-goog-api-key', key];
  },
  errorBody(status, code, message) {
    return { error: { code: status, message, status: RPC_STATUS[status] ?? 'UNKNOWN', details: [{ reason: code }] } };
  },
  model(path) {
    return MODEL_IN_PATH.exec(path)?.[1];
  },
  withModel(path, body, model) {
    return { path: path.replace(MODEL_IN_PATH, (_m, _old, verb: string | undefined) => `/models/${model}${verb ?? ''}`), body };
  },
  isStreamRequest(path) {
    return path.endsWith(':streamGenerateContent');
  },
  assemblerKind(path) {
    return /:(stream)?[gG]enerateContent$/.test(path) ? 'gemini' : 'generic';
  },
};
