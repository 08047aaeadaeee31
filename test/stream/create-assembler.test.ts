import { describe, expect, it } from 'vitest';
import { assembleEvents, assembleJson, createAssembler } from '../../src/providers/assemblers.js';
import type { AssemblerKind } from '../../src/stream/types.js';
import { sse } from './sse-events.js';

describe('createAssembler', () => {
  it.each<AssemblerKind>(['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini', 'ollama', 'generic'])(
    '%s: an empty stream assembles to empty text and no tool calls',
    (kind) => {
      expect(createAssembler(kind).result()).toEqual({ text: '', toolCalls: [] });
    },
  );

  it('generic: ignores everything, and no JSON is a generic answer', () => {
    expect(assembleEvents('generic', 'sse', sse({ choices: [{ delta: { content: 'x' } }] }))).toEqual({
      text: '',
      toolCalls: [],
    });
    expect(assembleJson('generic', { choices: [] })).toBeUndefined();
  });

  it('skips events that are not JSON objects ([DONE], comments, arrays)', () => {
    const raws = [': keep-alive\n\n', 'data: [DONE]\n\n', 'data: [1,2]\n\n', 'data: "x"\n\n'];
    for (const kind of ['openai-chat', 'openai-responses', 'anthropic-messages', 'ollama'] as const) {
      expect(assembleEvents(kind, 'sse', raws)).toEqual({ text: '', toolCalls: [] });
    }
  });
});
