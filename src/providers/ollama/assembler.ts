import type { Assembled, Usage } from '../../types.js';
import type { ParsedEvent, StreamAssembler } from '../../stream/types.js';
import { buildAssembled, toolCall, type ToolCall } from '../../stream/assemblers/build-assembled.js';
import { buildUsage } from '../../stream/assemblers/build-usage.js';
import { arrayAt, isObject, numberAt, objectAt, stringAt, type JsonObject } from '../../stream/assemblers/field-readers.js';
import { parseArguments } from '../../stream/assemblers/parse-arguments.js';

/** Reads Ollama's native counts (`prompt_eval_count`, `eval_count`), sent with `done: true`. */
export function readOllamaUsage(chunk: unknown): Usage | undefined {
  return buildUsage({ input: numberAt(chunk, 'prompt_eval_count'), output: numberAt(chunk, 'eval_count') });
}

function isOllamaAnswer(json: unknown): json is JsonObject {
  return isObject(json) && (isObject(json.message) || typeof json.response === 'string' || typeof json.done === 'boolean');
}

/** Assembles Ollama's native `/api/chat` (and `/api/generate`) NDJSON stream. */
export function createOllamaAssembler(): StreamAssembler {
  const text: string[] = [];
  const thinking: string[] = [];
  const toolCalls: ToolCall[] = [];
  let finishReason: string | undefined;
  let usage: Usage | undefined;
  let model: string | undefined;
  let error: unknown;

  function push(event: ParsedEvent): void {
    const chunk = event.json;
    if (!isObject(chunk)) return;
    if (chunk.error !== undefined) error = chunk.error;
    model ??= stringAt(chunk, 'model');
    const message = objectAt(chunk, 'message');
    // /api/chat streams `message.content`; /api/generate streams `response`.
    const content = stringAt(message, 'content') ?? stringAt(chunk, 'response');
    if (content !== undefined) text.push(content);
    const thought = stringAt(message, 'thinking') ?? stringAt(chunk, 'thinking');
    if (thought !== undefined) thinking.push(thought);
    for (const call of arrayAt(message, 'tool_calls') ?? []) {
      const fn = objectAt(call, 'function');
      // Ollama sends arguments as an object, unlike OpenAI's JSON text; accept both.
      const args = fn?.arguments;
      toolCalls.push(
        toolCall(stringAt(fn, 'name') ?? '', typeof args === 'string' ? parseArguments(args) : (args ?? {}), stringAt(call, 'id')),
      );
    }
    if (chunk.done === true) {
      finishReason = stringAt(chunk, 'done_reason') ?? finishReason;
      usage = readOllamaUsage(chunk) ?? usage;
    }
  }

  function result(): Assembled {
    return buildAssembled({
      text: text.join(''),
      toolCalls: [...toolCalls],
      finishReason,
      usage,
      model,
      extra: { thinking: thinking.join(''), error },
    });
  }

  return { push, result };
}

/** Assembles a whole (non-streamed) Ollama native answer; undefined when the JSON is not one. */
export function assembleOllamaJson(json: unknown): Assembled | undefined {
  if (!isOllamaAnswer(json)) return undefined;
  const assembler = createOllamaAssembler();
  assembler.push({ comments: [], json });
  return assembler.result();
}
