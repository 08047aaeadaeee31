import type { HttpChaosFault } from '../../safety/chaos-responses.js';
import type { Provider } from '../provider.js';
import { geminiSessionRules } from './session-rules.js';
import { lazyContract } from '../lazy-contract.js';
import { versionUnder } from '../versioned-path.js';
import { numberCallIds } from './call-ids.js';
import { assembleGeminiJson, createGeminiAssembler } from './assembler.js';
import { geminiMock } from './mock.js';

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

/** google.rpc status of each injected fault (no 529 at Google: it gets the overload answer). */
const CHAOS: Record<HttpChaosFault, string> = {
  '429': 'RESOURCE_EXHAUSTED',
  '500': 'INTERNAL',
  '503': 'UNAVAILABLE',
  '529': 'UNAVAILABLE',
};

/** generativelanguage.googleapis.com: the model in the path, the stream asked for by the verb. */
export const gemini: Provider = {
  name: 'gemini',
  family: 'gemini',
  upstream: 'https://generativelanguage.googleapis.com',
  baseUrlEnv: 'GOOGLE_GEMINI_BASE_URL',
  // The Gemini SDKs read either name.
  baseUrlEnvAliases: ['GEMINI_BASE_URL'],
  baseUrlSuffix: '',
  sessionRules: geminiSessionRules,
  apiKeyEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  // `labels` are billing tags (Vertex); they never change the answer.
  ignoredFields: ['labels'],
  keyRewrite: { name: 'gemini-call-ids@1', apply: numberCallIds },
  inputIncludesCachedTokens: true,
  volatileResponseHeaders: ['x-goog-api-key'],
  apiKeyHeader(key) {
    return ['x-goog-api-key', key];
  },
  errorBody(status, code, message) {
    return { error: { code: status, message, status: RPC_STATUS[status] ?? 'UNKNOWN', details: [{ reason: code }] } };
  },
  chaosErrorBody(fault, status, message) {
    return { error: { code: status, message, status: CHAOS[fault] } };
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
  samePath(path) {
    return path.replace(/:streamGenerateContent$/, ':generateContent');
  },
  // A base URL set to the proxy without `/v1beta` (the Vercel AI SDK's `baseURL` includes it).
  versionedPath: versionUnder('v1beta', ['models', 'files', 'cachedContents', 'tunedModels']),
  assemblers: {
    gemini: { create: createGeminiAssembler, json: assembleGeminiJson },
  },
  assemblerKind(path) {
    return /:(stream)?[gG]enerateContent$/.test(path) ? 'gemini' : 'generic';
  },
  mock: geminiMock,
  mockEndpoints:
    'POST models/{m}:generateContent, :streamGenerateContent, :embedContent, :batchEmbedContents, :countTokens, GET models, GET models/{m}',
  ...lazyContract('gemini', () => import('./contract.js')),
  prices: {
    'gemini-2.5-pro': { input: 1.25, output: 10, cacheRead: 0.31 },
    'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cacheRead: 0.025 },
    'gemini-2.5-flash': { input: 0.3, output: 2.5, cacheRead: 0.075 },
    'gemini-2.0-flash': { input: 0.1, output: 0.4, cacheRead: 0.025 },
    'gemini-3-pro': { input: 2, output: 12, cacheRead: 0.2 },
  },
};
