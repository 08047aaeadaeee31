import type { RecordedResponse } from '../types.js';

/** The faults answered with an HTTP error response. */
export type HttpChaosFault = '429' | '500' | '503' | '529';

/** Seconds (and, for SDKs that read it, milliseconds) a client is told to wait: short, so test retries stay fast. */
const RETRY_AFTER_S = '1';
const RETRY_AFTER_MS = '50';

/** What a provider says for each injected status, before the chaos label is added. */
export const CHAOS_MESSAGES: Readonly<Record<HttpChaosFault, string>> = {
  '429': 'Rate limit reached for requests. Please try again in 1s.',
  '500': 'The server had an error while processing your request. Sorry about that!',
  '503': 'The service is temporarily unavailable. Please try again later.',
  '529': 'The server is overloaded. Please try again later.',
};

/** The provider's body of an injected fault (each provider module has one). */
export interface ChaosErrorShape {
  chaosErrorBody(fault: HttpChaosFault, status: number, message: string): unknown;
  chaosErrorHeaders?(fault: HttpChaosFault, status: number): Record<string, string>;
}

/**
 * The provider-shaped error response of an injected HTTP fault, retryable by every official SDK
 * (`x-should-retry: true`, a short `retry-after`), labelled so nobody mistakes it for a real one.
 */
export function chaosErrorResponse(shape: ChaosErrorShape, fault: HttpChaosFault, sequence: number, seed: number): RecordedResponse {
  const status = Number(fault);
  const message = `${CHAOS_MESSAGES[fault]} (injected by llm-cassette chaos: fault ${fault}, request ${sequence}, seed ${seed})`;
  const json = shape.chaosErrorBody(fault, status, message);
  return {
    status,
    headers: {
      'content-type': 'application/json',
      'retry-after': RETRY_AFTER_S,
      'retry-after-ms': RETRY_AFTER_MS,
      'x-should-retry': 'true',
      'x-cassette-fault': fault,
      ...shape.chaosErrorHeaders?.(fault, status),
    },
    body: { kind: 'json', json },
  };
}
