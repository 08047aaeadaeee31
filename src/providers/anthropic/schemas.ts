import { z } from 'zod';
import { byType, num, obj, str, type EventSchemas } from '../schema-kit.js';

const contentBlock = byType({
  text: obj({ text: str }),
  tool_use: obj({ id: str, name: str, input: obj({}) }),
  server_tool_use: obj({ id: str, name: str }),
  thinking: obj({ thinking: str, signature: str }),
  redacted_thinking: obj({ data: str }),
});

/** POST /v1/messages, non-streamed. */
export const anthropicMessage = obj({
  id: str,
  type: z.literal('message'),
  role: z.literal('assistant'),
  content: z.array(contentBlock),
  model: str,
  stop_reason: str.nullable(),
  usage: obj({ input_tokens: num, output_tokens: num }),
});

const delta = byType({
  text_delta: obj({ text: str }),
  input_json_delta: obj({ partial_json: str }),
  thinking_delta: obj({ thinking: str }),
  signature_delta: obj({ signature: str }),
});

/** The Messages stream, by event type; `ping` and unknown events only need a `type`. */
export const anthropicMessageEvents: EventSchemas = {
  message_start: obj({
    message: obj({ id: str, type: str, role: str, content: z.array(obj({ type: str })), model: str, usage: obj({ input_tokens: num }) }),
  }),
  content_block_start: obj({ index: num, content_block: obj({ type: str }) }),
  content_block_delta: obj({ index: num, delta }),
  content_block_stop: obj({ index: num }),
  message_delta: obj({ delta: obj({ stop_reason: str.nullable() }), usage: obj({ output_tokens: num }) }),
  message_stop: obj({ type: str }),
  error: obj({ error: obj({ type: str, message: str }) }),
};

/** Anthropic's error envelope. */
export const anthropicError = obj({ type: z.literal('error'), error: obj({ type: str, message: str }) });
