import { describe, expect, it } from 'vitest';
import { hasCorpus } from '../helpers/corpus.js';
import { assembleCorpusStream as assembleFile } from './corpus.js';

describe.skipIf(!hasCorpus)('assembling the recorded OpenAI-style streams of the corpus', () => {
  it('openai chat: two parallel tool calls with parsed arguments and usage', () => {
    expect(assembleFile('openai/chat-completions-stream-parallel-tool-calls.json')).toEqual({
      text: '',
      toolCalls: [
        { id: 'call_M26z19sncd7b4LBgzKRRbaUE', name: 'secret_retrieval_tool', arguments: { password: 'mellon' } },
        { id: 'call_KPXe5NX7IcKkaBUhc6dto2QV', name: 'secret_retrieval_tool', arguments: { password: 'radiance' } },
      ],
      finishReason: 'tool_calls',
      usage: { inputTokens: 75, outputTokens: 53, cacheReadTokens: 0, reasoningTokens: 0 },
      model: 'gpt-4o-2024-08-06',
    });
  });

  it('openai chat: a single tool call whose arguments arrive in many pieces', () => {
    const assembled = assembleFile('openai/chat-completions-stream-tool-call-single.json');
    expect(assembled.toolCalls).toEqual([{ id: 'call_1EYWDzueHEp8OsB8jJSEp7WB', name: 'multiply', arguments: { a: 1231, b: 2331 } }]);
  });

  it('openai chat: no usage without stream_options.include_usage', () => {
    const assembled = assembleFile('openai/chat-completions-stream-no-usage.json');
    expect(assembled).toEqual({
      text: 'Hello! How can I assist you today?',
      toolCalls: [],
      finishReason: 'stop',
      model: 'gpt-3.5-turbo-0613',
    });
  });

  it('openai chat: usage from the final chunk with empty choices', () => {
    const assembled = assembleFile('openai/chat-completions-stream-include-usage.json');
    expect(assembled.text).toBe('4200 + 42 equals 4242.');
    expect(assembled.usage).toEqual({ inputTokens: 16, outputTokens: 10, cacheReadTokens: 0, reasoningTokens: 0 });
  });

  it('openrouter chat: comments ignored, usage with reported cost and cache writes', () => {
    const assembled = assembleFile('openrouter/chat-completions-stream-processing-comments.json');
    expect(assembled.text).toBe('Hello!');
    expect(assembled.finishReason).toBe('stop');
    expect(assembled.usage).toEqual({
      inputTokens: 12,
      outputTokens: 5,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      reportedCostUsd: 0.000222,
    });
  });

  it('groq chat: usage from x_groq.usage', () => {
    const assembled = assembleFile('groq/chat-completions-stream.json');
    expect(assembled.text).toBe("Hello! It's nice to meet you. Is there something I can help you with or would you like to chat?");
    expect(assembled.usage).toEqual({ inputTokens: 12, outputTokens: 24 });
  });

  it('deepseek chat: the emoji intact and usage from the last content chunk', () => {
    const assembled = assembleFile('deepseek/chat-completions-stream.json');
    expect(assembled.text).toBe('Hello! How can I assist you today? 😊');
    expect(assembled.usage).toEqual({ inputTokens: 5, outputTokens: 11, cacheReadTokens: 0 });
  });

  it('openai responses: parallel function calls from the completed response', () => {
    const assembled = assembleFile('openai/responses-stream-parallel-function-calls.json');
    expect(assembled.toolCalls).toEqual([
      { id: 'call_sKC7OABqf2A2PTLCm0CLeRWV', name: 'secret_retrieval_tool', arguments: { password: 'mellon' } },
      { id: 'call_OdR3s3xop0vtgkDyWRMLafuH', name: 'secret_retrieval_tool', arguments: { password: 'radiance' } },
    ]);
    expect(assembled.finishReason).toBe('completed');
    expect(assembled.usage).toEqual({ inputTokens: 36, outputTokens: 54, cacheReadTokens: 0, reasoningTokens: 0 });
    expect(assembled.extra?.response).toMatchObject({ id: 'resp_0c3b09d20eedf2d30068f966b9b7048190b7501a24a1447ec0' });
  });

  it('openai responses: reasoning summary parts in extra.thinking, reasoning tokens in usage', () => {
    const assembled = assembleFile('openai/responses-stream-reasoning-summary.json');
    expect(assembled.text).toBe('3');
    expect(assembled.extra?.thinking).toMatch(/^\*\*Exploring prime numbers\*\*/);
    expect((assembled.extra?.thinking as string).split('\n\n**')).toHaveLength(3);
    expect(assembled.usage).toEqual({ inputTokens: 32, outputTokens: 839, cacheReadTokens: 0, reasoningTokens: 832 });
  });

  it.each([
    'openai/responses-stream-basic.json',
    'openai/responses-stream-parallel-function-calls.json',
    'openai/responses-stream-reasoning-summary.json',
    'openai/responses-stream-function-call-store-false.json',
    'openrouter/responses-stream-reasoning.json',
  ])('openai responses %s: the deltas alone give the same text, calls and thinking', (file) => {
    const whole = assembleFile(file);
    const cut = assembleFile(file, (raw) => !/"type":"response\.(completed|incomplete|failed)"/.test(raw));
    expect(cut.text).toBe(whole.text);
    expect(cut.toolCalls).toEqual(whole.toolCalls);
    expect(cut.extra?.thinking).toEqual(whole.extra?.thinking);
    expect(cut.usage).toBeUndefined();
    expect(cut.finishReason).toBeUndefined();
  });

  it('openrouter responses: data-only events with a leading comment, usage with cost', () => {
    const assembled = assembleFile('openrouter/responses-stream-reasoning.json');
    expect(assembled.text).toBe('4');
    expect(assembled.model).toBe('openai/gpt-5-nano');
    expect(assembled.usage).toEqual({
      inputTokens: 20,
      outputTokens: 19,
      cacheReadTokens: 0,
      reasoningTokens: 0,
      reportedCostUsd: 0.0000086,
    });
  });
});
