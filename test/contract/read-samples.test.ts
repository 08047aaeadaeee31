import { describe, expect, it } from 'vitest';
import { readSamples } from '../../src/contract/read-samples.js';
import { corpus } from './corpus-interactions.js';

describe('readSamples', () => {
  it('reads an OpenAI chat stream: unnamed events, [DONE], the usage chunk', () => {
    const s = readSamples(corpus('openai/chat-completions-stream-include-usage.json'));
    expect(s.transport).toBe('sse');
    expect(s.contentType).toBe('text/event-stream');
    expect(s.stream!.terminator).toBe('[DONE]');
    expect(new Set(s.stream!.events)).toEqual(new Set(['message']));
    expect(s.docs.every((d) => d.event === '')).toBe(true);
    expect(s.usage).toBe(true);
    expect(s.stream!.firstEventArrays).toEqual({ choices: false });
  });

  it('reads an Anthropic stream: named events, message_stop', () => {
    const s = readSamples(corpus('anthropic/messages-stream-basic.json'));
    expect(s.stream!.events[0]).toBe('message_start');
    expect(s.stream!.terminator).toBe('message_stop');
    expect(s.docs[0]!.event).toBe('message_start');
  });

  it('counts OpenRouter comment lines, which are not events', () => {
    const s = readSamples(corpus('openrouter/chat-completions-stream-processing-comments.json'));
    expect(s.stream!.comments).toBe(2);
    expect(s.stream!.events.every((e) => e === 'message')).toBe(true);
  });

  it('names data-only Responses events by their type field', () => {
    const s = readSamples(corpus('openrouter/responses-stream-reasoning.json'));
    expect(s.stream!.events[0]).toBe('response.created');
    expect(s.stream!.terminator).toBe('[DONE]');
  });

  it('ends a Gemini stream at the chunk with finishReason, in SSE and JSON-array form', () => {
    expect(readSamples(corpus('gemini/stream-generate-content-sse-basic.json')).stream!.terminator).toBe('finishReason');
    const arr = readSamples(corpus('gemini/stream-generate-content-json-array.json'));
    expect(arr.transport).toBe('json-array');
    expect(arr.stream!.terminator).toBe('finishReason');
    expect(arr.docs.length).toBeGreaterThan(1);
  });

  it('reads plain JSON sent under text/event-stream (Gemini 404) as one document', () => {
    const s = readSamples(corpus('gemini/error-404-model-not-found-stream.json'));
    expect(s.docs).toHaveLength(1);
    expect(s.docs[0]!.json).toMatchObject({ error: { code: 404 } });
    expect(s.stream!.terminator).toBe('close');
  });

  it('ends an NDJSON stream (Ollama) at the object with done: true', () => {
    const i = corpus('ollama/chat-completions-local.json');
    delete i.response.body;
    const lines = [
      { message: { content: 'hi' }, done: false },
      { message: { content: '' }, done: true, done_reason: 'stop' },
    ];
    i.response.stream = { format: 'ndjson', complete: true, events: lines.map((l, n) => ({ ms: n, raw: `${JSON.stringify(l)}\n` })) };
    const s = readSamples(i);
    expect(s.transport).toBe('ndjson');
    expect(s.stream!.terminator).toBe('done');
    expect(s.docs).toHaveLength(2);
  });

  it('reads a JSON body', () => {
    const s = readSamples(corpus('gemini/generate-content-basic.json'));
    expect(s.transport).toBe('json');
    expect(s.contentType).toBe('application/json');
    expect(s.usage).toBe(true);
    expect(s.stream).toBeUndefined();
  });
});
