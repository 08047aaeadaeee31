import { z } from 'zod';
import { num, obj, str } from '../schema-kit.js';

const part = obj({
  text: str.optional(),
  thought: z.boolean().optional(),
  functionCall: obj({ name: str }).optional(),
});

/**
 * generateContent, and each chunk of streamGenerateContent. Gemini omits empty fields, so
 * little is required; an answer without candidates must say why in `promptFeedback`.
 */
export const geminiGenerateContent = obj({
  candidates: z
    .array(
      obj({
        content: obj({ parts: z.array(part).optional(), role: str.optional() }).optional(),
        finishReason: str.optional(),
        index: num.optional(),
      }),
    )
    .optional(),
  promptFeedback: obj({}).optional(),
  usageMetadata: obj({
    promptTokenCount: num.optional(),
    candidatesTokenCount: num.optional(),
    totalTokenCount: num.optional(),
  }).optional(),
  modelVersion: str.optional(),
}).refine((value) => value.candidates !== undefined || value.promptFeedback !== undefined, {
  message: 'Neither candidates nor promptFeedback',
  path: ['candidates'],
});

/** :batchEmbedContents */
export const geminiBatchEmbed = obj({ embeddings: z.array(obj({ values: z.array(num) })) });

/** :embedContent */
export const geminiEmbed = obj({ embedding: obj({ values: z.array(num) }) });

/** google.rpc error envelope. */
export const geminiError = obj({ error: obj({ code: num, message: str, status: str }) });
