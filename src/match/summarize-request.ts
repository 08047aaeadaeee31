import type { RecordedRequest } from '../types.js';
import { messageText } from './message-text.js';

/**
 * A few words on what a request asks, for people: `with a tool_result for toolu_01…` or
 * `with last message "What is the weather…"`. Reads the OpenAI, Anthropic and Gemini shapes.
 */
export function summarizeRequest(request: RecordedRequest): string {
  if (request.body.kind !== 'json') return '';
  const body = request.body.json as Record<string, unknown> | null;
  const list = (body?.messages ?? body?.contents ?? body?.input) as unknown;
  if (!Array.isArray(list) || list.length === 0) return typeof list === 'string' ? `with input ${quote(list)}` : '';
  const last = list[list.length - 1] as Record<string, unknown>;
  const toolId = toolResultId(last);
  if (toolId) return `with a tool_result for ${toolId}`;
  const text = messageText(last);
  return text ? `with last message ${quote(text)}` : '';
}

function toolResultId(m: Record<string, unknown>): string | undefined {
  if (m.role === 'tool' && typeof m.tool_call_id === 'string') return m.tool_call_id;
  if (m.type === 'function_call_output' && typeof m.call_id === 'string') return m.call_id;
  const parts = (Array.isArray(m.content) ? m.content : Array.isArray(m.parts) ? m.parts : []) as Record<string, unknown>[];
  for (const p of parts) {
    if (p?.type === 'tool_result' && typeof p.tool_use_id === 'string') return p.tool_use_id;
    const fr = p?.functionResponse as Record<string, unknown> | undefined;
    if (fr && typeof fr.name === 'string') return `function ${fr.name}`;
  }
  return undefined;
}

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}…` : s);
}
