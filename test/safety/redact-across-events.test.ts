// Item 8 of issue 13, unit level: the stored events of a stream that spells a key across events.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/safety/create-redactor.js';
import { redactAcrossEvents } from '../../src/safety/redact-across-events.js';
import { assembleEvents } from '../../src/providers/assemblers.js';
import type { StreamEvent } from '../../src/types.js';

const KEY = 'sk-proj-Q7pX2mZ9vB4nK8cL1dF6gH3jR5tY0wEa';
const redactor = createRedactor([]);
const sse = (content: string): StreamEvent => ({
  ms: 1,
  raw: `data: {"choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}}}]}\n\n`,
});

describe('redactAcrossEvents', () => {
  it('finds each string path whatever the key order and shape of each event (the position cache checks the key)', () => {
    // The same paths at other positions from event to event, a key that is an array in one event
    // and an object in another, and a decoy string at the position the key had before.
    const raws = [
      { a: 'one', delta: { text: 'key sk-proj-Q7p' } },
      { delta: { text: 'X2mZ9vB4nK8cL1' }, a: 'two' },
      { b: ['x', 'y'], a: 'three', delta: { text: 'dF6gH3jR5tY0wEa' } },
      { delta: { text: ' bye', extra: 'sk' }, b: { 0: '-unrelated-but-long-enough-run' }, a: 'four' },
    ].map((json) => ({ ms: 1, raw: `data: ${JSON.stringify(json)}\n\n` }));
    const out = redactAcrossEvents('sse', raws, redactor);
    const stored = out.map((e) => JSON.parse(e.raw.slice(6)) as { a: string; delta: { text: string } });
    expect(stored.map((e) => e.delta.text).join('')).toBe('key <REDACTED> bye');
    expect(stored.map((e) => e.a)).toEqual(['one', 'two', 'three', 'four']);
    // `b.0` holds 'x' then '-unrelated…': no key is spelled across them, so that event keeps them.
    expect(out[3]?.raw).toContain('-unrelated-but-long-enough-run');
  });

  it('leaves a stream without a split secret untouched (the same array)', () => {
    const events = [sse('hello '), sse('world, sk-'), sse('not a key'), { ms: 2, raw: 'data: [DONE]\n\n' }];
    expect(redactAcrossEvents('sse', events, redactor)).toBe(events);
  });

  it('cuts every piece of a key split over six events; the assembled text reads <REDACTED> once', () => {
    const pieces = ['my key ', 'sk', '-proj-Q7', 'pX2mZ9vB4n', 'K8cL1dF6gH3jR5', 'tY0wEa', ' bye'];
    const out = redactAcrossEvents('sse', pieces.map(sse), redactor);
    const joined = out.map((e) => e.raw).join('');
    expect(joined).not.toContain('Q7pX');
    expect(
      assembleEvents(
        'openai-chat',
        'sse',
        out.map((e) => e.raw),
      ).text,
    ).toBe('my key <REDACTED> bye');
  });

  it('re-serialises an event whose JSON escapes the piece differently', () => {
    const events: StreamEvent[] = [
      sse(`key ${KEY.slice(0, 10)}`),
      { ms: 1, raw: `data: {"choices":[{"index":0,"delta":{"content":"${KEY.slice(10).replace('-', '\\u002d')}\\u002d tail"}}]}\n\n` },
    ];
    const out = redactAcrossEvents('sse', events, redactor);
    expect(out.map((e) => e.raw).join('')).not.toContain(KEY.slice(-16));
    expect(
      assembleEvents(
        'openai-chat',
        'sse',
        out.map((e) => e.raw),
      ).text,
    ).toBe('key <REDACTED> tail');
  });

  it('works on NDJSON (Ollama) and drops kept bytes of a changed event', () => {
    const nd = (content: string, base64?: string): StreamEvent => ({
      ms: 1,
      raw: `${JSON.stringify({ model: 'llama', message: { role: 'assistant', content } })}\n`,
      ...(base64 ? { base64 } : {}),
    });
    const out = redactAcrossEvents('ndjson', [nd(KEY.slice(0, 12)), nd(KEY.slice(12), 'AAAA')], redactor);
    expect(out.map((e) => e.raw).join('')).not.toContain(KEY.slice(-16));
    expect(out[1]?.base64).toBeUndefined();
  });
});
