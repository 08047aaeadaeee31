import type { Family } from '../providers/family.js';
import type { RecordedResponse } from '../types.js';

/** The faults answered with an HTTP error response. */
export type HttpChaosFault = '429' | '500' | '503' | '529';

/** Seconds (and, for SDKs that read it, milliseconds) a client is told to wait: short, so test retries stay fast. */
const RETRY_AFTER_S = '1';
const RETRY_AFTER_MS = '50';

interface Shape {
  message: string;
  openai: { type: string; code: string | null };
  anthropic: string;
  gemini: string;
}

/** What each provider says for each status (OpenAI and Gemini have no 529; they get their overload answer). */
const SHAPES: Record<HttpChaosFault, Shape> = {
  '429': {
    message: 'Rate limit reached for requests. Please try again in 1s.',
    openai: { type: 'requests', code: 'rate_limit_exceeded' },
    anthropic: 'rate_limit_error',
    gemini: 'RESOURCE_EXHAUSTED',
  },
  '500': {
    message: 'The server had an error while processing your request. Sorry about that!',
    openai: { type: 'server_error', code: null },
    anthropic: 'api_error',
    gemini: 'INTERNAL',
  },
  '503': {
    message: 'The service is temporarily unavailable. Please try again later.',
    openai: { type: 'server_error', code: 'service_unavailable' },
    anthropic: 'api_error',
    gemini: 'UNAVAILABLE',
  },
  '529': {
    message: 'The server is overloaded. Please try again later.',
    openai: { type: 'server_error', code: 'overloaded' },
    anthropic: 'overloaded_error',
    gemini: 'UNAVAILABLE',
  },
};

/**
 * The provider-shaped error response of an injected HTTP fault, retryable by every official SDK
 * (`x-should-retry: true`, a short `retry-after`), labelled so nobody mistakes it for a real one.
 */
export function chaosErrorResponse(family: Family, fault: HttpChaosFault, sequence: number, seed: number): RecordedResponse {
  const status = Number(fault);
  const shape = SHAPES[fault];
  const message = `${shape.message} (injected by llm-cassette chaos: fault ${fault}, request ${sequence}, seed ${seed})`;
  let json: unknown;
  switch (family.name) {
    case 'openai':
      json = { error: { message, type: shape.openai.type, param: null, code: shape.openai.code } };
      break;
    case 'anthropic':
      json = { type: 'error', error: { type: shape.anthropic, message } };
      break;
    case 'gemini':
      json = { error: { code: status, message, status: shape.gemini } };
      break;
  }
  return {
    status,
    headers: {
      'content-type': 'application/json',
      'retry-after': RETRY_AFTER_S,
      'retry-after-ms': RETRY_AFTER_MS,
      'x-should-retry': 'true',
      'x-cassette-fault': fault,
    },
    body: { kind: 'json', json },
  };
}
