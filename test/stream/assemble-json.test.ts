import { describe, expect, it } from 'vitest';
import { assembleJson } from '../../src/providers/assemblers.js';
import { corpus, corpusIndex, hasCorpus } from '../helpers/corpus.js';
import { kindOf } from './corpus.js';

function jsonOf(file: string): unknown {
  const recorded = corpus(file);
  return recorded.response.body ?? JSON.parse(recorded.response.body_text ?? 'null');
}

function assembleFile(file: string) {
  return assembleJson(kindOf(corpus(file)), jsonOf(file));
}

describe.skipIf(!hasCorpus)('assembling the whole JSON answers of the corpus', () => {
  const whole = corpusIndex().filter((entry) => !entry.streaming);

  it.each(whole.filter((e) => e.status !== 200 || e.endpoint.includes('mbed')).map((e) => e.file))(
    '%s: an error or embedding body is not an answer',
    (file) => {
      expect(assembleFile(file)).toBeUndefined();
    },
  );

  it('openai chat: text, finish reason, usage', () => {
    expect(assembleFile('openai/chat-completions-basic.json')).toEqual({
      text: '\\(4200 + 42 = 4242\\).',
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 16, outputTokens: 12, cacheReadTokens: 0, reasoningTokens: 0 },
      model: 'gpt-4o-2024-08-06',
    });
  });

  it('openai chat: parallel tool calls with their JSON arguments parsed', () => {
    const assembled = assembleFile('openai/chat-completions-parallel-tool-calls.json');
    expect(assembled?.text).toBe('');
    expect(assembled?.toolCalls).toEqual([
      { id: 'call_v6LacIrChvs6ITVpIZqy5tFc', name: 'secret_retrieval_tool', arguments: { password: 'mellon' } },
      { id: 'call_onyWzk4mLTGKzW9cthmf4Llq', name: 'secret_retrieval_tool', arguments: { password: 'radiance' } },
    ]);
    expect(assembled?.finishReason).toBe('tool_calls');
  });

  it('openrouter chat: reported cost, despite the whitespace before the JSON', () => {
    expect(assembleFile('openrouter/chat-completions-basic.json')?.usage).toEqual({
      inputTokens: 12,
      outputTokens: 2,
      cacheReadTokens: 0,
      reasoningTokens: 0,
      reportedCostUsd: 0.00005,
    });
  });

  it('together and ollama (OpenAI-compatible): text and usage', () => {
    expect(assembleFile('together/chat-completions-basic.json')?.usage).toEqual({
      inputTokens: 44,
      outputTokens: 23,
      cacheReadTokens: 0,
    });
    expect(assembleFile('ollama/chat-completions-local.json')).toMatchObject({
      text: "Hello! It's nice to meet you. Is there something I can help you with, or would you like to chat?",
      usage: { inputTokens: 0, outputTokens: 26 },
    });
  });

  it("anthropic's OpenAI-compatible endpoint reads as openai chat", () => {
    expect(assembleFile('anthropic/openai-compat-chat-completions.json')).toMatchObject({
      text: '4200 + 42 = 4242',
      finishReason: 'stop',
    });
  });

  it('openai responses: output text, status and usage', () => {
    expect(assembleFile('openai/responses-basic.json')).toEqual({
      text: '4200 + 42 equals 4242.',
      toolCalls: [],
      finishReason: 'completed',
      usage: { inputTokens: 16, outputTokens: 11, cacheReadTokens: 0, reasoningTokens: 0 },
      model: 'gpt-4o-2024-08-06',
    });
    expect(assembleFile('openai/responses-nonstream-store-false.json')?.text).toBe('pong');
  });

  it('anthropic: text and two tool_use blocks', () => {
    expect(assembleFile('anthropic/messages-tool-use.json')).toMatchObject({
      text: "I'll retrieve the secrets for both passwords you provided.",
      toolCalls: [
        { id: 'toolu_01BUvqBj8Yb34pNAbCJJY1oc', name: 'secret_retrieval_tool', arguments: { password: 'mellon' } },
        { id: 'toolu_01VPuQJ1LonDBYXrr8pqPkqQ', name: 'secret_retrieval_tool', arguments: { password: 'radiance' } },
      ],
      finishReason: 'tool_use',
      usage: { inputTokens: 416, outputTokens: 109, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
  });

  it('anthropic: thinking block to extra with its signature', () => {
    const assembled = assembleFile('anthropic/messages-thinking.json');
    expect(assembled?.text).toBe('3');
    expect(assembled?.extra?.thinking).toMatch(/^I need to find all primes below 400/);
    expect(assembled?.extra?.thinkingSignatures).toHaveLength(1);
    expect(assembled?.usage).toEqual({ inputTokens: 67, outputTokens: 964, cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  it('gemini: text, and output tokens counting thoughts', () => {
    expect(assembleFile('gemini/generate-content-basic.json')).toMatchObject({
      text: expect.stringMatching(/^To calculate 4200 \+ 42:/),
      finishReason: 'STOP',
      usage: { inputTokens: 13, outputTokens: 102, reasoningTokens: 25 },
      model: 'gemini-2.5-flash',
    });
  });

  it('gemini: parallel function calls with args, thought signature kept', () => {
    const assembled = assembleFile('gemini/generate-content-function-call.json');
    expect(assembled?.toolCalls).toEqual([
      { name: 'secret_retrieval_tool', arguments: { password: 'mellon' } },
      { name: 'secret_retrieval_tool', arguments: { password: 'radiance' } },
    ]);
    expect(assembled?.extra?.thoughtSignatures).toHaveLength(1);
    expect(assembled?.usage).toEqual({ inputTokens: 70, outputTokens: 116, reasoningTokens: 76 });
  });

  it('a whole Gemini JSON-array stream body parsed at once assembles like the stream', () => {
    const assembled = assembleJson('gemini', jsonOf('gemini/stream-generate-content-json-array.json'));
    expect(assembled).toMatchObject({
      text: 'Scoop',
      usage: { inputTokens: 11, outputTokens: 293, reasoningTokens: 291 },
    });
  });
});
