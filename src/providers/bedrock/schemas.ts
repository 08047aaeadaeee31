import { z } from 'zod';
import { num, obj, str, type EventSchemas } from '../schema-kit.js';

/** POST /model/{modelId}/converse. */
export const converseAnswer = obj({
  output: obj({ message: obj({ role: z.literal('assistant'), content: z.array(obj({})) }) }),
  stopReason: str,
  usage: obj({ inputTokens: num, outputTokens: num, totalTokens: num }),
});

/** POST /model/{modelId}/converse-stream, by `:event-type`. */
export const converseStreamEvents: EventSchemas = {
  messageStart: obj({ role: str }),
  contentBlockStart: obj({ contentBlockIndex: num, start: obj({}) }),
  contentBlockDelta: obj({ contentBlockIndex: num, delta: obj({}) }),
  contentBlockStop: obj({ contentBlockIndex: num }),
  messageStop: obj({ stopReason: str }),
  metadata: obj({ usage: obj({ inputTokens: num, outputTokens: num }) }),
};

/** InvokeModelWithResponseStream: each model event wrapped in a `chunk`. */
export const invokeStreamEvents: EventSchemas = {
  chunk: obj({ bytes: str }),
};

/** Bedrock's error body (the type is in the `x-amzn-errortype` header). */
export const bedrockError = obj({ message: str });
