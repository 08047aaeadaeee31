import type { Assembled } from '../../types.js';
import { parseEvent } from '../parse-event.js';
import type { AssemblerKind, StreamAssembler, StreamFormat } from '../types.js';
import { assembleAnthropicJson, createAnthropicMessagesAssembler } from './anthropic-messages-assembler.js';
import { assembleGeminiJson, createGeminiAssembler } from './gemini-assembler.js';
import { createGenericAssembler } from './generic-assembler.js';
import { assembleOllamaJson, createOllamaAssembler } from './ollama-assembler.js';
import { assembleOpenAiChatJson, createOpenAiChatAssembler } from './openai-chat-assembler.js';
import { assembleResponsesJson, createOpenAiResponsesAssembler } from './openai-responses-assembler.js';

/** Returns a fresh assembler for one streamed answer of the given kind. */
export function createAssembler(kind: AssemblerKind): StreamAssembler {
  switch (kind) {
    case 'openai-chat':
      return createOpenAiChatAssembler();
    case 'openai-responses':
      return createOpenAiResponsesAssembler();
    case 'anthropic-messages':
      return createAnthropicMessagesAssembler();
    case 'gemini':
      return createGeminiAssembler();
    case 'ollama':
      return createOllamaAssembler();
    case 'generic':
      return createGenericAssembler();
  }
}

/**
 * Assembles a whole (non-streamed) JSON answer into the same shape as a stream; undefined when
 * the JSON is not an answer of that kind (an error body, an embedding, a generic route).
 */
export function assembleJson(kind: AssemblerKind, json: unknown): Assembled | undefined {
  switch (kind) {
    case 'openai-chat':
      return assembleOpenAiChatJson(json);
    case 'openai-responses':
      return assembleResponsesJson(json);
    case 'anthropic-messages':
      return assembleAnthropicJson(json);
    case 'gemini':
      return assembleGeminiJson(json);
    case 'ollama':
      return assembleOllamaJson(json);
    case 'generic':
      return undefined;
  }
}

/** Parses and assembles a recorded stream's raw events in one call. */
export function assembleEvents(kind: AssemblerKind, format: StreamFormat, raws: readonly string[]): Assembled {
  const assembler = createAssembler(kind);
  for (const raw of raws) assembler.push(parseEvent(format, raw));
  return assembler.result();
}
