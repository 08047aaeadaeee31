/** What the same request got, before and now: transport, content type, status class. */
import { describe, expect, it } from 'vitest';
import { corpus } from './corpus-interactions.js';
import { drift, expectFinding, summary } from './drift-helpers.js';
import { retake } from './mutate.js';

describe('response kind drift for the same request', () => {
  it('breaks when a stream arrives as a JSON array instead of SSE', () => {
    const i = retake(corpus('gemini/stream-generate-content-sse-basic.json'));
    const stream = i.response.stream!;
    const chunks = stream.events.map((e) => e.raw.replace(/^data: /, '').trim());
    stream.format = 'json-array';
    stream.events = [...chunks.map((c, n) => ({ ms: n, raw: `${n === 0 ? '[' : ',\r\n'}${c}` })), { ms: 99, raw: ']' }];
    i.response.headers['content-type'] = 'application/json; charset=UTF-8';
    const f = drift([i]);
    const transport = expectFinding(f, 'transport-changed', 'breaking', 'transport');
    expect(transport.baseline.summary).toBe('sse');
    expect(transport.observed.summary).toBe('json-array');
    expectFinding(f, 'content-type-changed', 'breaking', 'content-type');
    // The chunks themselves still have their shape.
    expect(f.filter((x) => !['transport-changed', 'content-type-changed'].includes(x.check))).toEqual([]);
  });

  it('breaks when the content type changes', () => {
    const i = retake(corpus('openai/chat-completions-basic.json'));
    i.response.headers['content-type'] = 'text/plain';
    const f = drift([i]);
    const found = expectFinding(f, 'content-type-changed', 'breaking', 'content-type');
    expect(found.message).toContain('application/json');
    expect(found.message).toContain('text/plain');
  });

  it('ignores content-type parameters', () => {
    const i = retake(corpus('openai/chat-completions-basic.json'));
    i.response.headers['content-type'] = 'application/json; charset=utf-8';
    expect(summary(drift([i]))).toBe('(no findings)');
  });

  it('breaks when the status class changes, without piling transport findings on it', () => {
    const i = retake(corpus('openai/chat-completions-basic.json'));
    i.response.status = 503;
    i.response.body = { kind: 'json', json: { error: { message: 'overloaded', type: 'server_error', param: null, code: null } } };
    const f = drift([i]);
    expectFinding(f, 'status-class-changed', 'breaking', 'status');
    expectFinding(f, 'endpoint-new', 'info', '$');
    expect(f.map((x) => x.check).sort()).toEqual(['endpoint-new', 'status-class-changed']);
  });

  it('breaks when a JSON answer becomes a stream', () => {
    const i = retake(corpus('openai/chat-completions-basic.json'));
    const chunk = {
      id: 'chatcmpl-x1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }],
    };
    delete i.response.body;
    i.response.headers['content-type'] = 'text/event-stream';
    i.response.stream = {
      format: 'sse',
      complete: true,
      events: [
        { ms: 1, raw: `data: ${JSON.stringify(chunk)}\n\n` },
        { ms: 2, raw: 'data: [DONE]\n\n' },
      ],
    };
    const f = drift([i]);
    expectFinding(f, 'transport-changed', 'breaking', 'transport');
    expectFinding(f, 'content-type-changed', 'breaking', 'content-type');
  });
});
