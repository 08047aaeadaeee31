import type { AssemblerKind } from '../stream/types.js';
import type { FamilyName } from '../types.js';

/**
 * What the rest of the product may ask about a provider family. Only `providers/` knows a
 * provider's quirks; nothing else branches on a provider's name.
 */
export interface Family {
  readonly name: FamilyName;
  /** Request body paths left out of the key by default: they never change the answer. */
  readonly ignoredFields: readonly string[];
  /** Whether the reported input count already includes cache reads (OpenAI, Gemini) or not (Anthropic). */
  readonly inputIncludesCachedTokens: boolean;
  /** Suffix a SUT's SDK expects after the proxy URL (`/v1` for OpenAI-compatible SDKs). */
  readonly baseUrlSuffix: string;
  /** The header an SDK of this family sends its API key in. */
  apiKeyHeader(key: string): [name: string, value: string];
  /** The family's own error envelope, so SDKs surface our message as theirs. */
  errorBody(status: number, code: string, message: string): unknown;
  /** The model a request names (body field or path segment). */
  model(path: string, body: unknown): string | undefined;
  /** Rewrites the model a request names (for `replay --live --model`). */
  withModel(path: string, body: unknown, model: string): { path: string; body: unknown };
  /** Whether the request asks for a streamed answer. */
  isStreamRequest(path: string, query: string, body: unknown): boolean;
  /** Which assembler reads this route's answers. */
  assemblerKind(path: string): AssemblerKind;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Families whose request body names the model (`model`) and asks for a stream (`stream: true`). */
export const bodyModelFields: Pick<Family, 'model' | 'withModel' | 'isStreamRequest'> = {
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
