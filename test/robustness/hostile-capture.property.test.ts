// Hostile upstream answers through the response capture (issue 13 item 2): gzip bombs, endless
// streams and a single 600 MiB SSE event. The capture must stop copying at the limit (the
// answer's reason says which), keep memory flat, and record everything under the limit as before.
// Each case is bounded: small limits for the generated cases, one large case with the defaults.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS } from '../../src/config/config-defaults.js';
import { createRedactor } from '../../src/safety/create-redactor.js';
import type { StreamFormat } from '../../src/types.js';
import { ResponseCapture } from '../../src/upstream/response-capture.js';
import type { CaptureLimits } from '../../src/upstream/response-capture.js';

const SOAK = Boolean(process.env.CASSETTE_SOAK);
const MIB = 1024 * 1024;
const redactor = createRedactor([]);

function capture(format: StreamFormat | undefined, encoding: string | undefined, limits: CaptureLimits): ResponseCapture {
  return new ResponseCapture({
    startedAt: performance.now(),
    contentType: format ? 'text/event-stream' : 'application/json',
    contentEncoding: encoding,
    format,
    redactor,
    limits,
  });
}

function feed(c: ResponseCapture, bytes: Buffer, piece: number): void {
  for (let at = 0; at < bytes.length; at += piece) c.push(bytes.subarray(at, at + piece));
}

describe('the response capture under hostile answers', () => {
  // 40 cases (400 soak): a body of up to 4 MiB of one repeated character, gzipped or not, against
  // a random limit. Over the limit (or over the ratio) nothing is kept; under it, all of it.
  it('keeps an answer under the limits whole and drops one over them, with the reason', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 * MIB }),
        fc.integer({ min: 64 * 1024, max: 3 * MIB }),
        fc.boolean(),
        fc.integer({ min: 1024, max: 256 * 1024 }),
        async (size, maxRecordedBytes, gzipped, piece) => {
          const text = Buffer.alloc(size, 0x61);
          const wire = gzipped ? gzipSync(text) : text;
          const c = capture(undefined, gzipped ? 'gzip' : undefined, { maxRecordedBytes, maxDecompressionRatio: 200 });
          feed(c, wire, piece);
          const got = await c.finish(true);
          const overRatio = gzipped && size > MIB && size > 200 * wire.length;
          if (size > maxRecordedBytes || overRatio) {
            expect(got.complete).toBe(false);
            expect(got.unrecordable).toMatch(/limits\.(maxRecordedBytes|maxDecompressionRatio)/);
            expect(got.body).toEqual({ kind: 'empty' });
          } else {
            expect(got.unrecordable).toBeUndefined();
            expect(got.complete).toBe(true);
            expect(got.body).toMatchObject({ kind: 'text' });
          }
        },
      ),
      { numRuns: SOAK ? 400 : 40 },
    );
  }, 120_000);

  it('a gzip bomb (64 MiB from 64 KiB) is dropped by the ratio guard, memory flat', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * MIB, 0x30), { level: 9 });
    const c = capture(undefined, 'gzip', CONFIG_DEFAULTS.limits);
    const before = process.memoryUsage().rss;
    feed(c, bomb, 16 * 1024);
    const got = await c.finish(true);
    expect(got.unrecordable).toMatch(/maxDecompressionRatio/);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * MIB);
  });

  it('a single 600 MiB SSE event does not crash the capture and is dropped at limits.maxRecordedBytes', async () => {
    const c = capture('sse', undefined, CONFIG_DEFAULTS.limits);
    const chunk = Buffer.alloc(MIB, 0x78);
    c.push(Buffer.from('data: '));
    const before = process.memoryUsage().rss;
    let peak = before;
    for (let i = 0; i < 600; i++) {
      c.push(chunk);
      if (i % 16 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    c.push(Buffer.from('\n\n'));
    const got = await c.finish(true);
    expect(got.unrecordable).toBe(`the decoded answer is over limits.maxRecordedBytes (${64 * MIB} bytes)`);
    expect(got.stream).toEqual({ format: 'sse', events: [], complete: false });
    // At most the limit's worth of text is held (UTF-16 strings: twice the bytes), never 600 MiB.
    expect(peak - before).toBeLessThan(256 * MIB);
  }, 60_000);

  it('an endless stream of small events is dropped at the limit and stays dropped', async () => {
    const c = capture('sse', undefined, { maxRecordedBytes: MIB, maxDecompressionRatio: 200 });
    const event = Buffer.from(`data: ${'{"x":1}'.repeat(100)}\n\n`);
    for (let i = 0; i < (8 * MIB) / event.length; i++) c.push(event);
    const got = await c.finish(true);
    expect(got.unrecordable).toMatch(/maxRecordedBytes/);
    expect(got.stream?.events).toEqual([]);
  });
});
