import stableStringify from 'fast-json-stable-stringify';
import type { Provider } from '../provider.js';
import { isRecord } from '../../util/is-record.js';
import type { RecordedResponse } from '../../types.js';
import type { MockContext, MockRequest } from './mock-context.js';
import { hashHex, rngFromHash } from './mock-random.js';
import { jsonResponse } from './mock-sse.js';

export type { MockRequest } from './mock-context.js';

/** Error code of the 404 for an endpoint mock mode cannot answer. */
export const MOCK_UNSUPPORTED = 'cassette_mock_unsupported';

/** Unix time of 2025-01-01: `created` fields fall in the year after it. */
const EPOCH = 1735689600;

/**
 * A synthetic, schema-valid answer in the family's wire shape: a pure function of the seed and
 * the request (byte-identical for the same pair), streamed when the request asks for a stream.
 */
export function createMockResponse(provider: Provider, input: MockRequest): RecordedResponse {
  const ctx = mockContext(provider, input);
  return provider.mock(ctx) ?? unsupported(provider, ctx.method, ctx.path);
}

function mockContext(provider: Provider, input: MockRequest): MockContext {
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
    provider.samePath ? provider.samePath(path) : path,
    canonicalQuery(query),
    stableStringify(canonicalBody(provider, body)),
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
function canonicalBody(provider: Provider, body: Record<string, unknown>): Record<string, unknown> {
  const { stream: _stream, stream_options: _options, ...rest } = body;
  let out: Record<string, unknown> = rest;
  for (const path of provider.ignoredFields) {
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

function unsupported(provider: Provider, method: string, path: string): RecordedResponse {
  const message = `mock mode has no answer for ${method} ${path} (${provider.family} family); ` + `it mocks ${provider.mockEndpoints}`;
  return jsonResponse(provider.errorBody(404, MOCK_UNSUPPORTED, message), { status: 404 });
}
