import type { Assembled, Usage } from '../../types.js';

/** One tool call of an assembled answer. */
export type ToolCall = Assembled['toolCalls'][number];

/** The pieces of an assembled answer, any of which a family may lack. */
export interface AssembledParts {
  text: string;
  toolCalls: ToolCall[];
  finishReason?: string | undefined;
  usage?: Usage | undefined;
  model?: string | undefined;
  extra?: Record<string, unknown>;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * Builds an Assembled without undefined members and without empty extras, so that stored
 * results and drift comparisons do not differ by absent-versus-undefined noise.
 */
export function buildAssembled(parts: AssembledParts): Assembled {
  const assembled: Assembled = { text: parts.text, toolCalls: parts.toolCalls };
  if (parts.finishReason !== undefined) assembled.finishReason = parts.finishReason;
  if (parts.usage !== undefined) assembled.usage = parts.usage;
  if (parts.model !== undefined) assembled.model = parts.model;
  const extra = Object.entries(parts.extra ?? {}).filter(([, value]) => !isEmpty(value));
  if (extra.length > 0) assembled.extra = Object.fromEntries(extra);
  return assembled;
}

/** A tool call, with `id` only when the provider gave one. */
export function toolCall(name: string, args: unknown, id: string | undefined): ToolCall {
  return id === undefined ? { name, arguments: args } : { id, name, arguments: args };
}
