import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { CassetteError } from '../../errors.js';
import type { Route } from '../../providers/registry.js';

/**
 * Answers an upgrade request with a plain HTTP error in the provider's own error shape (a refused,
 * missed or failed upgrade), then closes the connection: WebSocket clients surface the status and
 * many also the body ("Unexpected server response: 404").
 */
export function rejectUpgrade(
  socket: Duplex,
  provider: Route | undefined,
  error: CassetteError,
  headers: Record<string, string> = {},
): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(
    provider
      ? provider.provider.errorBody(error.httpStatus, error.code, error.message)
      : { error: { type: error.code, code: error.code, message: error.message } },
  );
  writeHttpResponse(
    socket,
    error.httpStatus,
    { 'x-cassette-error': error.code, 'x-should-retry': 'false', ...headers },
    Buffer.from(body),
    'application/json',
  );
}

/** Writes a whole HTTP/1.1 response on a raw socket and ends it. */
export function writeHttpResponse(
  socket: Duplex,
  status: number,
  headers: Record<string, string | string[]>,
  body: Buffer,
  contentType: string | undefined,
): void {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nconnection: close\r\n`;
  if (contentType) head += `content-type: ${contentType}\r\n`;
  for (const [k, v] of Object.entries(headers)) {
    const lower = k.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection' || lower === 'content-type') continue;
    for (const value of Array.isArray(v) ? v : [v]) head += `${k}: ${value.replace(/[\r\n]/g, ' ')}\r\n`;
  }
  head += `content-length: ${body.length}\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}
