import type { BuiltinSchema } from '../provider.js';
import { anthropicError, anthropicMessage, anthropicMessageEvents } from './schemas.js';

const one = (name: string, schema: BuiltinSchema['docs']['']): BuiltinSchema => ({ name, docs: { '': schema } });

/** The built-in contract schemas of this family's routes (loaded only by the contract checker: it needs zod). */
export function contractSchema(route: string, stream: boolean, statusClass: string, own: boolean): BuiltinSchema | undefined {
  if (statusClass === '4xx' || statusClass === '5xx') return own ? one('anthropic-error', anthropicError) : undefined;
  if (statusClass !== '2xx') return undefined;
  if (route.endsWith('/messages') && (own || route === '/v1/messages')) {
    return stream ? { name: 'anthropic-messages-events', docs: anthropicMessageEvents } : one('anthropic-messages', anthropicMessage);
  }
  return undefined;
}
