import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareResponse, rewritePrepared, sendPrepared } from '../../src/modes/send-recorded.js';
import type { PreparedResponse, SendOptions } from '../../src/modes/send-recorded.js';
import type { RecordedResponse, StreamEvent } from '../../src/types.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Serves `prepared` once on 127.0.0.1:0 and returns what a client received: status, headers, bytes, or the cut. */
async function served(
  prepared: PreparedResponse,
  options: SendOptions,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: Buffer; cut: boolean }> {
  const server = createServer((_req, res) => void sendPrepared(res, prepared, options));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const chunks: Buffer[] = [];
  let res: Response | undefined;
  try {
    res = await fetch(`http://127.0.0.1:${port}/`);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  } catch {
    return { status: res?.status ?? 0, headers: {}, bytes: Buffer.concat(chunks), cut: true };
  }
  return { status: res.status, headers: Object.fromEntries(res.headers), bytes: Buffer.concat(chunks), cut: false };
}

const NOT_UTF8 = Buffer.from([0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a, 0x0a]);
const events: StreamEvent[] = [
  { ms: 0, raw: 'data: {"text":"héllo ✓ 🎉"}\n\n' },
  { ms: 20, raw: 'data: \ufffd\ufffd\n\n', base64: NOT_UTF8.toString('base64') },
  { ms: 40, raw: 'data: [DONE]\n\n' },
];
const wire = Buffer.concat([Buffer.from(events[0]?.raw ?? '', 'utf8'), NOT_UTF8, Buffer.from(events[2]?.raw ?? '', 'utf8')]);
const stream = (e: StreamEvent[] = events): RecordedResponse => ({
  status: 200,
  headers: { 'content-type': 'text/event-stream' },
  stream: { format: 'sse', events: e, complete: true },
});

describe('a stored answer made ready for the wire', () => {
  it('replays every event byte for byte, multi-byte text and bytes that are not UTF-8 alike, in one write or timed', async () => {
    const prepared = prepareResponse(stream(), { 'x-cassette-outcome': 'hit' });
    expect(prepared.events?.bytes.equals(wire)).toBe(true);
    const instant = await served(prepared, { timing: 'instant' });
    expect(instant.bytes.equals(wire)).toBe(true);
    expect(instant.headers).toMatchObject({
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-cassette-outcome': 'hit',
    });
    const started = performance.now();
    const timed = await served(prepared, { timing: 'recorded' });
    expect(timed.bytes.equals(wire)).toBe(true);
    // The last event was recorded 40 ms in: sent no earlier (a timer may fire a millisecond early).
    expect(performance.now() - started).toBeGreaterThanOrEqual(38);
  });

  it('cuts a stream after the asked number of events (chaos truncate), and never sends it whole', async () => {
    const prepared = prepareResponse(stream());
    const got = await served(prepared, { timing: 'recorded', truncateAfterEvents: 1 });
    expect(got.cut).toBe(true);
    // What arrived before the cut is the first event at most.
    expect(events[0]?.raw.startsWith(got.bytes.toString('utf8'))).toBe(true);
  });

  it('replays a binary stream format (base64 in raw) as its bytes', async () => {
    const frames = [Buffer.from([0, 0, 0, 16, 1, 2, 3, 255]), Buffer.from([0, 0, 0, 8, 9, 0x80])];
    const prepared = prepareResponse({
      status: 200,
      headers: { 'content-type': 'application/vnd.amazon.eventstream' },
      stream: { format: 'aws-eventstream', events: frames.map((f, i) => ({ ms: i, raw: f.toString('base64') })), complete: true },
    });
    expect((await served(prepared, { timing: 'instant' })).bytes.equals(Buffer.concat(frames))).toBe(true);
    expect((await served(prepared, { timing: 0.01 })).bytes.equals(Buffer.concat(frames))).toBe(true);
  });

  it('rewrites only the events that change, and keeps the others byte for byte', async () => {
    const prepared = prepareResponse(stream());
    expect(rewritePrepared(prepared, (text) => text)).toBe(prepared);
    const rewritten = rewritePrepared(prepared, (text) => text.replace('[DONE]', '[FINISHED]'));
    const expected = Buffer.concat([wire.subarray(0, wire.length - 'data: [DONE]\n\n'.length), Buffer.from('data: [FINISHED]\n\n')]);
    expect(rewritten.events?.bytes.equals(expected)).toBe(true);
    expect((await served(rewritten, { timing: 'recorded' })).bytes.equals(expected)).toBe(true);
    expect(prepared.events?.bytes.equals(wire)).toBe(true);
  });

  it('keeps a small JSON body in a buffer of its own, not in a pool slab shared with other allocations', async () => {
    const prepared = prepareResponse({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { kind: 'json', json: { answer: 'short' } },
    });
    const body = prepared.body as Buffer;
    expect(body.toString('utf8')).toBe('{"answer":"short"}');
    // A kept answer then keeps its own bytes alive, not the 8 KiB slab Buffer.from() cut it from.
    expect(body.buffer.byteLength).toBe(body.length);
    const got = await served(prepared, { timing: 'instant' });
    expect(got.headers['content-length']).toBe(String(body.length));
    expect(got.bytes.equals(body)).toBe(true);
  });
});
