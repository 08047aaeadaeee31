import { describe, expect, it } from 'vitest';
import { assembleEvents, assembleJson } from '../../src/providers/assemblers.js';
import { sse } from './sse-events.js';

describe('openai chat assembler', () => {
  it('joins tool calls by index even when compatible servers repeat id and name empty', () => {
    const assembled = assembleEvents(
      'openai-chat',
      'sse',
      sse(
        {
          choices: [{ index: 0, delta: { tool_calls: [{ index: 1, id: 'b', function: { name: 'g', arguments: '' } }] } }],
        },
        {
          choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{"x"' } }] } }],
        },
        {
          choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: '', function: { name: '', arguments: ':1}' } }] } }],
        },
        { choices: [{ index: 0, delta: { tool_calls: [{ index: 1, function: { arguments: '{"broken' } }] } }] },
        { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
      ),
    );
    expect(assembled.toolCalls).toEqual([
      { id: 'a', name: 'f', arguments: { x: 1 } },
      { id: 'b', name: 'g', arguments: '{"broken' },
    ]);
    expect(assembled.finishReason).toBe('tool_calls');
  });

  it('reads only the first choice, reasoning_content as thinking, and a mid-stream error', () => {
    const assembled = assembleEvents(
      'openai-chat',
      'sse',
      sse(
        { model: 'deepseek-reasoner', choices: [{ index: 0, delta: { reasoning_content: 'hmm' } }] },
        {
          choices: [
            { index: 1, delta: { content: 'other' } },
            { index: 0, delta: { content: 'Hi' } },
          ],
        },
        { error: { message: 'upstream died' }, choices: [{ index: 0, delta: {}, finish_reason: 'error' }] },
      ),
    );
    expect(assembled).toEqual({
      text: 'Hi',
      toolCalls: [],
      finishReason: 'error',
      model: 'deepseek-reasoner',
      extra: { thinking: 'hmm', error: { message: 'upstream died' } },
    });
  });

  it('reads a whole answer whose content is a list of parts', () => {
    const json = {
      choices: [
        {
          message: {
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
          finish_reason: 'stop',
        },
      ],
    };
    expect(assembleJson('openai-chat', json)).toEqual({ text: 'ab', toolCalls: [], finishReason: 'stop' });
  });
});

describe('openai responses assembler', () => {
  it('reads status, incomplete reason, refusals and custom tool calls from a response object', () => {
    const json = {
      object: 'response',
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [
        { type: 'message', content: [{ type: 'refusal', refusal: 'no' }] },
        { type: 'custom_tool_call', call_id: 'c1', name: 'grammar', input: 'raw text' },
      ],
      usage: { input_tokens: 3, output_tokens: 4 },
    };
    expect(assembleJson('openai-responses', json)).toEqual({
      text: '',
      toolCalls: [{ id: 'c1', name: 'grammar', arguments: 'raw text' }],
      finishReason: 'incomplete',
      usage: { inputTokens: 3, outputTokens: 4 },
      extra: { refusal: 'no', incompleteReason: 'max_output_tokens' },
    });
  });

  it('assembles from the deltas when the terminal event never came, content part by part', () => {
    const assembled = assembleEvents(
      'openai-responses',
      'sse',
      sse(
        { type: 'response.created', response: { model: 'gpt-x', output: [] } },
        { type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'Hel' },
        { type: 'response.output_text.delta', output_index: 0, content_index: 1, delta: ' two' },
        { type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'lo' },
        { type: 'response.output_text.done', output_index: 0, content_index: 1, text: ' parts' },
        {
          type: 'response.output_item.added',
          output_index: 1,
          item: { type: 'function_call', call_id: 'c', name: 'f' },
        },
        { type: 'response.function_call_arguments.delta', output_index: 1, delta: '{"a":' },
      ),
    );
    expect(assembled).toEqual({
      text: 'Hello parts',
      toolCalls: [{ id: 'c', name: 'f', arguments: '{"a":' }],
      model: 'gpt-x',
    });
  });

  it('keeps an error event', () => {
    const assembled = assembleEvents('openai-responses', 'sse', sse(['error', { type: 'error', code: 'server_error', message: 'x' }]));
    expect(assembled.extra?.error).toEqual({ type: 'error', code: 'server_error', message: 'x' });
  });
});
