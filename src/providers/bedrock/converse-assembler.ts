import type { Assembled } from '../../types.js';
import type { ParsedEvent, StreamAssembler } from '../../stream/types.js';
import { buildAssembled, toolCall, type ToolCall } from '../../stream/assemblers/build-assembled.js';
import { buildUsage, type UsageCounts } from '../../stream/assemblers/build-usage.js';
import { arrayAt, isObject, numberAt, objectAt, stringAt } from '../../stream/assemblers/field-readers.js';
import { parseArguments } from '../../stream/assemblers/parse-arguments.js';

/**
 * Bedrock Converse: one shape for every model. A whole answer is `output.message.content[]`
 * (`text`, `toolUse`, `reasoningContent` blocks), `stopReason` and `usage`; ConverseStream sends
 * the same as event-stream messages named by `:event-type` (messageStart, contentBlockStart,
 * contentBlockDelta, contentBlockStop, messageStop, metadata).
 */

function countsOf(usage: unknown): UsageCounts {
  return {
    input: numberAt(usage, 'inputTokens'),
    output: numberAt(usage, 'outputTokens'),
    cacheRead: numberAt(usage, 'cacheReadInputTokens'),
    cacheWrite: numberAt(usage, 'cacheWriteInputTokens'),
  };
}

interface Facts {
  stopReason?: string | undefined;
  counts: UsageCounts;
  error?: unknown;
}

function fromBlocks(content: readonly unknown[], facts: Facts): Assembled {
  const text: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ToolCall[] = [];
  const otherBlocks: unknown[] = [];
  for (const block of content) {
    const use = objectAt(block, 'toolUse');
    const thought = objectAt(objectAt(block, 'reasoningContent'), 'reasoningText');
    if (typeof stringAt(block, 'text') === 'string') text.push(stringAt(block, 'text') ?? '');
    else if (use) toolCalls.push(toolCall(stringAt(use, 'name') ?? '', use.input ?? {}, stringAt(use, 'toolUseId')));
    else if (thought) reasoning.push(stringAt(thought, 'text') ?? '');
    else otherBlocks.push(block);
  }
  return buildAssembled({
    text: text.join(''),
    toolCalls,
    finishReason: facts.stopReason,
    usage: buildUsage(facts.counts),
    extra: { thinking: reasoning.join('\n\n'), otherBlocks, error: facts.error },
  });
}

/** A whole Converse answer; undefined when the JSON is not one (an error body). */
export function assembleConverseJson(json: unknown): Assembled | undefined {
  const content = arrayAt(objectAt(objectAt(json, 'output'), 'message'), 'content');
  if (content === undefined) return undefined;
  return fromBlocks(content, { stopReason: stringAt(json, 'stopReason'), counts: countsOf(objectAt(json, 'usage')) });
}

interface OpenBlock {
  text: string[];
  input: string[];
  reasoning: string[];
  signature: string[];
  toolUse?: { toolUseId?: string | undefined; name?: string | undefined };
}

/** A ConverseStream answer, event by event. */
export function createConverseStreamAssembler(): StreamAssembler {
  const blocks = new Map<number, OpenBlock>();
  const facts: Facts = { counts: {} };
  const open = (index: number): OpenBlock => {
    let block = blocks.get(index);
    if (!block) {
      block = { text: [], input: [], reasoning: [], signature: [] };
      blocks.set(index, block);
    }
    return block;
  };

  function push(event: ParsedEvent): void {
    const json = event.json;
    if (!isObject(json)) return;
    const index = numberAt(json, 'contentBlockIndex') ?? 0;
    switch (event.event) {
      case 'contentBlockStart': {
        const use = objectAt(objectAt(json, 'start'), 'toolUse');
        if (use) open(index).toolUse = { toolUseId: stringAt(use, 'toolUseId'), name: stringAt(use, 'name') };
        break;
      }
      case 'contentBlockDelta': {
        const delta = objectAt(json, 'delta');
        const block = open(index);
        const text = stringAt(delta, 'text');
        if (text !== undefined) block.text.push(text);
        const input = stringAt(objectAt(delta, 'toolUse'), 'input');
        if (input !== undefined) block.input.push(input);
        const thought = objectAt(delta, 'reasoningContent');
        if (stringAt(thought, 'text') !== undefined) block.reasoning.push(stringAt(thought, 'text') ?? '');
        if (stringAt(thought, 'signature') !== undefined) block.signature.push(stringAt(thought, 'signature') ?? '');
        break;
      }
      case 'messageStop':
        facts.stopReason = stringAt(json, 'stopReason') ?? facts.stopReason;
        break;
      case 'metadata':
        facts.counts = countsOf(objectAt(json, 'usage'));
        break;
      case 'messageStart':
      case 'contentBlockStop':
        break;
      default:
        // An exception the stream ends with (throttlingException, modelStreamErrorException, ...).
        if (event.event !== undefined && /Exception$/.test(event.event)) facts.error = { type: event.event, ...json };
    }
  }

  function result(): Assembled {
    const content = [...blocks.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, b]) => {
        if (b.toolUse) return { toolUse: { ...b.toolUse, input: b.input.length > 0 ? parseArguments(b.input.join('')) : {} } };
        if (b.reasoning.length > 0 || b.signature.length > 0)
          return { reasoningContent: { reasoningText: { text: b.reasoning.join(''), signature: b.signature.join('') } } };
        return { text: b.text.join('') };
      });
    return fromBlocks(content, facts);
  }

  return { push, result };
}
