import { isRecord } from '../../util/is-record.js';
import type { Rng } from './mock-random.js';
import { estimateTokens, mockReplyText, truncateToTokens } from './mock-random.js';
import { valueFromSchema } from './mock-tool-args.js';

/** What mock mode is asked to answer. */
export interface MockRequest {
  provider: string;
  method: string;
  /** Path below the provider prefix, e.g. `/v1/chat/completions`. */
  path: string;
  /** Query string, with or without the leading `?`. */
  query: string;
  /** Parsed JSON body (anything else is treated as no body). */
  body: unknown;
  seed: number;
}

/** One request, prepared for the per-family generators. */
export interface MockContext {
  readonly request: MockRequest;
  /** Upper-case method. */
  readonly method: string;
  /** Path without query or trailing slash. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The body when it is a JSON object, else `{}`. */
  readonly body: Record<string, unknown>;
  /** sha256 hex of the seed and the canonical request. */
  readonly key: string;
  /** Draws for content (text, ids, arguments). */
  readonly rng: Rng;
  /** Draws for stream offsets only, so timing never shifts content. */
  readonly timing: Rng;
  /** Unix seconds for `created` fields: a function of the key, never the clock. */
  readonly created: number;
}

/** A function a mock answer is allowed to call. */
export interface ToolSpec {
  name: string;
  schema: unknown;
}

export interface PlannedCall {
  name: string;
  args: unknown;
  /** Compact JSON of `args`, the form OpenAI sends and streams. */
  argsJson: string;
}

/** The family-neutral content of an answer; each family dresses it in its own wire shape. */
export interface AnswerPlan {
  text: string;
  calls: PlannedCall[];
  /** The text was cut at the request's output-token limit. */
  truncated: boolean;
  inputTokens: number;
  outputTokens: number;
}

export interface PlanOptions {
  /** Text of the last user turn (quoted back in the answer). */
  prompt: string;
  /** Characters of everything the model would read (messages, system, tool definitions). */
  inputChars: number;
  /** When non-empty the request requires a tool call: the answer calls one of these. */
  forcedTools?: ToolSpec[];
  maxTokens?: number;
  /** Structured output: the text is JSON satisfying this schema. */
  jsonSchema?: unknown;
}

/** Schema standing in for "some JSON object" (`json_object` mode, `application/json` without schema). */
export const ANY_JSON_OBJECT = {
  type: 'object',
  properties: { answer: { type: 'string' } },
  required: ['answer'],
} as const;

/** Decides what the mock model says: a forced tool call, structured JSON, or prose. */
export function planAnswer(rng: Rng, options: PlanOptions): AnswerPlan {
  const inputTokens = estimateTokens(options.inputChars);
  const forced = options.forcedTools ?? [];
  if (forced.length > 0) {
    const tool = rng.pick(forced);
    const args = valueFromSchema(tool.schema ?? { type: 'object', properties: {} }, rng);
    const argsJson = JSON.stringify(args);
    return {
      text: '',
      calls: [{ name: tool.name, args, argsJson }],
      truncated: false,
      inputTokens,
      outputTokens: estimateTokens(argsJson.length),
    };
  }
  let text =
    options.jsonSchema === undefined ? mockReplyText(rng, options.prompt) : JSON.stringify(valueFromSchema(options.jsonSchema, rng));
  let truncated = false;
  if (options.maxTokens !== undefined && options.maxTokens > 0 && estimateTokens(text.length) > options.maxTokens) {
    text = truncateToTokens(text, options.maxTokens);
    truncated = true;
  }
  return { text, calls: [], truncated, inputTokens, outputTokens: estimateTokens(text.length) };
}

/**
 * Readable text of a message, content array or part, whatever the family: strings, `text` fields,
 * and nested `content` / `parts` (tool results included).
 */
export function textOf(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value;
  if (depth > 6) return '';
  if (Array.isArray(value)) {
    return value
      .map((v) => textOf(v, depth + 1))
      .filter((t) => t.length > 0)
      .join(' ');
  }
  if (!isRecord(value)) return '';
  if (typeof value.text === 'string') return value.text;
  if (value.content !== undefined) return textOf(value.content, depth + 1);
  if (value.parts !== undefined) return textOf(value.parts, depth + 1);
  return '';
}

/** Text of the last turn whose `role` is one of `roles` (a turn without `role` counts as the user's). */
export function lastTurnText(turns: unknown, roles: readonly string[] = ['user']): string {
  if (typeof turns === 'string') return turns;
  if (!Array.isArray(turns)) return '';
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn: unknown = turns[i];
    if (!isRecord(turn)) continue;
    const role = typeof turn.role === 'string' ? turn.role : 'user';
    if (roles.includes(role)) return textOf(turn);
  }
  return '';
}

/** Total length of every string in a JSON value: a cheap stand-in for "prompt length". */
export function stringChars(value: unknown, depth = 0): number {
  if (typeof value === 'string') return value.length;
  if (depth > 32) return 0;
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + stringChars(v, depth + 1), 0);
  if (isRecord(value)) {
    return Object.entries(value).reduce((n, [k, v]) => n + k.length + stringChars(v, depth + 1), 0);
  }
  return value === undefined || value === null ? 0 : String(value).length;
}

/** A positive integer field, if present. */
export function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
}

/** The record at `value`, or `{}`. */
export function recordOf(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
