import { describe, expect, it } from 'vitest';
import { assembleEvents, assembleJson } from '../../src/providers/assemblers.js';
import { sse } from './sse-events.js';

describe('anthropic messages assembler', () => {
  it('keeps redacted thinking, stop sequence, cache counts and an error event', () => {
    const assembled = assembleEvents(
      'anthropic-messages',
      'sse',
      sse(
        [
          'message_start',
          {
            type: 'message_start',
            message: {
              model: 'claude',
              usage: {
                input_tokens: 5,
                cache_read_input_tokens: 100,
                cache_creation_input_tokens: 7,
                output_tokens: 1,
              },
            },
          },
        ],
        ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'xyz' } }],
        [
          'content_block_start',
          { type: 'content_block_start', index: 1, content_block: { type: 'thinking', thinking: '', signature: '' } },
        ],
        ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'thinking_delta', thinking: 'a' } }],
        ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'signature_delta', signature: 'SIG' } }],
        ['content_block_start', { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } }],
        ['content_block_delta', { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: 'Hi' } }],
        [
          'message_delta',
          {
            type: 'message_delta',
            delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' },
            usage: { output_tokens: 9 },
          },
        ],
        ['error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }],
      ),
    );
    expect(assembled).toEqual({
      text: 'Hi',
      toolCalls: [],
      finishReason: 'stop_sequence',
      usage: { inputTokens: 5, outputTokens: 9, cacheReadTokens: 100, cacheWriteTokens: 7 },
      model: 'claude',
      extra: {
        thinking: 'a',
        thinkingSignatures: ['SIG'],
        otherBlocks: [{ type: 'redacted_thinking', data: 'xyz' }],
        stopSequence: 'END',
        error: { type: 'overloaded_error', message: 'Overloaded' },
      },
    });
  });

  it('is not an answer when the JSON is an error envelope', () => {
    expect(assembleJson('anthropic-messages', { type: 'error', error: { type: 'not_found_error' } })).toBeUndefined();
  });
});
