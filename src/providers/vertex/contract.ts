import { contractSchema as anthropicSchema } from '../anthropic/contract.js';
import { contractSchema as geminiSchema } from '../gemini/contract.js';
import type { BuiltinSchema } from '../provider.js';

/** Vertex routes answer in the wire of their publisher: Gemini's, or Anthropic's Messages for `:rawPredict`. */
export function contractSchema(route: string, stream: boolean, statusClass: string, own: boolean): BuiltinSchema | undefined {
  if (!own) return undefined;
  const claude = /:(stream)?rawPredict$/.test(route);
  // Claude's errors come in either shape (Vertex's google.rpc one, or Anthropic's passed through).
  if (claude) return statusClass === '2xx' ? anthropicSchema('/v1/messages', stream, statusClass, true) : undefined;
  return geminiSchema(route, stream, statusClass, true);
}
