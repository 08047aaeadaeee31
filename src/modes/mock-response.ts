import stableStringify from 'fast-json-stable-stringify';
import type { Family } from '../providers/family.js';
import { isRecord } from '../providers/family.js';
import type { FamilyName, RecordedResponse } from '../types.js';
import { anthropicMock } from './mock/anthropic-mock.js';
import type { MockContext, MockRequest } from './mock/mock-context.js';
import { geminiMock } from './mock/gemini-mock.js';
import { hashHex, rngFromHash } from './mock/mock-random.js';
import { jsonResponse } from './mock/mock-sse.js';
import { openaiMock } from './mock/openai-mock.js';

export type { MockRequest } from './mock/mock-context.js';

/** Error code of the 404 for an endpoint mock mode cannot answer. */
export const MOCK_UNSUPPORTED = 'cassette_mock_unsupported';

const HANDLERS: Record<FamilyName, (ctx: MockContext) => RecordedResponse | undefined> = {
  openai: openaiMock,
  anthropic: anthropicMock,
  gemini: geminiMock,
};

const SUPPORTED: Record<FamilyName, string> = {
  openai: 'POST /v1/chat/completions, POST /v1/responses, POST /v1/embeddings, GET /v1/models, GET /v1/models/{id}',
  anthropic: 'POST /v1/messages, POST /v1/messages/count_tokens, GET /v1/models, GET /v1/models/{id}',
  gemini:
    'POST models/{m}:generateContent, :streamGenerateContent, :embedContent, :batchEmbedContents, :countTokens, GET models, GET models/{m}',
};

/** Unix time of 2025-01-01: `created` fields fall in the year after it. */
const EPOCH = 1735689600;

/**
 * A synthetic, schema-valid answer in the family's wire shape: a pure function of the seed and
 * the request (byte-identical for the same pair), streamed when the request asks for a stream.
 */
export function createMockResponse(input: MockRequest): RecordedResponse {
  const ctx = mockContext(input);
  return HANDLERS[input.family.name](ctx) ?? unsupported(input.family, ctx.method, ctx.path);
}

function mockContext(input: MockRequest): MockContext {
  const method = input.method.toUpperCase();
  const path = input.path.split('?')[0]?.replace(/(.)\/+$/, '$1') ?? '/';
  const query = new URLSearchParams(input.query.replace(/^\?/, ''));
  const body = isRecord(input.body) ? input.body : {};
  const key = hashHex(
    'llm-cassette/mock/v1',
    String(input.seed),
    input.provider,
    method,
    // The streamed and the whole answer to one question say the same thing.
    path.replace(/:streamGenerateContent$/, ':generateContent'),
    canonicalQuery(query),
    stableStringify(canonicalBody(input.family, body)),
  );
  return {
    request: input,
    method,
    path,
    query,
    body,
    key,
    rng: rngFromHash(key),
    timing: rngFromHash(hashHex(key, 'timing')),
    created: EPOCH + (Number.parseInt(key.slice(32, 40), 16) % 31536000),
  };
}

/** Query without the parts that only choose framing (`alt`) or carry credentials (`key`). */
function canonicalQuery(query: URLSearchParams): string {
  return [...query.entries()]
    .filter(([name]) => name !== 'alt' && name !== '$alt' && name !== 'key')
    .map(([name, value]) => `${name}=${value}`)
    .sort()
    .join('&');
}

/** The body without streaming switches and the family's ignored fields: they never change content. */
function canonicalBody(family: Family, body: Record<string, unknown>): Record<string, unknown> {
  const { stream: _stream, stream_options: _options, ...rest } = body;
  let out: Record<string, unknown> = rest;
  for (const path of family.ignoredFields) {
    if (!path.includes('[')) out = withoutPath(out, path.split('.'));
  }
  return out;
}

function withoutPath(node: Record<string, unknown>, segments: string[]): Record<string, unknown> {
  const [head, ...tail] = segments;
  if (head === undefined || !(head in node)) return node;
  const { [head]: child, ...rest } = node;
  if (tail.length === 0) return rest;
  return isRecord(child) ? { ...rest, [head]: withoutPath(child, tail) } : node;
}

function unsupported(family: Family, method: string, path: string): RecordedResponse {
  const message = `mock mode has no answer for ${method} ${path} (${family.name} family); ` + `it mocks ${SUPPORTED[family.name]}`;
  return jsonResponse(family.errorBody(404, MOCK_UNSUPPORTED, message), { status: 404 });
}
