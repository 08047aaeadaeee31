import type { SessionRules } from '../session-rules.js';
import type { Usage } from '../../types.js';
import { isRecord } from '../../util/is-record.js';

/**
 * OpenAI Realtime (`/v1/realtime`) and Responses WebSocket mode (`/v1/responses`): JSON text frames
 * with a `type`. Clients stamp each event with a fresh `event_id`; `response.create` carries the
 * same bookkeeping fields as POST /v1/responses (ignored likewise).
 */
export const openaiSessionRules: SessionRules = {
  ignoredFields: ['event_id', 'metadata', 'user', 'safety_identifier', 'prompt_cache_key', 'response.metadata'],
  // Items a client creates may carry an id it made up (`item.id`, `previous_item_id`).
  clientIdFields: ['id', 'item_id', 'previous_item_id'],
  // Browsers cannot set headers: the key rides in a subprotocol (`openai-insecure-api-key.sk-...`).
  credentialProtocols: ['openai-insecure-api-key.', 'openai-organization.', 'openai-project.'],
  streamOf(frame) {
    return isRecord(frame) && typeof frame.stream_id === 'string' ? frame.stream_id : '';
  },
  endsTurn(frame) {
    return isRecord(frame) && frame.type === 'response.create';
  },
  errorEvent(code, message) {
    // The Realtime `error` server event; the Agents SDK's Responses socket treats `type: "error"` the same way.
    return {
      type: 'error',
      event_id: `event_cassette_${code}`,
      error: { type: 'invalid_request_error', code, message, param: null, event_id: null },
    };
  },
  usageOf(frame) {
    if (!isRecord(frame) || (frame.type !== 'response.done' && frame.type !== 'response.completed')) return undefined;
    const response = frame.response;
    const usage = isRecord(response) && isRecord(response.usage) ? response.usage : undefined;
    if (!usage) return undefined;
    const out: Usage = { inputTokens: num(usage.input_tokens), outputTokens: num(usage.output_tokens) };
    const details = usage.input_token_details ?? usage.input_tokens_details;
    if (isRecord(details) && typeof details.cached_tokens === 'number') out.cacheReadTokens = details.cached_tokens;
    return out;
  },
  modelOf(frame) {
    if (!isRecord(frame)) return undefined;
    if (typeof frame.model === 'string') return frame.model;
    const inner = isRecord(frame.session) ? frame.session : isRecord(frame.response) ? frame.response : undefined;
    return inner && typeof inner.model === 'string' ? inner.model : undefined;
  },
  eventType(frame) {
    return isRecord(frame) && typeof frame.type === 'string' ? frame.type : undefined;
  },
  textOf(frame) {
    if (!isRecord(frame) || typeof frame.type !== 'string' || typeof frame.delta !== 'string') return undefined;
    return TEXT_DELTAS.has(frame.type) ? frame.delta : undefined;
  },
};

/**
 * Server events whose `delta` is answer text: Realtime GA and beta names (text, and the transcript
 * of spoken audio), and the Responses API's text delta.
 */
const TEXT_DELTAS = new Set([
  'response.output_text.delta',
  'response.output_audio_transcript.delta',
  'response.text.delta',
  'response.audio_transcript.delta',
]);

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
