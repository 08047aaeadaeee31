import type { Duplex } from 'node:stream';

/**
 * Malformed HTTP never reaches a handler: answers 400 (431 for a request head over Node's 16 KiB
 * limit), saying what was wrong (the parser's code), and closes; the proxy stays up.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const overflow = err.code === 'HPE_HEADER_OVERFLOW';
  const message = overflow
    ? 'the request line and headers are larger than 16 KiB'
    : `malformed HTTP/1.1 request (${err.code ?? 'parse error'})`;
  const body = JSON.stringify({ error: { type: 'bad_usage', code: 'bad_usage', message } });
  socket.end(
    `HTTP/1.1 ${overflow ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nconnection: close\r\ncontent-type: application/json\r\n` +
      `x-should-retry: false\r\nx-cassette-error: bad_usage\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
