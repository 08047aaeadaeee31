import type { Assembled } from '../../types.js';
import type { ParsedEvent, StreamAssembler } from '../../stream/types.js';
import { buildAssembled } from '../../stream/assemblers/build-assembled.js';
import { buildUsage } from '../../stream/assemblers/build-usage.js';
import { arrayAt, isObject, numberAt, objectAt, stringAt } from '../../stream/assemblers/field-readers.js';
import { assembleAnthropicJson, createAnthropicMessagesAssembler } from '../anthropic/messages-assembler.js';
import { assembleConverseJson } from './converse-assembler.js';

/**
 * Bedrock InvokeModel: the body is the model's own wire (Anthropic Messages, Amazon Nova, Titan,
 * Llama, Mistral). Anthropic answers are read by the Anthropic assembler; the others by their
 * text field. InvokeModelWithResponseStream wraps each model event as a `chunk` message whose
 * payload is `{"bytes": base64(event JSON)}`; the last one adds `amazon-bedrock-invocationMetrics`.
 */

/** The answer text of a non-Anthropic model's body (or one streamed piece of it). */
function plainText(json: unknown): string | undefined {
  return (
    stringAt(json, 'generation') ??
    stringAt(json, 'outputText') ??
    stringAt(json, 'completion') ??
    stringAt(arrayAt(json, 'results')?.[0], 'outputText') ??
    stringAt(arrayAt(json, 'outputs')?.[0], 'text') ??
    stringAt(objectAt(arrayAt(json, 'choices')?.[0], 'message'), 'content')
  );
}

function finishOf(json: unknown): string | undefined {
  return (
    stringAt(json, 'stop_reason') ??
    stringAt(json, 'completionReason') ??
    stringAt(arrayAt(json, 'results')?.[0], 'completionReason') ??
    stringAt(arrayAt(json, 'outputs')?.[0], 'stop_reason')
  );
}

/** A whole InvokeModel answer; undefined when it is none of the known model bodies. */
export function assembleInvokeJson(json: unknown): Assembled | undefined {
  if (!isObject(json)) return undefined;
  if (json.type === 'message') return assembleAnthropicJson(json);
  const converse = assembleConverseJson(json);
  if (converse) return converse;
  const text = plainText(json);
  if (text === undefined) return undefined;
  const usage = buildUsage({
    input: numberAt(json, 'prompt_token_count') ?? numberAt(json, 'inputTextTokenCount'),
    output: numberAt(json, 'generation_token_count') ?? numberAt(arrayAt(json, 'results')?.[0], 'tokenCount'),
  });
  return buildAssembled({ text, toolCalls: [], finishReason: finishOf(json), usage });
}

/** The model event a `chunk` message carries, decoded from its base64 `bytes`. */
function innerEvent(event: ParsedEvent): unknown {
  const bytes = stringAt(event.json, 'bytes');
  if (event.event !== 'chunk' || bytes === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes, 'base64').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** An InvokeModelWithResponseStream answer, chunk by chunk. */
export function createInvokeStreamAssembler(): StreamAssembler {
  const anthropic = createAnthropicMessagesAssembler();
  let sawAnthropic = false;
  const text: string[] = [];
  let finish: string | undefined;
  let metrics: Record<string, unknown> | undefined;
  let error: unknown;

  function push(event: ParsedEvent): void {
    const inner = innerEvent(event);
    if (inner === undefined) {
      if (event.event !== undefined && /Exception$/.test(event.event))
        error = { type: event.event, ...(isObject(event.json) ? event.json : {}) };
      return;
    }
    metrics = objectAt(inner, 'amazon-bedrock-invocationMetrics') ?? metrics;
    const type = stringAt(inner, 'type');
    if (type !== undefined) {
      sawAnthropic = true;
      anthropic.push({ comments: [], event: type, data: JSON.stringify(inner), json: inner });
      return;
    }
    const piece = plainText(inner);
    if (piece !== undefined) text.push(piece);
    finish = finishOf(inner) ?? finish;
  }

  function result(): Assembled {
    const fromMetrics = buildUsage({ input: numberAt(metrics, 'inputTokenCount'), output: numberAt(metrics, 'outputTokenCount') });
    if (sawAnthropic) {
      const assembled = anthropic.result();
      return assembled.usage || !fromMetrics ? assembled : { ...assembled, usage: fromMetrics };
    }
    return buildAssembled({ text: text.join(''), toolCalls: [], finishReason: finish, usage: fromMetrics, extra: { error } });
  }

  return { push, result };
}
