import type { RecordedResponse } from '../../types.js';
import type { MockContext } from '../mock-kit/mock-context.js';
import { positiveInt } from '../mock-kit/mock-context.js';
import { embeddingVector, float32Base64 } from '../mock-kit/mock-embeddings.js';
import { estimateTokens, HEX } from '../mock-kit/mock-random.js';
import { jsonResponse } from '../mock-kit/mock-sse.js';
import { openaiChatCompletion } from './chat-mock.js';
import { openaiResponse } from './responses-mock.js';

/** Model ids the mock lists; `created` values are fixed so listings never change between runs. */
const MODELS: readonly [string, number][] = [
  ['gpt-4o', 1715367049],
  ['gpt-4o-mini', 1721172741],
  ['gpt-4.1', 1744316542],
  ['gpt-4.1-mini', 1744318173],
  ['o4-mini', 1744225351],
  ['gpt-5', 1754425777],
  ['gpt-5-mini', 1754425928],
  ['text-embedding-3-small', 1705948997],
  ['text-embedding-3-large', 1705953180],
];

function modelObject(id: string): Record<string, unknown> {
  const known = MODELS.find(([name]) => name === id);
  return { id, object: 'model', created: known?.[1] ?? 1700000000, owned_by: known ? 'system' : 'openai' };
}

/** The texts of an embeddings `input` and the tokens each costs (token arrays count one a token). */
function embeddingInputs(input: unknown): { text: string; tokens: number }[] {
  const one = (item: unknown): { text: string; tokens: number } => {
    if (Array.isArray(item)) return { text: item.join(' '), tokens: Math.max(1, item.length) };
    const text = typeof item === 'string' ? item : JSON.stringify(item ?? '');
    return { text, tokens: estimateTokens(text.length) };
  };
  if (Array.isArray(input) && input.length > 0 && input.every((i) => typeof i === 'number')) return [one(input)];
  return Array.isArray(input) ? input.map(one) : [one(input)];
}

function embeddings(ctx: MockContext): RecordedResponse {
  const model = typeof ctx.body.model === 'string' ? ctx.body.model : 'text-embedding-3-small';
  const dims = positiveInt(ctx.body.dimensions) ?? (model.includes('large') ? 3072 : 1536);
  const base64 = ctx.body.encoding_format === 'base64';
  const inputs = embeddingInputs(ctx.body.input);
  const data = inputs.map(({ text }, index) => {
    const vector = embeddingVector(ctx.request.seed, text, dims);
    return { object: 'embedding', index, embedding: base64 ? float32Base64(vector) : vector };
  });
  const tokens = inputs.reduce((n, i) => n + i.tokens, 0);
  return jsonResponse(
    { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } },
    { indent: base64 ? 0 : 2, headers: { 'x-request-id': `req_${ctx.rng.chars(32, HEX)}` } },
  );
}

/** OpenAI-family endpoints; undefined when the endpoint has no mock. */
export function openaiMock(ctx: MockContext): RecordedResponse | undefined {
  const { method, path } = ctx;
  if (method === 'POST' && /\/chat\/completions$/.test(path)) return openaiChatCompletion(ctx);
  if (method === 'POST' && /\/responses$/.test(path)) return openaiResponse(ctx);
  if (method === 'POST' && /\/embeddings$/.test(path)) return embeddings(ctx);
  if (method === 'GET' && /\/models$/.test(path)) {
    return jsonResponse({ object: 'list', data: MODELS.map(([id]) => modelObject(id)) }, { indent: 2 });
  }
  const one = /\/models\/(.+)$/.exec(path);
  if (method === 'GET' && one?.[1] !== undefined) return jsonResponse(modelObject(decodeURIComponent(one[1])), { indent: 2 });
  return undefined;
}
