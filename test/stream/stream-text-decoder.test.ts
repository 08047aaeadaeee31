// The capture reads an ASCII chunk as Latin-1 instead of running the UTF-8 decoder (issue 20): the
// text of every chunk, and of the end, must be what TextDecoder (ignoreBOM, stream: true) gives,
// however the chunks split multi-byte characters, bad bytes and byte order marks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamTextDecoder } from '../../src/stream/stream-text-decoder.js';

/** Each chunk's text and the end's, from TextDecoder and from StreamTextDecoder. */
function both(chunks: Buffer[]): { expected: string[]; actual: string[] } {
  const reference = new TextDecoder('utf-8', { ignoreBOM: true });
  const ours = new StreamTextDecoder();
  return {
    expected: [...chunks.map((c) => reference.decode(c, { stream: true })), reference.decode()],
    actual: [...chunks.map((c) => ours.decode(c)), ours.end()],
  };
}

const bytes = (...values: number[]): Buffer => Buffer.from(values);

describe('StreamTextDecoder', () => {
  it('gives TextDecoder text where a character is cut across chunks next to ASCII ones', () => {
    const cases: Buffer[][] = [
      // A cut euro sign, then ASCII: the decoder's pending bytes decide the next chunk's text.
      [Buffer.from('data: {"a":"'), bytes(0xe2, 0x82), Buffer.from('x"}\n\n')],
      [Buffer.from('abc'), bytes(0xe2), bytes(0x82), bytes(0xac), Buffer.from('def')],
      // Cut at the very end: the end gives U+FFFD.
      [Buffer.from('abc'), bytes(0xf0, 0x9f)],
      // A byte order mark is kept (ignoreBOM), first or later.
      [bytes(0xef, 0xbb, 0xbf), Buffer.from('data: x\n\n')],
      [Buffer.from('data: x\n\n'), bytes(0xef, 0xbb), bytes(0xbf, 0x41)],
      // Bad bytes, then ASCII.
      [bytes(0xff, 0x41), Buffer.from('plain')],
      [Buffer.from(''), Buffer.from('ascii only'), Buffer.from('')],
    ];
    for (const chunks of cases) {
      const { expected, actual } = both(chunks);
      expect(actual).toEqual(expected);
    }
  });

  it('gives TextDecoder text for any bytes cut anywhere', () => {
    const byte = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.constantFrom(0x0a, 0xe2, 0x82, 0xac, 0xef, 0xbb, 0xbf, 0xf0, 0x9f, 0x98, 0x80, 0xc3, 0xa9),
      fc.integer({ min: 0x80, max: 0xff }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(byte, { maxLength: 12 }), { maxLength: 8 }), (parts) => {
        const { expected, actual } = both(parts.map((p) => Buffer.from(p)));
        expect(actual).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
