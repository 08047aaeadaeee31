import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createJsonArrayFramer } from '../../src/stream/json-array-framer.js';
import { parseEvent } from '../../src/stream/parse-event.js';
import { chunkAt, frameAll, jsonArrayStream, splitPoints } from './stream-arbitraries.js';

describe('createJsonArrayFramer', () => {
  it('frames Gemini-style pretty-printed elements with their leading [ or ,', () => {
    const body = '[{\n  "a": 1\n}\n,\r\n{\n  "b": "x"\n}\n]';
    expect(frameAll(createJsonArrayFramer, [body])).toEqual(['[{\n  "a": 1\n}', '\n,\r\n{\n  "b": "x"\n}', '\n]']);
  });

  it('emits an element as soon as it closes, and the closing ] only at the end', () => {
    const framer = createJsonArrayFramer();
    expect(framer.push('[{"a":')).toEqual([]);
    expect(framer.push('1}\n,')).toEqual(['[{"a":1}']);
    expect(framer.push('{"b":2}\n]\n')).toEqual(['\n,{"b":2}']);
    expect(framer.end()).toEqual(['\n]\n']);
  });

  it('is not fooled by brackets, braces and escaped quotes inside strings', () => {
    const body = '[{"t":"}]\\"{[\\\\"},"s\\"]"]';
    expect(frameAll(createJsonArrayFramer, [body])).toEqual(['[{"t":"}]\\"{[\\\\"}', ',"s\\"]"', ']']);
    expect(frameAll(createJsonArrayFramer, body.split(''))).toEqual(['[{"t":"}]\\"{[\\\\"}', ',"s\\"]"', ']']);
  });

  it('ends bare scalar elements at the comma or ] after them', () => {
    expect(frameAll(createJsonArrayFramer, ['[1, true ,null,[2]]'])).toEqual(['[1', ', true ', ',null', ',[2]', ']']);
  });

  it('returns an empty array, and a body that is not an array, whole from end()', () => {
    expect(frameAll(createJsonArrayFramer, ['[ ]'])).toEqual(['[ ]']);
    expect(frameAll(createJsonArrayFramer, ['{"error": {"code": 400}}\n'])).toEqual(['{"error": {"code": 400}}\n']);
  });

  it('returns an element cut short from end()', () => {
    expect(frameAll(createJsonArrayFramer, ['[{"a":1}\n,{"b":'])).toEqual(['[{"a":1}', '\n,{"b":']);
  });

  it('frames generated arrays into their elements plus the closing piece, whatever the chunking', () => {
    fc.assert(
      fc.property(jsonArrayStream(), splitPoints(), ({ elements, body }, points) => {
        const whole = frameAll(createJsonArrayFramer, [body]);
        expect(whole.join('')).toBe(body);
        expect(whole).toHaveLength(elements.length + 1);
        const parsed = whole.slice(0, -1).map((raw) => JSON.stringify(parseEvent('json-array', raw).json));
        expect(parsed).toEqual(elements.map((value) => JSON.stringify(value)));
        expect(parseEvent('json-array', whole.at(-1) ?? '').json).toBeUndefined();
        expect(frameAll(createJsonArrayFramer, chunkAt(body, points))).toEqual(whole);
      }),
      { numRuns: 400 },
    );
  });
});
