// Item 16 of issue 13: the bytes behind each framed event, for events that are not valid UTF-8.
// Whatever the bytes and wherever the chunks split them, the events' bytes (kept ones, or the
// UTF-8 of their text) put back together are exactly the input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFramer } from '../../src/stream/create-framer.js';
import { EventByteLedger } from '../../src/stream/event-byte-ledger.js';
import type { StreamFormat } from '../../src/types.js';

function frame(format: StreamFormat, input: Buffer, cuts: number[]): { raw: string; bytes: Buffer | undefined }[] {
  const framer = createFramer(format);
  const ledger = new EventByteLedger();
  const text = new TextDecoder('utf-8', { ignoreBOM: true });
  const out: { raw: string; bytes: Buffer | undefined }[] = [];
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < input.length).sort((a, b) => a - b), input.length]) {
    const chunk = input.subarray(at, cut);
    at = cut;
    ledger.push(chunk);
    for (const raw of framer.push(text.decode(chunk, { stream: true }))) out.push({ raw, bytes: ledger.take(raw, false) });
  }
  const tail = text.decode();
  const rest = [...(tail ? framer.push(tail) : []), ...framer.end()];
  rest.forEach((raw, i) => out.push({ raw, bytes: ledger.take(raw, i === rest.length - 1) }));
  return out;
}

const rejoin = (events: { raw: string; bytes: Buffer | undefined }[]): Buffer =>
  Buffer.concat(events.map((e) => e.bytes ?? Buffer.from(e.raw, 'utf8')));

/** Bytes biased towards framing characters, UTF-8 lead and continuation bytes, and bad bytes. */
const byte = fc.oneof(
  fc.constantFrom(0x0a, 0x0d, 0x3a, 0x20, 0x7b, 0x7d, 0x2c, 0x5b, 0x5d, 0x22),
  fc.integer({ min: 0x61, max: 0x7a }),
  fc.integer({ min: 0x80, max: 0xff }),
);

describe('EventByteLedger', () => {
  for (const format of ['sse', 'ndjson', 'json-array'] as const) {
    it(`${format}: kept bytes plus valid text give back every input byte, however the chunks fall`, () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 200 }),
          fc.array(byte, { maxLength: 200 }),
          fc.array(fc.nat(400), { maxLength: 8 }),
          (a, b, cuts) => {
            const input = Buffer.concat([Buffer.from(a), Buffer.from(b)]);
            expect(rejoin(frame(format, input, cuts)).equals(input)).toBe(true);
          },
        ),
        { numRuns: 300 },
      );
    });
  }

  it('keeps bytes only for events that are not valid UTF-8 (a literal U+FFFD is valid)', () => {
    const input = Buffer.concat([
      Buffer.from('data: caf\u00e9 \uFFFD\n\n'),
      Buffer.from('data: bad '),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('\n\n'),
    ]);
    const events = frame('sse', input, [9, 10, 11, 25]);
    expect(events.map((e) => e.bytes === undefined)).toEqual([true, false]);
    expect(events[1]?.bytes?.equals(input.subarray(Buffer.byteLength('data: caf\u00e9 \uFFFD\n\n')))).toBe(true);
  });
});
