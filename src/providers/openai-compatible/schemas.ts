import { z } from 'zod';
import { byType, num, obj, str, type EventSchemas } from '../schema-kit.js';

const chatUsage = obj({ prompt_tokens: num, completion_tokens: num, total_tokens: num });

/** POST /v1/chat/completions (OpenAI and every OpenAI-compatible server). */
export const openaiChat = obj({
  id: str,
  object: str,
  created: num,
  model: str,
  choices: z.array(
    obj({
      index: num,
      message: obj({
        role: str,
        content: str.nullable(),
        tool_calls: z.array(obj({ id: str, type: str, function: obj({ name: str, arguments: str }) })).optional(),
      }),
      finish_reason: str.nullable(),
    }),
  ),
  usage: chatUsage,
});

/** One `chat.completion.chunk` of a streamed chat completion. */
export const openaiChatChunk = obj({
  id: str,
  object: str,
  created: num,
  model: str,
  choices: z.array(
    obj({
      index: num,
      delta: obj({
        role: str.optional(),
        content: str.nullable().optional(),
        tool_calls: z.array(obj({ index: num, function: obj({}).optional() })).optional(),
      }),
      finish_reason: str.nullable().optional(),
    }),
  ),
  usage: chatUsage.nullable().optional(),
});

const responsesUsage = obj({ input_tokens: num, output_tokens: num, total_tokens: num });
const responseObject = obj({
  id: str,
  object: str,
  created_at: num,
  status: str,
  model: str,
  output: z.array(
    byType({
      message: obj({ id: str, role: str, content: z.array(obj({ type: str })) }),
      function_call: obj({ name: str, arguments: str, call_id: str }),
    }),
  ),
  usage: responsesUsage.nullable().optional(),
});

/** POST /v1/responses, non-streamed. */
export const openaiResponse = responseObject;

const withResponse = obj({ response: obj({ id: str, status: str, output: z.array(obj({ type: str })) }) });
const textDelta = obj({ item_id: str, output_index: num, content_index: num, delta: str });

/** The Responses stream: every event has a `type`; the ones an SDK accumulates are checked. */
export const openaiResponseEvents: EventSchemas = {
  'response.created': withResponse,
  'response.in_progress': withResponse,
  'response.completed': obj({ response: responseObject }),
  'response.failed': withResponse,
  'response.incomplete': withResponse,
  'response.output_item.added': obj({ output_index: num, item: obj({ type: str }) }),
  'response.output_item.done': obj({ output_index: num, item: obj({ type: str }) }),
  'response.content_part.added': obj({ item_id: str, output_index: num, content_index: num, part: obj({ type: str }) }),
  'response.content_part.done': obj({ item_id: str, output_index: num, content_index: num, part: obj({ type: str }) }),
  'response.output_text.delta': textDelta,
  'response.output_text.done': obj({ item_id: str, output_index: num, content_index: num, text: str }),
  'response.function_call_arguments.delta': obj({ item_id: str, output_index: num, delta: str }),
  'response.function_call_arguments.done': obj({ item_id: str, output_index: num, arguments: str }),
  'response.reasoning_summary_text.delta': obj({ item_id: str, output_index: num, delta: str }),
  error: obj({ message: str }),
};

/** POST /v1/embeddings (float vectors or base64 strings). */
export const openaiEmbeddings = obj({
  object: str,
  data: z.array(obj({ embedding: z.union([z.array(num), str]), index: num })),
  model: str,
  usage: obj({ prompt_tokens: num, total_tokens: num }),
});

/** Error body of the OpenAI family (OpenRouter adds `code` and `metadata`). */
export const openaiError = obj({ error: obj({ message: str }) });
