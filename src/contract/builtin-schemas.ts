import type { z } from 'zod';
import type { FamilyName } from '../types.js';
import { anthropicError, anthropicMessage, anthropicMessageEvents } from './builtin-schemas-anthropic.js';
import { geminiBatchEmbed, geminiEmbed, geminiError, geminiGenerateContent } from './builtin-schemas-gemini.js';
import {
  openaiChat,
  openaiChatChunk,
  openaiEmbeddings,
  openaiError,
  openaiResponse,
  openaiResponseEvents,
} from './builtin-schemas-openai.js';
import type { Sample } from './read-samples.js';
import type { EventSchemas } from './schema-kit.js';

/** What one known endpoint must contain: a schema per document (`` = body or unnamed event). */
export interface BuiltinSchema {
  name: string;
  docs: EventSchemas;
}

/** A document that does not satisfy its built-in schema. */
export interface SchemaViolation {
  path: string;
  message: string;
}

const one = (name: string, schema: z.ZodType): BuiltinSchema => ({ name, docs: { '': schema } });

/**
 * The built-in schema of an endpoint family, if it is a known one. Chosen by route first, since
 * OpenAI-compatible routes answer in OpenAI's shape whichever provider serves them.
 */
export function builtinSchemaFor(family: FamilyName, route: string, stream: boolean, statusClass: string): BuiltinSchema | undefined {
  const chat = route.endsWith('/chat/completions');
  const gemini = /:(stream)?[gG]enerateContent$|:(batchE|e)mbedContents?$/.test(route);
  if (statusClass === '4xx' || statusClass === '5xx') {
    if (chat || family === 'openai') return one('openai-error', openaiError);
    if (family === 'anthropic') return one('anthropic-error', anthropicError);
    return one('gemini-error', geminiError);
  }
  if (statusClass !== '2xx') return undefined;
  if (chat) return stream ? one('openai-chat-chunk', openaiChatChunk) : one('openai-chat', openaiChat);
  if (route.endsWith('/responses')) {
    return stream ? { name: 'openai-responses-events', docs: openaiResponseEvents } : one('openai-responses', openaiResponse);
  }
  if (route.endsWith('/embeddings')) return stream ? undefined : one('openai-embeddings', openaiEmbeddings);
  if (route.endsWith('/messages') && (family === 'anthropic' || route === '/v1/messages')) {
    return stream ? { name: 'anthropic-messages-events', docs: anthropicMessageEvents } : one('anthropic-messages', anthropicMessage);
  }
  if (gemini) {
    if (route.endsWith('enerateContent')) return one('gemini-generate-content', geminiGenerateContent);
    return route.endsWith(':batchEmbedContents') ? one('gemini-batch-embed', geminiBatchEmbed) : one('gemini-embed', geminiEmbed);
  }
  return undefined;
}

/** Checks one document against its schema; unknown stream events pass (an open set). */
export function validateSample(schema: BuiltinSchema, sample: Sample): SchemaViolation[] {
  const docSchema = schema.docs[sample.event];
  if (docSchema === undefined) return [];
  const result = docSchema.safeParse(sample.json);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issuePath(sample.event, issue.path), message: issue.message }));
}

/** A zod issue path in contract notation: indices collapse to `[]`, stream events prefix it. */
export function issuePath(event: string, path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += '[]';
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  if (out === '') return event === '' ? '$' : `${event}:$`;
  return event === '' ? out : `${event}:${out}`;
}
