import type { RecordedResponse, StreamEvent, StreamFormat } from '../../types.js';
import type { Rng } from './mock-random.js';

/** Marks every synthetic answer so a SUT's logs show it never met a real model. */
export const MOCK_HEADERS: Readonly<Record<string, string>> = { 'x-cassette-mock': '1' };

export interface JsonResponseOptions {
  status?: number;
  contentType?: string;
  /** Indentation the server should reproduce (Gemini and OpenAI pretty-print, Anthropic does not). */
  indent?: number;
  headers?: Record<string, string>;
}

/** A non-streamed JSON answer. */
export function jsonResponse(json: unknown, options: JsonResponseOptions = {}): RecordedResponse {
  const indent = options.indent ?? 0;
  return {
    status: options.status ?? 200,
    headers: {
      'content-type': options.contentType ?? 'application/json',
      ...options.headers,
      ...MOCK_HEADERS,
    },
    body: indent > 0 ? { kind: 'json', json, indent } : { kind: 'json', json },
  };
}

export interface SseEventOptions {
  /** SSE `event:` field (OpenAI Responses and Anthropic name every event; chat and Gemini do not). */
  event?: string;
  /** Gemini separates events with CRLF pairs; everyone else with a blank LF line. */
  separator?: string;
}

/** The exact text of one SSE event; a string `data` is written as is (`[DONE]`). */
export function sseEvent(data: unknown, options: SseEventOptions = {}): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  const head = options.event === undefined ? '' : `event: ${options.event}\n`;
  return `${head}data: ${payload}${options.separator ?? '\n\n'}`;
}

/**
 * Offsets that look like a model streaming: a think-time before the first event, then a few
 * milliseconds between events. Drawn from their own generator so timing never shifts content.
 */
function offsets(count: number, timing: Rng): number[] {
  const out: number[] = [];
  let ms = timing.int(120, 400);
  for (let i = 0; i < count; i++) {
    out.push(ms);
    ms += timing.int(4, 40);
  }
  return out;
}

export interface StreamResponseOptions {
  contentType: string;
  format?: StreamFormat;
  headers?: Record<string, string>;
}

/** A streamed answer from the exact texts of its events. */
export function streamResponse(raws: string[], timing: Rng, options: StreamResponseOptions): RecordedResponse {
  const ms = offsets(raws.length, timing);
  const events: StreamEvent[] = raws.map((raw, i) => ({ ms: ms[i] ?? 0, raw }));
  return {
    status: 200,
    headers: { 'content-type': options.contentType, ...options.headers, ...MOCK_HEADERS },
    stream: { format: options.format ?? 'sse', events, complete: true },
  };
}
