import type { BuiltinSchema } from '../provider.js';
import { bedrockError, converseAnswer, converseStreamEvents, invokeStreamEvents } from './schemas.js';

const one = (name: string, schema: BuiltinSchema['docs']['']): BuiltinSchema => ({ name, docs: { '': schema } });

/** The built-in contract schemas of Bedrock's routes (loaded only by the contract checker: it needs zod). */
export function contractSchema(route: string, stream: boolean, statusClass: string, own: boolean): BuiltinSchema | undefined {
  if (!own) return undefined;
  if (statusClass === '4xx' || statusClass === '5xx') return one('bedrock-error', bedrockError);
  if (statusClass !== '2xx') return undefined;
  if (route.endsWith('/converse-stream') && stream) return { name: 'bedrock-converse-events', docs: converseStreamEvents };
  if (route.endsWith('/converse') && !stream) return one('bedrock-converse', converseAnswer);
  if (route.endsWith('/invoke-with-response-stream') && stream) return { name: 'bedrock-invoke-events', docs: invokeStreamEvents };
  return undefined;
}
