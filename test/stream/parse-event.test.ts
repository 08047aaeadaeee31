import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCapturedEvent, parseEvent, serializeSseEvent } from '../../src/stream/parse-event.js';
import { createSseFramer } from '../../src/stream/sse-framer.js';
import type { ParsedEvent } from '../../src/stream/types.js';
import { chunkAt, frameAll, lineEnd, lineText, splitPoints } from './stream-arbitraries.js';

describe('parseEvent (sse)', () => {
  it('reads event, data, id and retry fields', () => {
    expect(parseEvent('sse', 'event: ping\nid: 7\nretry: 3000\ndata: {"type": "ping"}\n\n')).toEqual({
      event: 'ping',
      id: '7',
      retry: 3000,
      data: '{"type": "ping"}',
      json: { type: 'ping' },
      comments: [],
    });
  });

  it('removes only one space after the colon', () => {
    expect(parseEvent('sse', 'data:x\n\n').data).toBe('x');
    expect(parseEvent('sse', 'data:  x\n\n').data).toBe(' x');
  });

  it('joins several data lines with \\n, whatever the line ends', () => {
    expect(parseEvent('sse', 'data: a\r\ndata:\rdata: b\n\n').data).toBe('a\n\nb');
  });

  it('keeps comments without their colon', () => {
    const event = parseEvent('sse', ': OPENROUTER PROCESSING\n\n');
    expect(event).toEqual({ comments: [' OPENROUTER PROCESSING'] });
  });

  it('treats a line without a colon as a field with an empty value', () => {
    expect(parseEvent('sse', 'data\n\n').data).toBe('');
  });

  it('ignores unknown fields, a non-numeric retry and an id containing NUL', () => {
    expect(parseEvent('sse', 'foo: bar\nretry: 1s\nid: a\0b\n\n')).toEqual({ comments: [] });
  });

  it('ignores a byte order mark opening the stream', () => {
    expect(parseEvent('sse', '\uFEFFdata: 1\n\n')).toEqual({ data: '1', json: 1, comments: [] });
  });

  it('leaves json unset when the data is not JSON', () => {
    const done = parseEvent('sse', 'data: [DONE]\n\n');
    expect(done.data).toBe('[DONE]');
    expect('json' in done).toBe(false);
  });

  it("parses Anthropic's data padded with trailing spaces", () => {
    expect(parseEvent('sse', 'data: {"type":"message_stop"         }\n\n').json).toEqual({ type: 'message_stop' });
  });
});

describe('parseEvent (json formats)', () => {
  it('strips the leading [ or , of a JSON-array element', () => {
    expect(parseEvent('json-array', '[{\n  "a": 1\n}').json).toEqual({ a: 1 });
    expect(parseEvent('json-array', '\n,\r\n{"b": 2}').json).toEqual({ b: 2 });
    expect(parseEvent('json-array', '\n,[1, 2]').json).toEqual([1, 2]);
  });

  it('reads the closing piece of an array as no data', () => {
    expect(parseEvent('json-array', '\n]\n')).toEqual({ comments: [] });
  });

  it('falls back to dropping a trailing ] for a whole one-element array', () => {
    expect(parseEvent('json-array', '[{"a": 1}]').json).toEqual({ a: 1 });
  });

  it('keeps NDJSON arrays intact', () => {
    expect(parseEvent('ndjson', '[1,2]\n').json).toEqual([1, 2]);
    expect(parseEvent('ndjson', '{"done":true}\r\n')).toEqual({
      comments: [],
      data: '{"done":true}',
      json: { done: true },
    });
  });

  it('keeps an element cut short as data without json', () => {
    expect(parseEvent('json-array', '\n,{"b":')).toEqual({ comments: [], data: '{"b":' });
  });
});

/** ParsedEvents that SSE can carry: no line ends inside names, ids or comments. */
const parsedEvent: fc.Arbitrary<ParsedEvent> = fc
  .record(
    {
      event: lineText,
      id: lineText.map((s) => s.replace(/\0/g, '')),
      retry: fc.nat(),
      data: fc.array(lineText, { minLength: 1, maxLength: 4 }).map((lines) => lines.join('\n')),
      comments: fc.array(lineText, { maxLength: 3 }),
    },
    { requiredKeys: ['comments'] },
  )
  .map((e) => {
    const event: ParsedEvent = { ...e };
    if (e.data !== undefined) {
      try {
        event.json = JSON.parse(e.data) as unknown;
      } catch {
        // not JSON: json stays unset
      }
    }
    return event;
  });

describe('serializeSseEvent', () => {
  it('writes the canonical form', () => {
    expect(serializeSseEvent({ event: 'message_stop', data: '{"type":"message_stop"}', comments: [] })).toBe(
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
    expect(serializeSseEvent({ comments: [' keep-alive'] })).toBe(': keep-alive\n\n');
    expect(serializeSseEvent({ comments: [], json: { a: [1] } })).toBe('data: {"a":[1]}\n\n');
  });

  it('round-trips every event SSE can carry through parse', () => {
    fc.assert(
      fc.property(parsedEvent, (event) => {
        expect(parseEvent('sse', serializeSseEvent(event))).toEqual(event);
      }),
      { numRuns: 500 },
    );
  });

  it('reproduces canonical streams byte for byte through frame, parse and serialize', () => {
    fc.assert(
      fc.property(fc.array(parsedEvent, { maxLength: 6 }), splitPoints(), (events, points) => {
        const body = events.map(serializeSseEvent).join('');
        const raws = frameAll(createSseFramer, chunkAt(body, points));
        expect(raws.map((raw) => serializeSseEvent(parseEvent('sse', raw)))).toEqual(raws);
        expect(raws.join('')).toBe(body);
      }),
      { numRuns: 300 },
    );
  });

  it('reads the same fields whatever line ends and colon spacing a stream uses', () => {
    const styled = fc.tuple(parsedEvent, fc.array(lineEnd, { minLength: 12, maxLength: 12 }), fc.boolean());
    fc.assert(
      fc.property(styled, ([event, ends, tight]) => {
        const canonical = serializeSseEvent(event);
        let i = 0;
        let previous = '';
        // A `\r` line end followed by a `\n` one would read as one CRLF: write `\r\n` there.
        let restyled = canonical.replace(/\n/g, () => {
          const end = ends[i++ % ends.length] ?? '\n';
          previous = previous === '\r' && end === '\n' ? '\r\n' : end;
          return previous;
        });
        if (tight) restyled = restyled.replace(/^(event|data|id|retry): (?! )/gm, '$1:');
        expect(parseEvent('sse', restyled)).toEqual(event);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseEvent (sse) for the one-line data event, read without splitting lines', () => {
  it('gives what the field rules give, for every near miss of the `data: <line>\\n\\n` shape', () => {
    const cases: [string, ParsedEvent][] = [
      ['data: {"a":1}\n\n', { comments: [], data: '{"a":1}', json: { a: 1 } }],
      ['data:  x\n\n', { comments: [], data: ' x' }], // one space dropped, the second kept
      ['data: \n\n', { comments: [], data: '' }],
      ['data: [DONE]\n\n', { comments: [], data: '[DONE]' }],
      ['data: a\ndata: b\n\n', { comments: [], data: 'a\nb' }],
      ['data: a\r\n\r\n', { comments: [], data: 'a' }],
      ['data: a\rdata: b\n\n', { comments: [], data: 'a\nb' }],
      ['data: 1\nid: 7\n\n', { comments: [], data: '1', json: 1, id: '7' }],
      ['data:1\n\n', { comments: [], data: '1', json: 1 }],
      ['\ufeffdata: 2\n\n', { comments: [], data: '2', json: 2 }],
    ];
    for (const [raw, want] of cases) expect(parseEvent('sse', raw), JSON.stringify(raw)).toStrictEqual(want);
  });
});

describe('parseCapturedEvent', () => {
  it('parses a captured event once, and its kept parse travels in neither its JSON nor a copy', () => {
    const event = { ms: 3, raw: 'data: {"a":1}\n\n' };
    const first = parseCapturedEvent('sse', event);
    expect(parseCapturedEvent('sse', event)).toBe(first);
    expect(JSON.stringify(event)).toBe('{"ms":3,"raw":"data: {\\"a\\":1}\\n\\n"}');
    const changed = { ...event, raw: 'data: {"a":2}\n\n' };
    expect(parseCapturedEvent('sse', changed).json).toEqual({ a: 2 });
    expect(event).toStrictEqual({ ms: 3, raw: 'data: {"a":1}\n\n' });
    // A frozen event cannot keep it: it is parsed each time, and still right.
    expect(parseCapturedEvent('sse', Object.freeze({ ms: 1, raw: 'data: 5\n\n' })).json).toBe(5);
  });
});
