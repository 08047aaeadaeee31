// A recorded stream's final event (`data: [DONE]`) waits for the answer's end and leaves with it in
// one write (issue 20: one send per recorded stream fewer). The client's bytes are the upstream's,
// the events before it are not delayed, and an upstream that keeps its body open after the final
// event still lets the client see it (an SDK that stops reading at `[DONE]` then hangs up).
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';

useCleanup();

const CHAT_BODY = JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] });
const delta = (text: string): string =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;
const DONE = 'data: [DONE]\n\n';
const TERMINATOR = '0\r\n\r\n';

/** One streamed call on a raw socket: every read as it came, with its time since the request. */
function reads(port: number): Promise<{ at: number; text: string }[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const out: { at: number; text: string }[] = [];
    const t0 = performance.now();
    socket.on('data', (d) => {
      out.push({ at: performance.now() - t0, text: d.toString('latin1') });
      if (
        out
          .map((r) => r.text)
          .join('')
          .endsWith(TERMINATOR)
      )
        socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(out));
    socket.write(
      `POST /openai/v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(CHAT_BODY)}\r\n\r\n${CHAT_BODY}`,
    );
  });
}

/** The body of a chunked answer's text (head cut off, chunk sizes removed). */
function dechunk(answer: string): string {
  let rest = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  let body = '';
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) return body;
    body += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

describe('the final event of a recorded stream', () => {
  it('live: leaves with the end in one write; the events before it do not wait', async () => {
    const events = [delta('Hello'), delta(' world')];
    const upstream = await startFakeUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const e of events) {
        res.write(e);
        await sleep(40);
      }
      res.write(DONE);
      // The end a moment later, as a separate read at the proxy.
      await sleep(5);
      res.end();
    });
    const proxy = await startProxy({ mode: 'live', store: tempStore(), upstream: [`openai=${upstream.url}`] });
    const got = await reads(Number(new URL(proxy.url).port));
    const all = got.map((r) => r.text).join('');
    expect(dechunk(all)).toBe([...events, DONE].join(''));
    const withDone = got.find((r) => r.text.includes('[DONE]'));
    expect(withDone?.text.endsWith(TERMINATOR)).toBe(true);
    // The first event came 80 ms before [DONE] at the upstream, and reached the client well before it.
    const withHello = got.find((r) => r.text.includes('Hello'));
    expect(withHello).toBeDefined();
    expect((withDone?.at ?? 0) - (withHello?.at ?? 0)).toBeGreaterThan(40);
  });

  it('live: a trailing comment after [DONE] comes after it, byte for byte', async () => {
    const upstream = await startFakeUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(delta('Hi'));
      res.write(DONE);
      await sleep(20);
      res.end(': bye\n\n');
    });
    const proxy = await startProxy({ mode: 'live', store: tempStore(), upstream: [`openai=${upstream.url}`] });
    const got = await reads(Number(new URL(proxy.url).port));
    expect(dechunk(got.map((r) => r.text).join(''))).toBe(`${delta('Hi')}${DONE}: bye\n\n`);
  });

  it('live: an upstream that keeps its body open after [DONE] does not keep the client from it', async () => {
    const KEEP_OPEN_MS = 1500;
    const upstream = await startFakeUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(delta('Hi'));
      res.write(DONE);
      await sleep(KEEP_OPEN_MS);
      if (!res.destroyed) res.end();
    });
    const proxy = await startProxy({ mode: 'live', store: tempStore(), upstream: [`openai=${upstream.url}`] });
    const got = await reads(Number(new URL(proxy.url).port));
    const withDone = got.find((r) => r.text.includes('[DONE]'));
    const last = got.at(-1);
    // [DONE] came long before the end the upstream held back (measured in the same call).
    expect(withDone).toBeDefined();
    expect(last?.text.endsWith(TERMINATOR)).toBe(true);
    expect((last?.at ?? 0) - (withDone?.at ?? 0)).toBeGreaterThan(KEEP_OPEN_MS / 2);
  });
});
