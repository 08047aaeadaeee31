// Issue 13 item 14: a large answer's events and body cross to the finishing thread in blocks
// built as they arrive (src/stream/packed-events.ts, src/upstream/byte-blocks.ts). Whatever the
// sizes, and wherever block boundaries fall, what the thread unpacks is exactly what was captured.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventPacker, packEvents, unpackEvents } from '../../src/stream/packed-events.js';
import { ByteBlocks } from '../../src/upstream/byte-blocks.js';
import type { StreamEvent } from '../../src/types.js';

const KiB = 1024;

const event = fc.record(
  {
    ms: fc.double({ min: 0, max: 1e6, noNaN: true }),
    // Long raws (past a 256 Ki-character block), empty ones, and text outside Latin-1.
    raw: fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constant(''),
      fc.string({ minLength: 1, maxLength: 4 }).map((s) => s.repeat(40 * KiB)),
      fc.constant('é😀'),
    ),
    base64: fc.option(fc.base64String({ maxLength: 12 }), { nil: undefined }),
  },
  { requiredKeys: ['ms', 'raw'] },
);

/** The capture's shape: `ms`, `raw`, then `base64` only when kept. */
const shaped = (e: StreamEvent): StreamEvent =>
  e.base64 === undefined ? { ms: e.ms, raw: e.raw } : { ms: e.ms, raw: e.raw, base64: e.base64 };

describe('packed events', () => {
  it('unpack to the captured events, however they were added (several blocks)', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.array(fc.nat(40), { maxLength: 6 }), (raw, cuts) => {
        const events = raw.map(shaped);
        const packer = new EventPacker();
        let at = 0;
        for (const cut of [...cuts.sort((a, b) => a - b), events.length]) {
          packer.add(events.slice(at, Math.max(at, cut)));
          at = Math.max(at, cut);
        }
        expect(packer.count).toBe(events.length);
        const packed = packer.packed();
        expect(JSON.stringify(unpackEvents(packed))).toBe(JSON.stringify(events));
        expect(JSON.stringify(unpackEvents(packEvents(events)))).toBe(JSON.stringify(events));
      }),
      { numRuns: 60 },
    );
  });

  it('cut a large stream into blocks', () => {
    const events = Array.from({ length: 2000 }, (_, n) => ({ ms: n, raw: `data: ${'x'.repeat(500)}${n}\n\n` }));
    const packed = packEvents(events);
    expect(packed.texts.length).toBeGreaterThan(2);
    expect(unpackEvents(packed)).toEqual(events);
  });
});

describe('byte blocks', () => {
  it('join to the bytes written, whatever the chunk sizes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 700 * KiB }), { maxLength: 8 }), (sizes) => {
        const chunks = sizes.map((size, n) => Buffer.alloc(size, n + 1));
        const blocks = new ByteBlocks();
        for (const c of chunks) blocks.write(c);
        const all = Buffer.concat(chunks);
        expect(blocks.byteLength).toBe(all.length);
        const out = blocks.blocks();
        // Each block owns its memory (it is moved to the worker, never shared with a chunk).
        for (const b of out) expect(b.byteOffset).toBe(0);
        expect(Buffer.compare(Buffer.concat(out), all)).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});
