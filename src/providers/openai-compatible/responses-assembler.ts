import type { Assembled, Usage } from '../../types.js';
import type { ParsedEvent, StreamAssembler } from '../../stream/types.js';
import { buildAssembled, toolCall, type ToolCall } from '../../stream/assemblers/build-assembled.js';
import { buildUsage } from '../../stream/assemblers/build-usage.js';
import { arrayAt, isObject, numberAt, objectAt, stringAt, type JsonObject } from '../../stream/assemblers/field-readers.js';
import { parseArguments } from '../../stream/assemblers/parse-arguments.js';

/** Reads a Responses API `usage` object (OpenRouter adds `cost`). */
export function readResponsesUsage(usage: unknown): Usage | undefined {
  if (!isObject(usage)) return undefined;
  return buildUsage({
    input: numberAt(usage, 'input_tokens'),
    output: numberAt(usage, 'output_tokens'),
    cacheRead: numberAt(objectAt(usage, 'input_tokens_details'), 'cached_tokens'),
    reasoning: numberAt(objectAt(usage, 'output_tokens_details'), 'reasoning_tokens'),
    costUsd: numberAt(usage, 'cost'),
  });
}

// Summary parts are separate paragraphs of the reasoning summary.
const SUMMARY_SEPARATOR = '\n\n';

function summaryText(item: unknown): string[] {
  return (arrayAt(item, 'summary') ?? []).map((part) => stringAt(part, 'text') ?? '');
}

/** Assembles a Responses API `response` object; undefined when the JSON is not one. */
export function assembleResponsesJson(json: unknown): Assembled | undefined {
  const output = arrayAt(json, 'output');
  if (!isObject(json) || (json.object !== 'response' && output === undefined)) return undefined;
  const text: string[] = [];
  const refusal: string[] = [];
  const thinking: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const item of output ?? []) {
    const type = stringAt(item, 'type');
    if (type === 'message') {
      for (const part of arrayAt(item, 'content') ?? []) {
        if (stringAt(part, 'type') === 'refusal') refusal.push(stringAt(part, 'refusal') ?? '');
        else text.push(stringAt(part, 'text') ?? '');
      }
    } else if (type === 'function_call') {
      const args = parseArguments(stringAt(item, 'arguments') ?? '');
      toolCalls.push(toolCall(stringAt(item, 'name') ?? '', args, stringAt(item, 'call_id')));
    } else if (type === 'custom_tool_call') {
      toolCalls.push(toolCall(stringAt(item, 'name') ?? '', stringAt(item, 'input') ?? '', stringAt(item, 'call_id')));
    } else if (type === 'reasoning') {
      thinking.push(...summaryText(item));
    }
  }
  return buildAssembled({
    text: text.join(''),
    toolCalls,
    finishReason: stringAt(json, 'status'),
    usage: readResponsesUsage(json.usage),
    model: stringAt(json, 'model'),
    extra: {
      thinking: thinking.join(SUMMARY_SEPARATOR),
      refusal: refusal.join(''),
      incompleteReason: stringAt(objectAt(json, 'incomplete_details'), 'reason'),
      error: json.error,
    },
  });
}

interface StreamedItem {
  type?: string;
  callId?: string;
  name?: string;
  args: string[];
  /** Text by content part (`content_index`). */
  text: string[];
  /** Reasoning summary by part (`summary_index`). */
  summary: string[];
}

/**
 * Assembles a streamed Responses API answer. The terminal event (`response.completed`,
 * `.incomplete`, `.failed`) carries the whole response, which is trusted over the deltas; the
 * deltas only fill in what it lacks (a stream cut short, or a provider that sends it bare).
 */
export function createOpenAiResponsesAssembler(): StreamAssembler {
  const items = new Map<number, StreamedItem>();
  let final: JsonObject | undefined;
  let model: string | undefined;
  let error: unknown;

  function itemAt(index: number): StreamedItem {
    let item = items.get(index);
    if (item === undefined) {
      item = { args: [], text: [], summary: [] };
      items.set(index, item);
    }
    return item;
  }

  function takeItem(index: number, source: unknown): void {
    const item = itemAt(index);
    item.type = stringAt(source, 'type') ?? item.type;
    item.callId = stringAt(source, 'call_id') ?? item.callId;
    item.name = stringAt(source, 'name') ?? item.name;
    const args = stringAt(source, 'arguments');
    if (args) item.args = [args];
    const summary = summaryText(source);
    if (summary.length > 0) item.summary = summary;
  }

  function push(event: ParsedEvent): void {
    const json = event.json;
    if (!isObject(json)) return;
    const type = stringAt(json, 'type') ?? event.event;
    const index = numberAt(json, 'output_index') ?? 0;
    const part = numberAt(json, 'content_index') ?? numberAt(json, 'summary_index') ?? 0;
    const delta = stringAt(json, 'delta') ?? '';
    const response = objectAt(json, 'response');
    model = stringAt(response, 'model') ?? model;
    switch (type) {
      case 'response.output_item.added':
      case 'response.output_item.done':
        takeItem(index, json.item);
        break;
      case 'response.output_text.delta': {
        const text = itemAt(index).text;
        text[part] = (text[part] ?? '') + delta;
        break;
      }
      case 'response.output_text.done':
        itemAt(index).text[part] = stringAt(json, 'text') ?? '';
        break;
      case 'response.function_call_arguments.delta':
        itemAt(index).args.push(delta);
        break;
      case 'response.function_call_arguments.done':
        itemAt(index).args = [stringAt(json, 'arguments') ?? ''];
        break;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_summary_text.done': {
        const summary = itemAt(index).summary;
        const done = type.endsWith('.done');
        summary[part] = done ? (stringAt(json, 'text') ?? '') : (summary[part] ?? '') + delta;
        break;
      }
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        final = response;
        break;
      case 'error':
        error = json;
        break;
      default:
      // Lifecycle and part events repeat what the deltas and items already carry.
    }
  }

  function fromDeltas(): Assembled {
    const ordered = [...items.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
    const calls = ordered.filter((item) => item.type === 'function_call');
    return buildAssembled({
      text: ordered.flatMap((item) => (item.type === 'function_call' ? [] : item.text)).join(''),
      toolCalls: calls.map((item) => toolCall(item.name ?? '', parseArguments(item.args.join('')), item.callId)),
      model,
      extra: { thinking: ordered.flatMap((item) => item.summary).join(SUMMARY_SEPARATOR) },
    });
  }

  function result(): Assembled {
    const whole = final === undefined ? undefined : assembleResponsesJson(final);
    const content = whole !== undefined && (arrayAt(final, 'output')?.length ?? 0) > 0 ? whole : fromDeltas();
    return buildAssembled({
      text: content.text,
      toolCalls: content.toolCalls,
      finishReason: whole?.finishReason,
      usage: whole?.usage,
      model: whole?.model ?? model,
      extra: {
        ...whole?.extra,
        thinking: content.extra?.thinking,
        refusal: content.extra?.refusal,
        error: error ?? whole?.extra?.error,
        response: final,
      },
    });
  }

  return { push, result };
}
