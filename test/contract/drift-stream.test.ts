/** Drift kinds in streamed answers, made by mutating real recorded streams of the corpus. */
import { describe, expect, it } from 'vitest';
import { corpus } from './corpus-interactions.js';
import { drift, expectFinding, summary, worst } from './drift-helpers.js';
import { editEvents, mapRawEvents, retake, sseEvent } from './mutate.js';

const anthropicStream = () => retake(corpus('anthropic/messages-stream-basic.json'));
const openaiStream = () => retake(corpus('openai/chat-completions-stream-include-usage.json'));
const geminiStream = () => retake(corpus('gemini/stream-generate-content-sse-basic.json'));

describe('stream drift', () => {
  it('warns on a new SSE event type, and only warns', () => {
    const i = mapRawEvents(anthropicStream(), (raw) =>
      raw.startsWith('event: message_delta')
        ? [sseEvent({ type: 'content_block_citation', index: 0, citation: { url: 'https://x' } }, 'content_block_citation'), raw]
        : raw,
    );
    const f = drift([i]);
    expectFinding(f, 'stream-event-new', 'warning', 'event:content_block_citation');
    expect(worst(f)).toBe('warning');
    expect(f.filter((x) => x.path.startsWith('content_block_citation:'))).toEqual([]);
  });

  it('breaks on a renamed event: the old one, in every stream before, is gone', () => {
    const i = mapRawEvents(anthropicStream(), (raw) => raw.replace(/message_delta/g, 'message_update'));
    const f = drift([i]);
    expectFinding(f, 'stream-event-new', 'warning', 'event:message_update');
    expectFinding(f, 'stream-event-gone', 'breaking', 'event:message_delta');
  });

  it('breaks when the [DONE] terminator is missing', () => {
    const i = mapRawEvents(openaiStream(), (raw) => (raw.startsWith('data: [DONE]') ? null : raw));
    const found = expectFinding(drift([i]), 'stream-terminator-missing', 'breaking', 'terminator');
    expect(found.baseline.summary).toContain('[DONE]');
  });

  it('breaks when message_stop is missing', () => {
    const i = mapRawEvents(anthropicStream(), (raw) => (raw.startsWith('event: message_stop') ? null : raw));
    const f = drift([i]);
    expectFinding(f, 'stream-terminator-missing', 'breaking', 'terminator');
    expectFinding(f, 'stream-event-gone', 'breaking', 'event:message_stop');
  });

  it('breaks when a Gemini stream closes before its finishReason chunk', () => {
    const i = geminiStream();
    i.response.stream!.events.pop();
    expectFinding(drift([i]), 'stream-terminator-missing', 'breaking', 'terminator');
  });

  it('breaks when the terminator changes', () => {
    const i = mapRawEvents(anthropicStream(), (raw) => (raw.startsWith('event: message_stop') ? [raw, 'data: [DONE]\n\n'] : raw));
    expectFinding(drift([i]), 'stream-terminator-changed', 'breaking', 'terminator');
  });

  it('breaks on an empty-choices first chunk (Azure content filter results)', () => {
    const azure = {
      choices: [],
      created: 0,
      id: '',
      model: '',
      object: '',
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }],
    };
    const i = mapRawEvents(openaiStream(), (raw, index) => (index === 0 ? [sseEvent(azure), raw] : raw));
    const f = drift([i]);
    expectFinding(f, 'stream-first-event-empty-array', 'breaking', 'choices');
    expect(f.some((x) => x.check === 'array-now-empty')).toBe(false);
  });

  it('reports SSE comment lines as info only', () => {
    const i = mapRawEvents(openaiStream(), (raw, index) => (index === 0 ? [': keep-alive\n\n', raw] : raw));
    const f = drift([i]);
    expectFinding(f, 'stream-comments-new', 'info', 'comments');
    expect(summary(f.filter((x) => x.severity !== 'info'))).toBe('(no findings)');
  });

  it('breaks on a new stop_reason inside a stream event', () => {
    const i = editEvents(anthropicStream(), (json) => {
      if (json.type === 'message_delta') json.delta.stop_reason = 'compaction';
    });
    expectFinding(drift([i]), 'discriminator-value-new', 'breaking', 'message_delta:delta.stop_reason');
  });

  it('breaks on a new Gemini finishReason', () => {
    const i = editEvents(geminiStream(), (json) => {
      if (json.candidates[0].finishReason) json.candidates[0].finishReason = 'NEW_REASON';
    });
    expectFinding(drift([i]), 'discriminator-value-new', 'breaking', 'candidates[].finishReason');
  });

  it('breaks on a new content block type but not on a new event type field value', () => {
    const i = editEvents(anthropicStream(), (json) => {
      if (json.type === 'content_block_start') json.content_block.type = 'hologram';
    });
    const f = drift([i]);
    expectFinding(f, 'discriminator-value-new', 'breaking', 'content_block_start:content_block.type');
  });

  it('warns when an event in every stream is now only in some', () => {
    const a = anthropicStream();
    const b = mapRawEvents(retake(corpus('anthropic/messages-stream-tool-use-gzip.json')), (raw) =>
      raw.startsWith('event: content_block_stop') ? null : raw,
    );
    const f = drift([a, b]);
    expectFinding(f, 'stream-event-now-optional', 'warning', 'event:content_block_stop');
  });

  it('warns when streams begin with another event', () => {
    const i = mapRawEvents(retake(corpus('openai/responses-stream-basic.json')), (raw) =>
      raw.startsWith('event: response.created') ? null : raw,
    );
    const f = drift([i]);
    expectFinding(f, 'stream-first-event-changed', 'warning', 'first-event');
    expectFinding(f, 'stream-event-gone', 'breaking', 'event:response.created');
  });

  it('warns when the usage chunk is gone for the same request', () => {
    const i = editEvents(openaiStream(), () => undefined);
    const stream = i.response.stream!;
    stream.events = stream.events.filter((e) => !/"usage":\{/.test(e.raw));
    const f = drift([i]);
    expectFinding(f, 'usage-missing', 'warning', 'usage');
    expect(worst(f)).toBe('warning');
  });

  it('finds nothing in a stream recorded again unchanged', () => {
    const f = drift([anthropicStream(), openaiStream(), geminiStream()]);
    expect(summary(f)).toBe('(no findings)');
  });
});
