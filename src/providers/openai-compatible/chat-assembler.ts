import type { Assembled, Usage } from '../../types.js';
import type { ParsedEvent, StreamAssembler } from '../../stream/types.js';
import { buildAssembled, toolCall, type ToolCall } from '../../stream/assemblers/build-assembled.js';
import { buildUsage } from '../../stream/assemblers/build-usage.js';
import { arrayAt, isObject, numberAt, objectAt, stringAt } from '../../stream/assemblers/field-readers.js';
import { parseArguments } from '../../stream/assemblers/parse-arguments.js';

/**
 * Reads an OpenAI-style chat `usage` object, including what compatible providers add: OpenRouter
 * `cost` and `cache_write_tokens`, DeepSeek `prompt_cache_hit_tokens`, Together `cached_tokens`,
 * Perplexity's `cost` object (`total_cost`, in USD).
 */
export function readOpenAiChatUsage(usage: unknown): Usage | undefined {
  if (!isObject(usage)) return undefined;
  const promptDetails = objectAt(usage, 'prompt_tokens_details');
  return buildUsage({
    input: numberAt(usage, 'prompt_tokens'),
    output: numberAt(usage, 'completion_tokens'),
    cacheRead: numberAt(promptDetails, 'cached_tokens') ?? numberAt(usage, 'prompt_cache_hit_tokens') ?? numberAt(usage, 'cached_tokens'),
    cacheWrite: numberAt(promptDetails, 'cache_write_tokens'),
    reasoning: numberAt(objectAt(usage, 'completion_tokens_details'), 'reasoning_tokens'),
    costUsd: numberAt(usage, 'cost') ?? numberAt(objectAt(usage, 'cost'), 'total_cost'),
  });
}

// Only the first choice is assembled: n > 1 is rare with tools and the product compares one answer.
function firstChoice(chunk: unknown): unknown {
  const choices = arrayAt(chunk, 'choices') ?? [];
  return choices.find((c) => (numberAt(c, 'index') ?? 0) === 0);
}

// DeepSeek streams `reasoning_content`, OpenRouter `reasoning`: both are the visible thinking.
function reasoningOf(message: unknown): string | undefined {
  return stringAt(message, 'reasoning_content') ?? stringAt(message, 'reasoning');
}

/**
 * What a search-grounded answer cites (Perplexity `citations` and `search_results`, top-level members
 * repeated on every chunk): the latest report wins, kept beside the text for people and drift.
 */
function sourcesOf(json: unknown): { citations?: unknown[]; searchResults?: unknown[] } {
  const citations = arrayAt(json, 'citations');
  const searchResults = arrayAt(json, 'search_results');
  return { ...(citations ? { citations } : {}), ...(searchResults ? { searchResults } : {}) };
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => stringAt(part, 'text') ?? '').join('');
}

/** Assembles a streamed `/chat/completions` answer (OpenAI and compatible providers). */
export function createOpenAiChatAssembler(): StreamAssembler {
  const text: string[] = [];
  const thinking: string[] = [];
  const refusal: string[] = [];
  const calls = new Map<number, { id?: string; name?: string; args: string[] }>();
  let finishReason: string | undefined;
  let usage: Usage | undefined;
  let model: string | undefined;
  let error: unknown;
  let sources: ReturnType<typeof sourcesOf> = {};

  function push(event: ParsedEvent): void {
    const chunk = event.json;
    if (!isObject(chunk)) return;
    model ??= stringAt(chunk, 'model');
    sources = { ...sources, ...sourcesOf(chunk) };
    // OpenRouter reports a failure mid-stream as a chunk with an `error` member.
    if (chunk.error !== undefined && chunk.error !== null) error = chunk.error;
    // Groq puts usage under `x_groq`; DeepSeek in the last content chunk; OpenAI in a last
    // chunk with empty `choices`. The latest report wins.
    usage = readOpenAiChatUsage(chunk.usage) ?? readOpenAiChatUsage(objectAt(chunk, 'x_groq')?.usage) ?? usage;
    const choice = firstChoice(chunk);
    finishReason = stringAt(choice, 'finish_reason') ?? finishReason;
    const delta = objectAt(choice, 'delta');
    if (delta === undefined) return;
    const content = stringAt(delta, 'content');
    if (content !== undefined) text.push(content);
    // Mistral's reasoning models stream `content` as typed chunks: `text`, and `thinking` holding its own.
    for (const part of arrayAt(delta, 'content') ?? []) {
      if (stringAt(part, 'type') === 'text') text.push(stringAt(part, 'text') ?? '');
      if (stringAt(part, 'type') === 'thinking') thinking.push(contentText(arrayAt(part, 'thinking')));
    }
    const reasoning = reasoningOf(delta);
    if (reasoning !== undefined) thinking.push(reasoning);
    const refused = stringAt(delta, 'refusal');
    if (refused !== undefined) refusal.push(refused);
    (arrayAt(delta, 'tool_calls') ?? []).forEach((piece, position) => {
      const index = numberAt(piece, 'index') ?? position;
      let call = calls.get(index);
      if (call === undefined) {
        call = { args: [] };
        calls.set(index, call);
      }
      const fn = objectAt(piece, 'function');
      // Id and name come with the first delta; some compatible servers repeat them empty later.
      const id = stringAt(piece, 'id');
      if (id && !call.id) call.id = id;
      const name = stringAt(fn, 'name');
      if (name && !call.name) call.name = name;
      const args = stringAt(fn, 'arguments');
      if (args !== undefined) call.args.push(args);
    });
  }

  function result(): Assembled {
    const toolCalls = [...calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => toolCall(call.name ?? '', parseArguments(call.args.join('')), call.id));
    return buildAssembled({
      text: text.join(''),
      toolCalls,
      finishReason,
      usage,
      model,
      extra: { thinking: thinking.join(''), refusal: refusal.join(''), error, ...sources },
    });
  }

  return { push, result };
}

/** Assembles a whole (non-streamed) chat completion; undefined when it has no `choices`. */
export function assembleOpenAiChatJson(json: unknown): Assembled | undefined {
  if (arrayAt(json, 'choices') === undefined) return undefined;
  const choice = firstChoice(json);
  const message = objectAt(choice, 'message');
  const toolCalls: ToolCall[] = (arrayAt(message, 'tool_calls') ?? []).map((call) => {
    const fn = objectAt(call, 'function');
    const args = parseArguments(stringAt(fn, 'arguments') ?? '');
    return toolCall(stringAt(fn, 'name') ?? '', args, stringAt(call, 'id'));
  });
  return buildAssembled({
    text: contentText(message?.content),
    toolCalls,
    finishReason: stringAt(choice, 'finish_reason'),
    usage: readOpenAiChatUsage(objectAt(json, 'usage')),
    model: stringAt(json, 'model'),
    extra: { thinking: reasoningOf(message), refusal: stringAt(message, 'refusal'), ...sourcesOf(json) },
  });
}
