import { describe, expect, it } from 'vitest';
import { assembleEvents, assembleJson } from '../../src/providers/assemblers.js';

describe('ollama assembler', () => {
  const chat = [
    { model: 'llama3.2', message: { role: 'assistant', content: '', thinking: 'Let me see.' }, done: false },
    { model: 'llama3.2', message: { role: 'assistant', content: 'Hello' }, done: false },
    { model: 'llama3.2', message: { role: 'assistant', content: ' there' }, done: false },
    {
      model: 'llama3.2',
      message: {
        role: 'assistant',
        content: '',
        tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }],
      },
      done: false,
    },
    {
      model: 'llama3.2',
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 26,
      eval_count: 9,
    },
  ];

  it('assembles a native /api/chat NDJSON stream', () => {
    const raws = chat.map((chunk) => `${JSON.stringify(chunk)}\n`);
    expect(assembleEvents('ollama', 'ndjson', raws)).toEqual({
      text: 'Hello there',
      toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
      finishReason: 'stop',
      usage: { inputTokens: 26, outputTokens: 9 },
      model: 'llama3.2',
      extra: { thinking: 'Let me see.' },
    });
  });

  it('assembles /api/generate chunks and a whole answer', () => {
    const raws = [
      { response: 'Hi', done: false },
      { response: '!', done: true, done_reason: 'length', eval_count: 2 },
    ].map((c) => `${JSON.stringify(c)}\n`);
    expect(assembleEvents('ollama', 'ndjson', raws)).toEqual({
      text: 'Hi!',
      toolCalls: [],
      finishReason: 'length',
      usage: { inputTokens: 0, outputTokens: 2 },
    });
    expect(assembleJson('ollama', chat[4])?.usage).toEqual({ inputTokens: 26, outputTokens: 9 });
    expect(assembleJson('ollama', { error: 'model not found' })).toBeUndefined();
  });

  it('keeps an error line', () => {
    expect(assembleEvents('ollama', 'ndjson', ['{"error":"out of memory"}\n']).extra).toEqual({
      error: 'out of memory',
    });
  });
});
