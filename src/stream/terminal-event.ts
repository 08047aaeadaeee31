import { parseEvent } from './parse-event.js';
import type { StreamFormat } from './types.js';

/** Event types that end a stream: Anthropic, the OpenAI Responses API, Cohere v2 and v1. */
const TERMINAL_TYPES = new Set([
  'message_stop',
  'response.completed',
  'response.failed',
  'response.incomplete',
  'message-end',
  'stream-end',
]);

/**
 * True when this raw event is the last one its provider sends (`data: [DONE]`, `message_stop`,
 * `response.completed`, …): once a client has it, the answer is complete on the wire even if the
 * upstream has not closed its body yet.
 */
export function isTerminalEvent(format: StreamFormat, raw: string): boolean {
  if (format !== 'sse' || raw.length > 64 * 1024) return false;
  const event = parseEvent(format, raw);
  if (event.data?.trim() === '[DONE]') return true;
  if (event.event !== undefined && TERMINAL_TYPES.has(event.event)) return true;
  const json = event.json as { type?: unknown; event_type?: unknown } | undefined;
  const type = json && typeof json === 'object' ? (json.type ?? json.event_type) : undefined;
  return typeof type === 'string' && TERMINAL_TYPES.has(type);
}
