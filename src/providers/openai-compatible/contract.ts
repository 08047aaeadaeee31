import type { BuiltinSchema } from '../provider.js';
import { openaiChat, openaiChatChunk, openaiEmbeddings, openaiError, openaiResponse, openaiResponseEvents } from './schemas.js';

const one = (name: string, schema: BuiltinSchema['docs']['']): BuiltinSchema => ({ name, docs: { '': schema } });

/** The built-in contract schemas of this family's routes (loaded only by the contract checker: it needs zod). */
export function contractSchema(route: string, stream: boolean, statusClass: string, own: boolean): BuiltinSchema | undefined {
  const chat = route.endsWith('/chat/completions');
  if (statusClass === '4xx' || statusClass === '5xx') return chat || own ? one('openai-error', openaiError) : undefined;
  if (statusClass !== '2xx') return undefined;
  if (chat) return stream ? one('openai-chat-chunk', openaiChatChunk) : one('openai-chat', openaiChat);
  if (route.endsWith('/responses')) {
    return stream ? { name: 'openai-responses-events', docs: openaiResponseEvents } : one('openai-responses', openaiResponse);
  }
  if (route.endsWith('/embeddings') && !stream) return one('openai-embeddings', openaiEmbeddings);
  return undefined;
}
