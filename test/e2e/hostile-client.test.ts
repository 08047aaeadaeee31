// Hostile or hasty clients (issue 13 items 20 and 21): an over-limit upload gets its 413 on the
// wire (the proxy drains the body instead of resetting the socket under the client), and a client
// that hangs up once the answer is complete on the wire does not cost the recording.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useCleanup } from '../helpers/cleanup.js';
import { startProxy } from '../helpers/proxy.js';

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
