import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSseFramer } from '../../src/stream/sse-framer.js';
import { chunkAt, frameAll, lineEnd, splitPoints, sseStream } from './stream-arbitraries.js';

describe('createSseFramer', () => {
  it('returns each event with the blank line that ends it', () => {
    const framer = createSseFramer();
    expect(framer.push('event: a\ndata: 1\n\ndata: 2\n\n')).toEqual(['event: a\ndata: 1\n\n', 'data: 2\n\n']);
    expect(framer.end()).toEqual([]);
  });

  it('keeps comment-only blocks as events of their own', () => {
    const body = ': OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: {}\n\n';
    expect(frameAll(createSseFramer, [body])).toEqual([': OPENROUTER PROCESSING\n\n', ': OPENROUTER PROCESSING\n\n', 'data: {}\n\n']);
  });

  it('treats \\r\\n, \\r and \\n alike as line ends', () => {
    expect(frameAll(createSseFramer, ['data: a\r\n\r\ndata: b\r\rdata: c\n\n'])).toEqual(['data: a\r\n\r\n', 'data: b\r\r', 'data: c\n\n']);
  });

  it('waits for the next chunk when one ends in \\r, since a \\n may follow', () => {
    const framer = createSseFramer();
    expect(framer.push('data: a\r\n\r')).toEqual([]);
    expect(framer.push('\ndata: b\r\n\r\n')).toEqual(['data: a\r\n\r\n', 'data: b\r\n\r\n']);
  });

  it('does not count the \\n of a CRLF split across chunks as a second line end', () => {
    const framer = createSseFramer();
    expect(framer.push('data: a\r')).toEqual([]);
    expect(framer.push('\ndata: b\n\n')).toEqual(['data: a\r\ndata: b\n\n']);
  });

  it('emits an event held on a trailing \\r once the next chunk shows no \\n follows', () => {
    const framer = createSseFramer();
    expect(framer.push('data: a\r\r')).toEqual([]);
    expect(framer.push('data: b')).toEqual(['data: a\r\r']);
    expect(framer.end()).toEqual(['data: b']);
  });

  it('gives an event held on a trailing \\r from end() when the stream stops there', () => {
    const framer = createSseFramer();
    expect(framer.push('data: a\n\r')).toEqual([]);
    expect(framer.end()).toEqual(['data: a\n\r']);
  });

  it('ignores empty chunks, even while holding a \\r', () => {
    const framer = createSseFramer();
    expect(framer.push('data: a\n\r')).toEqual([]);
    expect(framer.push('')).toEqual([]);
    expect(framer.push('\n')).toEqual(['data: a\n\r\n']);
  });

  it('returns a partial event left when the stream ends', () => {
    const framer = createSseFramer();
    expect(framer.push('data: 1\n\ndata: 2\n')).toEqual(['data: 1\n\n']);
    expect(framer.end()).toEqual(['data: 2\n']);
    expect(framer.end()).toEqual([]);
  });

  it('keeps a body without any blank line (an error JSON under text/event-stream) whole', () => {
    const body = '{\n  "error": {\n    "code": 404\n  }\n}\n';
    expect(frameAll(createSseFramer, [body])).toEqual([body]);
  });

  it('joins an event delivered one character at a time', () => {
    const body = 'event: x\r\ndata: héllo 😊\r\n\r\n';
    expect(frameAll(createSseFramer, [...body])).toEqual([body]);
  });

  it('frames a large event split into many chunks in linear time', () => {
    const data = 'x'.repeat(4_000_000);
    const body = `data: ${data}\n\n`;
    const chunks = Array.from({ length: body.length / 1000 + 1 }, (_, i) => body.slice(i * 1000, i * 1000 + 1000));
    const started = performance.now();
    const events = frameAll(createSseFramer, chunks);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(events).toEqual([body]);
  });

  it('frames generated streams into exactly their events, whatever the chunking', () => {
    fc.assert(
      fc.property(sseStream(), splitPoints(), ({ events, tail }, points) => {
        const body = events.join('') + tail;
        const expected = tail === '' ? events : [...events, tail];
        expect(frameAll(createSseFramer, [body])).toEqual(expected);
        const chunked = frameAll(createSseFramer, chunkAt(body, points));
        expect(chunked).toEqual(expected);
        expect(chunked.join('')).toBe(body);
      }),
      { numRuns: 400 },
    );
  });

  it('frames generated streams fed one code unit at a time', () => {
    fc.assert(
      fc.property(sseStream(), ({ events, tail }) => {
        const body = events.join('') + tail;
        expect(frameAll(createSseFramer, body.split(''))).toEqual(tail === '' ? events : [...events, tail]);
      }),
      { numRuns: 100 },
    );
  });

  it('never loses or invents a character on arbitrary text', () => {
    const alphabet = fc.constantFrom('\r', '\n', 'a', ':', ' ', 'é', '😊');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 60 }).map((cs) => cs.join('')),
        splitPoints(),
        (body, points) => {
          const whole = frameAll(createSseFramer, [body]);
          expect(whole.join('')).toBe(body);
          expect(frameAll(createSseFramer, chunkAt(body, points))).toEqual(whole);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('uses every line-end style in generated streams', () => {
    const seen = new Set(fc.sample(lineEnd, 200));
    expect(seen).toEqual(new Set(['\n', '\r\n', '\r']));
  });
});
