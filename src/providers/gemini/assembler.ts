import type { Assembled, Usage } from '../../types.js';
import type { ParsedEvent, StreamAssembler } from '../../stream/types.js';
import { buildAssembled, toolCall, type ToolCall } from '../../stream/assemblers/build-assembled.js';
import { buildUsage } from '../../stream/assemblers/build-usage.js';
import { arrayAt, isObject, numberAt, objectAt, stringAt, type JsonObject } from '../../stream/assemblers/field-readers.js';

/**
 * Reads Gemini `usageMetadata`. Output counts thinking too (`candidatesTokenCount` excludes
 * it but it is billed as output), so output = candidates + thoughts.
 */
export function readGeminiUsage(metadata: unknown): Usage | undefined {
  if (!isObject(metadata)) return undefined;
  const candidates = numberAt(metadata, 'candidatesTokenCount');
  const thoughts = numberAt(metadata, 'thoughtsTokenCount');
  return buildUsage({
    input: numberAt(metadata, 'promptTokenCount'),
    output: candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0),
    reasoning: thoughts,
    cacheRead: numberAt(metadata, 'cachedContentTokenCount'),
  });
}

// An error body (`{"error": {...}}`) is not an answer, though a stream may end with one.
function isGeminiResponse(json: unknown): json is JsonObject {
  return isObject(json) && (Array.isArray(json.candidates) || isObject(json.usageMetadata) || isObject(json.promptFeedback));
}

// Inline media can be megabytes of base64 already stored in the body; the assembled result
// only notes that it was there.
function withoutInlineBytes(part: JsonObject): JsonObject {
  const inline = objectAt(part, 'inlineData');
  if (inline === undefined) return part;
  const { data: _data, ...rest } = inline;
  return { ...part, inlineData: rest };
}

/** Assembles a streamed Gemini answer, chunk by chunk (SSE or JSON-array elements). */
export function createGeminiAssembler(): StreamAssembler {
  const text: string[] = [];
  const thinking: string[] = [];
  const signatures: string[] = [];
  const otherParts: unknown[] = [];
  const toolCalls: ToolCall[] = [];
  let finishReason: string | undefined;
  let finishMessage: string | undefined;
  let blockReason: string | undefined;
  let usage: Usage | undefined;
  let model: string | undefined;
  let error: unknown;

  function pushChunk(chunk: JsonObject): void {
    if (chunk.error !== undefined) error = chunk.error;
    model = stringAt(chunk, 'modelVersion') ?? model;
    // Every chunk repeats the running totals, so the last report is the whole answer's usage.
    usage = readGeminiUsage(chunk.usageMetadata) ?? usage;
    blockReason = stringAt(objectAt(chunk, 'promptFeedback'), 'blockReason') ?? blockReason;
    const candidates = arrayAt(chunk, 'candidates') ?? [];
    const candidate = candidates.find((c) => (numberAt(c, 'index') ?? 0) === 0) ?? candidates[0];
    finishReason = stringAt(candidate, 'finishReason') ?? finishReason;
    finishMessage = stringAt(candidate, 'finishMessage') ?? finishMessage;
    for (const part of arrayAt(objectAt(candidate, 'content'), 'parts') ?? []) {
      if (!isObject(part)) continue;
      const signature = stringAt(part, 'thoughtSignature');
      if (signature) signatures.push(signature);
      const partText = stringAt(part, 'text');
      const call = objectAt(part, 'functionCall');
      if (partText !== undefined) {
        // Thought summaries arrive as text parts flagged `thought`; they are not the answer.
        (part.thought === true ? thinking : text).push(partText);
      } else if (call !== undefined) {
        toolCalls.push(toolCall(stringAt(call, 'name') ?? '', call.args ?? {}, stringAt(call, 'id')));
      } else if (signature === undefined || Object.keys(part).length > 1) {
        otherParts.push(withoutInlineBytes(part));
      }
    }
  }

  function push(event: ParsedEvent): void {
    const json = event.json;
    // A whole JSON-array body parsed at once is a list of chunks.
    for (const chunk of Array.isArray(json) ? json : [json]) {
      if (isObject(chunk)) pushChunk(chunk);
    }
  }

  function result(): Assembled {
    return buildAssembled({
      text: text.join(''),
      toolCalls: [...toolCalls],
      finishReason: finishReason ?? blockReason,
      usage,
      model,
      extra: {
        thinking: thinking.join(''),
        thoughtSignatures: signatures,
        finishMessage,
        blockReason,
        otherParts,
        error,
      },
    });
  }

  return { push, result };
}

/**
 * Assembles a whole `generateContent` answer (or a whole streamed JSON array); undefined when
 * the JSON is not one.
 */
export function assembleGeminiJson(json: unknown): Assembled | undefined {
  const chunks = Array.isArray(json) ? json : [json];
  if (chunks.length === 0 || !chunks.every(isGeminiResponse)) return undefined;
  const assembler = createGeminiAssembler();
  assembler.push({ comments: [], json: chunks });
  return assembler.result();
}
