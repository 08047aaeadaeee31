// Hostile or hasty clients (issue 13 items 20 and 21): an over-limit upload gets its 413 on the
// wire (the proxy drains the body instead of resetting the socket under the client), and a client
// that hangs up once the answer is complete on the wire does not cost the recording.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';

useCleanup();

/**
 * Uploads `total` bytes on a raw socket like `requests` does (the whole body first, then the
 * answer); resolves with what came back and the socket error (EPIPE/ECONNRESET) if there was one.
 */
function upload(port: number, total: number, chunked: boolean): Promise<{ answer: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let error: string | undefined;
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    let sent = 0;
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', (err) => (error ??= (err as NodeJS.ErrnoException).code ?? err.message));
    socket.on('close', () => resolve({ answer, ...(error ? { error } : {}) }));
    socket.once('connect', () => {
      const head = [
        'POST /openai/v1/chat/completions HTTP/1.1',
        'Host: 127.0.0.1',
        'Content-Type: application/json',
        chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${total}`,
        '',
        '',
      ].join('\r\n');
      socket.write(head);
      const pump = (): void => {
        while (sent < total && !socket.destroyed) {
          sent += chunk.length;
          const data = chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk;
          if (!socket.write(data)) return void socket.once('drain', pump);
        }
        if (!socket.destroyed) socket.end(chunked ? '0\r\n\r\n' : '');
      };
      pump();
    });
  });
}

describe('an over-limit request body (item 20)', () => {
  for (const chunked of [false, true]) {
    it(`gets its 413 on the wire during a 256 MiB upload (${chunked ? 'chunked' : 'content-length'})`, async () => {
      const proxy = await startProxy({ mode: 'golden', store: ':memory:' });
      const port = Number(new URL(proxy.url).port);
      const { answer, error } = await upload(port, 256 * 1024 * 1024, chunked);
      expect(error).toBeUndefined();
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).toContain('body_too_large');
    }, 60_000);
  }
});

const CHAT = '/openai/v1/chat/completions';
const CHAT_BODY = JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] });
const delta = (text: string): string =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;

/**
 * Sends one streamed chat call on a raw socket and hangs up as soon as the answer holds `until`
 * (like Mistral's and Cohere's SDKs at `data: [DONE]`); resolves with what was read.
 */
function callAndHangUp(port: number, until: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString('utf8');
      if (answer.includes(until)) socket.destroy();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(
      `POST ${CHAT} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(CHAT_BODY)}\r\n\r\n${CHAT_BODY}`,
    );
  });
}

describe('a client that hangs up first (item 21)', () => {
  /** An SSE upstream that ends its body `tailMs` after `[DONE]`; tells when its answer was cut. */
  async function slowEndingUpstream(tailMs: number, midDelayMs = 0) {
    let cut = false;
    let ended = false;
    const upstream = await startFakeUpstream(async (_req, res) => {
      res.on('close', () => (cut = !res.writableFinished));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(delta('Hello'));
      if (midDelayMs > 0) await sleep(midDelayMs);
      res.write(delta(' world'));
      res.write('data: [DONE]\n\n');
      await sleep(tailMs);
      if (!res.destroyed) res.end(() => (ended = true));
    });
    return { upstream, cut: () => cut, ended: () => ended };
  }

  it('records the stream when the client leaves at [DONE] and the upstream ends a moment later', async () => {
    const { upstream, ended } = await slowEndingUpstream(150);
    const store = tempStore();
    const live = await startProxy({ mode: 'record-missing', store, upstream: [`openai=${upstream.url}`] });
    const seen = await callAndHangUp(Number(new URL(live.url).port), '[DONE]');
    expect(seen).toContain('[DONE]');
    await sleep(400);
    expect(ended()).toBe(true);
    await live.stop();
    const golden = await startProxy({ mode: 'golden', store });
    const replay = await rawRequest(`${golden.url}${CHAT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: CHAT_BODY,
    });
    expect(replay.status).toBe(200);
    expect(replay.body.toString('utf8')).toContain('[DONE]');
    expect(replay.body.toString('utf8')).toContain(' world');
  }, 30_000);

  it('still aborts the upstream call when the client leaves mid-stream, and records nothing servable', async () => {
    const { upstream, cut } = await slowEndingUpstream(50, 500);
    const store = tempStore();
    const live = await startProxy({ mode: 'record-missing', store, upstream: [`openai=${upstream.url}`] });
    const seen = await callAndHangUp(Number(new URL(live.url).port), 'Hello');
    expect(seen).not.toContain('[DONE]');
    await sleep(800);
    expect(cut()).toBe(true);
    await live.stop();
    const golden = await startProxy({ mode: 'golden', store });
    const replay = await rawRequest(`${golden.url}${CHAT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: CHAT_BODY,
    });
    expect(replay.status).toBe(404);
  }, 30_000);
});
