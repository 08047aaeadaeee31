import type { Assembled, Usage } from '../../types.js';
import type { ParsedEvent, StreamAssembler } from '../../stream/types.js';
import { buildAssembled, toolCall, type ToolCall } from '../../stream/assemblers/build-assembled.js';
import { buildUsage } from '../../stream/assemblers/build-usage.js';
import { arrayAt, isObject, numberAt, objectAt, stringAt } from '../../stream/assemblers/field-readers.js';
import { parseArguments } from '../../stream/assemblers/parse-arguments.js';

/**
 * Cohere v2 usage: `billed_units` is what the account pays for (the prompt without Cohere's own
 * preamble), `tokens` what the model saw. Cost follows the bill, so billed units come first.
 */
function readCohereUsage(usage: unknown): Usage | undefined {
  const billed = objectAt(usage, 'billed_units');
  const tokens = objectAt(usage, 'tokens');
  return buildUsage({
    input: numberAt(billed, 'input_tokens') ?? numberAt(tokens, 'input_tokens'),
    output: numberAt(billed, 'output_tokens') ?? numberAt(tokens, 'output_tokens'),
  });
}

function messageText(message: unknown): string {
  return (arrayAt(message, 'content') ?? [])
    .map((part) => (stringAt(part, 'type') === 'text' ? (stringAt(part, 'text') ?? '') : ''))
    .join('');
}

/**
 * Assembles a streamed `/v2/chat` answer: SSE events whose `type` says what the `delta` carries
 * (`message-start`, `content-delta`, `tool-plan-delta`, `tool-call-start`/`-delta`/`-end`,
 * `citation-start`, `message-end` with the finish reason and usage).
 */
export function createCohereChatAssembler(): StreamAssembler {
  const text: string[] = [];
  const plan: string[] = [];
  const calls = new Map<number, { id?: string; name?: string; args: string[] }>();
  const citations: unknown[] = [];
  let finishReason: string | undefined;
  let usage: Usage | undefined;
  let id: string | undefined;

  function push(event: ParsedEvent): void {
    const json = event.json;
    if (!isObject(json)) return;
    const message = objectAt(objectAt(json, 'delta'), 'message');
    switch (stringAt(json, 'type')) {
      case 'message-start':
        id = stringAt(json, 'id');
        return;
      case 'content-delta': {
        const piece = stringAt(objectAt(message, 'content'), 'text');
        if (piece !== undefined) text.push(piece);
        return;
      }
      case 'tool-plan-delta': {
        const piece = stringAt(message, 'tool_plan');
        if (piece !== undefined) plan.push(piece);
        return;
      }
      case 'tool-call-start':
      case 'tool-call-delta': {
        const index = numberAt(json, 'index') ?? calls.size;
        const call = calls.get(index) ?? { args: [] };
        calls.set(index, call);
        const piece = objectAt(message, 'tool_calls');
        call.id ??= stringAt(piece, 'id');
        const fn = objectAt(piece, 'function');
        call.name ??= stringAt(fn, 'name');
        const args = stringAt(fn, 'arguments');
        if (args) call.args.push(args);
        return;
      }
      case 'citation-start': {
        const citation = message?.citations;
        if (citation !== undefined) citations.push(citation);
        return;
      }
      case 'message-end': {
        const delta = objectAt(json, 'delta');
        finishReason = stringAt(delta, 'finish_reason');
        usage = readCohereUsage(objectAt(delta, 'usage'));
        return;
      }
    }
  }

  function result(): Assembled {
    const toolCalls = [...calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, c]) => toolCall(c.name ?? '', parseArguments(c.args.join('')), c.id));
    return buildAssembled({ text: text.join(''), toolCalls, finishReason, usage, extra: { thinking: plan.join(''), citations, id } });
  }

  return { push, result };
}

/** Assembles a whole `/v2/chat` answer; undefined for anything without a `message` (embed, errors). */
export function assembleCohereChatJson(json: unknown): Assembled | undefined {
  const message = objectAt(json, 'message');
  if (message === undefined) return undefined;
  const toolCalls: ToolCall[] = (arrayAt(message, 'tool_calls') ?? []).map((call) => {
    const fn = objectAt(call, 'function');
    return toolCall(stringAt(fn, 'name') ?? '', parseArguments(stringAt(fn, 'arguments') ?? ''), stringAt(call, 'id'));
  });
  return buildAssembled({
    text: messageText(message),
    toolCalls,
    finishReason: stringAt(json, 'finish_reason'),
    usage: readCohereUsage(objectAt(json, 'usage')),
    extra: { thinking: stringAt(message, 'tool_plan'), citations: arrayAt(message, 'citations'), id: stringAt(json, 'id') },
  });
}
