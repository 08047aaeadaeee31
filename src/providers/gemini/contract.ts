import type { BuiltinSchema } from '../provider.js';
import { geminiBatchEmbed, geminiEmbed, geminiError, geminiGenerateContent } from './schemas.js';

const GEMINI_ROUTE = /:(stream)?[gG]enerateContent$|:(batchE|e)mbedContents?$/;

const one = (name: string, schema: BuiltinSchema['docs']['']): BuiltinSchema => ({ name, docs: { '': schema } });

/** The built-in contract schemas of this family's routes (loaded only by the contract checker: it needs zod). */
export function contractSchema(route: string, _stream: boolean, statusClass: string, own: boolean): BuiltinSchema | undefined {
  if (statusClass === '4xx' || statusClass === '5xx') return own ? one('gemini-error', geminiError) : undefined;
  if (statusClass !== '2xx' || !GEMINI_ROUTE.test(route)) return undefined;
  if (route.endsWith('enerateContent')) return one('gemini-generate-content', geminiGenerateContent);
  return route.endsWith(':batchEmbedContents') ? one('gemini-batch-embed', geminiBatchEmbed) : one('gemini-embed', geminiEmbed);
}
