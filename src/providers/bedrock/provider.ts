import type { HttpChaosFault } from '../../safety/chaos-responses.js';
import type { Provider } from '../provider.js';
import { lazyContract } from '../lazy-contract.js';
import { assembleConverseJson, createConverseStreamAssembler } from './converse-assembler.js';
import { assembleInvokeJson, createInvokeStreamAssembler } from './invoke-assembler.js';
import { bedrockMock } from './mock.js';
import { environmentRegion, resignRequest } from './sign-request.js';

/** `/model/<modelId>/<operation>`: the id percent-encoded as the SDK sends it (`…-v1%3A0`, ARNs with `%3A` and `%2F`). */
const MODEL_IN_PATH = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/;

/** Bedrock's error type (`x-amzn-errortype`) for each status the proxy itself answers with. */
const ERROR_TYPES: Record<number, string> = {
  400: 'ValidationException',
  401: 'AccessDeniedException',
  402: 'ServiceQuotaExceededException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  413: 'ValidationException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  502: 'ServiceUnavailableException',
  503: 'ServiceUnavailableException',
  504: 'ModelTimeoutException',
};

/** Bedrock's error type of each injected fault (no 529 at AWS: overload is ServiceUnavailable). */
const CHAOS: Record<HttpChaosFault, string> = {
  '429': 'ThrottlingException',
  '500': 'InternalServerException',
  '503': 'ServiceUnavailableException',
  '529': 'ServiceUnavailableException',
};

/** `x-amzn-errortype` as AWS writes it: the type, then the documentation link the SDKs cut off. */
const errorType = (type: string): Record<string, string> => ({
  'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
});

/**
 * bedrock-runtime.<region>.amazonaws.com: Converse, ConverseStream, InvokeModel and
 * InvokeModelWithResponseStream. The model is in the path; streams are binary AWS event streams;
 * requests are SigV4-signed by the client for the proxy and re-signed by the proxy for AWS.
 */
export const bedrock: Provider = {
  name: 'bedrock',
  family: 'bedrock',
  // The proxy's region at start; another one: --upstream bedrock=https://bedrock-runtime.<region>.amazonaws.com
  upstream: `https://bedrock-runtime.${environmentRegion()}.amazonaws.com`,
  // The AWS SDKs' service-specific endpoint variable (JS v3, Python boto3, Java v2, Go v2).
  baseUrlEnv: 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME',
  baseUrlSuffix: '',
  // Bedrock API keys (bearer tokens) are read from this variable by the SDKs.
  apiKeyEnv: ['AWS_BEARER_TOKEN_BEDROCK'],
  apiKeyHeader(key) {
    return ['authorization', `Bearer ${key}`];
  },
  volatileResponseHeaders: ['x-amzn-requestid', 'x-amzn-bedrock-invocation-latency'],
  // `requestMetadata` only tags invocation logs; it never changes the answer.
  ignoredFields: ['requestMetadata'],
  inputIncludesCachedTokens: false,
  errorBody(_status, _code, message) {
    return { message };
  },
  errorHeaders(status) {
    return errorType(ERROR_TYPES[status] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException'));
  },
  chaosErrorBody(_fault, _status, message) {
    return { message };
  },
  chaosErrorHeaders(fault) {
    return errorType(CHAOS[fault]);
  },
  model(path) {
    const id = MODEL_IN_PATH.exec(path)?.[1];
    if (id === undefined) return undefined;
    try {
      return decodeURIComponent(id);
    } catch {
      return id;
    }
  },
  withModel(path, body, model) {
    return { path: path.replace(MODEL_IN_PATH, (_m, _old, op: string) => `/model/${encodeURIComponent(model)}/${op}`), body };
  },
  isStreamRequest(path) {
    return path.endsWith('/converse-stream') || path.endsWith('/invoke-with-response-stream');
  },
  samePath(path) {
    return path.replace(/\/converse-stream$/, '/converse').replace(/\/invoke-with-response-stream$/, '/invoke');
  },
  prepareUpstream: resignRequest,
  assemblers: {
    'bedrock-converse': { create: createConverseStreamAssembler, json: assembleConverseJson },
    'bedrock-invoke': { create: createInvokeStreamAssembler, json: assembleInvokeJson },
  },
  assemblerKind(path) {
    if (/\/converse(-stream)?$/.test(path)) return 'bedrock-converse';
    if (/\/invoke(-with-response-stream)?$/.test(path)) return 'bedrock-invoke';
    return 'generic';
  },
  mock: bedrockMock,
  mockEndpoints: 'POST /model/{modelId}/converse, POST /model/{modelId}/converse-stream',
  ...lazyContract('bedrock', () => import('./contract.js')),
  // On-demand list prices (us-east-1) by Bedrock model id prefix, USD per million tokens.
  prices: {
    'anthropic.claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'us.anthropic.claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'anthropic.claude-3-7-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'us.anthropic.claude-3-7-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'anthropic.claude-3-5-sonnet': { input: 3, output: 15 },
    'anthropic.claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
    'us.anthropic.claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
    'anthropic.claude-3-haiku': { input: 0.25, output: 1.25 },
    'anthropic.claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
    'us.anthropic.claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
    'amazon.nova-pro': { input: 0.8, output: 3.2, cacheRead: 0.2 },
    'us.amazon.nova-pro': { input: 0.8, output: 3.2, cacheRead: 0.2 },
    'amazon.nova-lite': { input: 0.06, output: 0.24, cacheRead: 0.015 },
    'us.amazon.nova-lite': { input: 0.06, output: 0.24, cacheRead: 0.015 },
    'amazon.nova-micro': { input: 0.035, output: 0.14, cacheRead: 0.00875 },
    'us.amazon.nova-micro': { input: 0.035, output: 0.14, cacheRead: 0.00875 },
    'meta.llama3-1-8b-instruct': { input: 0.22, output: 0.22 },
    'meta.llama3-1-70b-instruct': { input: 0.72, output: 0.72 },
    'mistral.mistral-large-2402': { input: 4, output: 12 },
  },
};
