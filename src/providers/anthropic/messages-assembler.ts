import type { Assembled } from '../../types.js';
import type { ParsedEvent, StreamAssembler } from '../../stream/types.js';
import { buildAssembled, toolCall, type ToolCall } from '../../stream/assemblers/build-assembled.js';
import { buildUsage, type UsageCounts } from '../../stream/assemblers/build-usage.js';
import { arrayAt, isObject, numberAt, objectAt, stringAt, type JsonObject } from '../../stream/assemblers/field-readers.js';
import { parseArguments } from '../../stream/assemblers/parse-arguments.js';

interface MessageFacts {
  stopReason?: string | undefined;
  stopSequence?: string | undefined;
  model?: string | undefined;
  counts: UsageCounts;
  error?: unknown;
}

// Later reports replace earlier ones field by field: message_delta repeats input_tokens (and,
// after server tools ran, raises it) and carries the final cumulative output_tokens.
function mergeCounts(counts: UsageCounts, usage: unknown): void {
  if (!isObject(usage)) return;
  counts.input = numberAt(usage, 'input_tokens') ?? counts.input;
  counts.output = numberAt(usage, 'output_tokens') ?? counts.output;
  counts.cacheRead = numberAt(usage, 'cache_read_input_tokens') ?? counts.cacheRead;
  counts.cacheWrite = numberAt(usage, 'cache_creation_input_tokens') ?? counts.cacheWrite;
}

/** Builds the assembled answer from finished content blocks, as a whole message holds them. */
function fromContent(content: unknown[], facts: MessageFacts): Assembled {
  const text: string[] = [];
  const thinking: string[] = [];
  const signatures: string[] = [];
  const citations: unknown[] = [];
  const otherBlocks: unknown[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of content) {
    const type = stringAt(block, 'type');
    if (type === 'text') {
      text.push(stringAt(block, 'text') ?? '');
      citations.push(...(arrayAt(block, 'citations') ?? []));
    } else if (type === 'tool_use' && isObject(block)) {
      toolCalls.push(toolCall(stringAt(block, 'name') ?? '', block.input ?? {}, stringAt(block, 'id')));
    } else if (type === 'thinking') {
      thinking.push(stringAt(block, 'thinking') ?? '');
      const signature = stringAt(block, 'signature');
      if (signature) signatures.push(signature);
    } else {
      // Server tools (web search, code execution), their results and redacted thinking: kept
      // whole, since people and drift checks want to see them but they are not the answer text.
      otherBlocks.push(block);
    }
  }
  return buildAssembled({
    text: text.join(''),
    toolCalls,
    finishReason: facts.stopReason,
    usage: buildUsage(facts.counts),
    model: facts.model,
    extra: {
      thinking: thinking.join('\n\n'),
      thinkingSignatures: signatures,
      citations,
      otherBlocks,
      stopSequence: facts.stopSequence,
      error: facts.error,
    },
  });
}

/** Assembles a whole Messages API answer; undefined when the JSON is not a message. */
export function assembleAnthropicJson(json: unknown): Assembled | undefined {
  const content = arrayAt(json, 'content');
  if (!isObject(json) || (json.type !== 'message' && content === undefined)) return undefined;
  const facts: MessageFacts = {
    stopReason: stringAt(json, 'stop_reason'),
    stopSequence: stringAt(json, 'stop_sequence'),
    model: stringAt(json, 'model'),
    counts: {},
  };
  mergeCounts(facts.counts, json.usage);
  return fromContent(content ?? [], facts);
}

interface OpenBlock {
  block: JsonObject;
  text: string[];
  partialJson: string[];
  thinking: string[];
  signature: string[];
  citations: unknown[];
}

function finishBlock(open: OpenBlock): JsonObject {
  const block: JsonObject = { ...open.block };
  const type = stringAt(block, 'type');
  if (type === 'text') {
    block.text = (stringAt(block, 'text') ?? '') + open.text.join('');
    const citations = [...(arrayAt(block, 'citations') ?? []), ...open.citations];
    if (citations.length > 0) block.citations = citations;
  } else if (type === 'thinking') {
    block.thinking = (stringAt(block, 'thinking') ?? '') + open.thinking.join('');
    block.signature = (stringAt(block, 'signature') ?? '') + open.signature.join('');
  }
  // tool_use and server_tool_use start with `input: {}` and stream the real input as JSON text.
  if (open.partialJson.length > 0) block.input = parseArguments(open.partialJson.join(''));
  return block;
}

/** Assembles a streamed Messages API answer, content block by content block. */
export function createAnthropicMessagesAssembler(): StreamAssembler {
  const blocks = new Map<number, OpenBlock>();
  const facts: MessageFacts = { counts: {} };

  function push(event: ParsedEvent): void {
    const json = event.json;
    if (!isObject(json)) return;
    const index = numberAt(json, 'index') ?? 0;
    switch (stringAt(json, 'type') ?? event.event) {
      case 'message_start': {
        const message = objectAt(json, 'message');
        facts.model = stringAt(message, 'model') ?? facts.model;
        mergeCounts(facts.counts, message?.usage);
        break;
      }
      case 'content_block_start':
        blocks.set(index, {
          block: objectAt(json, 'content_block') ?? {},
          text: [],
          partialJson: [],
          thinking: [],
          signature: [],
          citations: [],
        });
        break;
      case 'content_block_delta': {
        const open = blocks.get(index);
        const delta = objectAt(json, 'delta');
        if (open === undefined || delta === undefined) break;
        const pieces: Record<string, [string[], string]> = {
          text_delta: [open.text, 'text'],
          input_json_delta: [open.partialJson, 'partial_json'],
          thinking_delta: [open.thinking, 'thinking'],
          signature_delta: [open.signature, 'signature'],
        };
        const target = pieces[stringAt(delta, 'type') ?? ''];
        if (target !== undefined) target[0].push(stringAt(delta, target[1]) ?? '');
        else if (stringAt(delta, 'type') === 'citations_delta') open.citations.push(delta.citation);
        break;
      }
      case 'message_delta': {
        const delta = objectAt(json, 'delta');
        facts.stopReason = stringAt(delta, 'stop_reason') ?? facts.stopReason;
        facts.stopSequence = stringAt(delta, 'stop_sequence') ?? facts.stopSequence;
        mergeCounts(facts.counts, json.usage);
        break;
      }
      case 'error':
        facts.error = json.error ?? json;
        break;
      default:
      // ping, content_block_stop, message_stop: nothing to assemble.
    }
  }

  function result(): Assembled {
    const content = [...blocks.entries()].sort(([a], [b]) => a - b).map(([, open]) => finishBlock(open));
    return fromContent(content, facts);
  }

  return { push, result };
}
