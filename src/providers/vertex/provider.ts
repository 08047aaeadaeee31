import { gemini } from '../gemini/provider.js';
import type { Provider } from '../provider.js';
import { lazyContract } from '../lazy-contract.js';
import { vertexMock } from './mock.js';

/** `/v1/projects/<p>/locations/<l>/publishers/<publisher>/models/<model>:<verb>` */
const PUBLISHER_MODEL = /\/publishers\/([^/]+)\/models\/([^/:]+)(:[A-Za-z]+)?$/;
const LOCATION = /\/locations\/([a-z0-9-]{1,63})\//;
/** The global endpoint: the default upstream, and where `locations/global` goes. */
const GLOBAL_HOST = 'aiplatform.googleapis.com';

/**
 * Vertex AI: Gemini (`:generateContent`, `:streamGenerateContent`) and partner models such as
 * Anthropic's (`publishers/anthropic/...:rawPredict`, `:streamRawPredict`, the Messages wire) under
 * one project/location path. Answers are read by the Gemini and Anthropic assemblers; errors
 * are google.rpc-shaped as Vertex sends them. The OAuth bearer token is never stored.
 */
export const vertex: Provider = {
  name: 'vertex',
  family: 'vertex',
  upstream: `https://${GLOBAL_HOST}`,
  // @google/genai in Vertex mode reads this one; its host-relative paths start at `/v1beta1/projects/...`.
  baseUrlEnv: 'GOOGLE_VERTEX_BASE_URL',
  baseUrlSuffix: '',
  apiKeyEnv: ['GOOGLE_CLOUD_ACCESS_TOKEN'],
  // Gemini's billing `labels` and Anthropic's end-user `metadata` never change the answer.
  ignoredFields: ['labels', 'metadata'],
  // Gemini counts cached tokens inside the prompt count (Anthropic-on-Vertex does not: its cache
  // reads are then priced as input; they are reported beside it).
  inputIncludesCachedTokens: true,
  apiKeyHeader(key) {
    return ['authorization', `Bearer ${key}`];
  },
  /**
   * Vertex is regional: `locations/us-east5` is served by `us-east5-aiplatform.googleapis.com`,
   * `locations/global` by the global host. Only the built-in upstream is rewritten (never one the
   * user set), and only to a host under aiplatform.googleapis.com: the proxy stays a closed one.
   */
  upstreamFor(upstream, path) {
    const location = LOCATION.exec(path)?.[1];
    if (upstream.hostname !== GLOBAL_HOST || location === undefined || location === 'global') return upstream;
    const regional = new URL(upstream.href);
    regional.hostname = `${location}-${GLOBAL_HOST}`;
    return regional;
  },
  errorBody: gemini.errorBody,
  chaosErrorBody: gemini.chaosErrorBody,
  model(path) {
    return PUBLISHER_MODEL.exec(path)?.[2];
  },
  withModel(path, body, model) {
    return {
      path: path.replace(
        PUBLISHER_MODEL,
        (_m, publisher: string, _old, verb: string | undefined) => `/publishers/${publisher}/models/${model}${verb ?? ''}`,
      ),
      body,
    };
  },
  isStreamRequest(path) {
    return /:stream(GenerateContent|RawPredict)$/.test(path);
  },
  samePath(path) {
    return path.replace(/:streamGenerateContent$/, ':generateContent').replace(/:streamRawPredict$/, ':rawPredict');
  },
  // The kinds are the Gemini and Anthropic modules' own.
  assemblers: {},
  assemblerKind(path) {
    if (/:(stream)?[gG]enerateContent$/.test(path)) return 'gemini';
    if (/:(stream)?[rR]awPredict$/.test(path)) return 'anthropic-messages';
    return 'generic';
  },
  mock: vertexMock,
  mockEndpoints: `${gemini.mockEndpoints} (under projects/{p}/locations/{l}/publishers/google/); publishers/anthropic/models/{m}:rawPredict, :streamRawPredict`,
  // No price table: Gemini and Claude models keep their names on Vertex and the gemini and
  // anthropic modules' tables price them.
  ...lazyContract('vertex', () => import('./contract.js')),
};
