import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNdjsonFramer } from '../../src/stream/ndjson-framer.js';
import { parseEvent } from '../../src/stream/parse-event.js';
import { chunkAt, frameAll, splitPoints } from './stream-arbitraries.js';

describe('createNdjsonFramer', () => {
  it('returns one event per line, with its line end', () => {
    const framer = createNdjsonFramer();
    expect(framer.push('{"a":1}\n{"b"')).toEqual(['{"a":1}\n']);
    expect(framer.push(':2}\r\n')).toEqual(['{"b":2}\r\n']);
    expect(framer.end()).toEqual([]);
  });

  it('returns an unterminated last line from end()', () => {
    expect(frameAll(createNdjsonFramer, ['{"done":true}'])).toEqual(['{"done":true}']);
  });

  it('frames generated NDJSON into its lines, whatever the chunking', () => {
    const line = fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('\n', '\r\n'));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.boolean(), splitPoints(), (lines, cutLast, points) => {
        const events = lines.map(([value, end]) => JSON.stringify(value) + end);
        const last = events.length - 1;
        if (cutLast && last >= 0) events[last] = JSON.stringify(lines[last]?.[0]);
        const body = events.join('');
        const framed = frameAll(createNdjsonFramer, chunkAt(body, points));
        expect(framed).toEqual(events.filter((e) => e !== ''));
        expect(framed.join('')).toBe(body);
        const parsed = framed.map((raw) => JSON.stringify(parseEvent('ndjson', raw).json));
        expect(parsed).toEqual(lines.map(([value]) => JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });
});
